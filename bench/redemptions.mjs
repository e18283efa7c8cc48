#!/usr/bin/env node
// Redemption benchmark: what does recording an order placed with a promo code (POST
// /api/v1/redemptions) cost compared with the cheapest Worker that reads the same JSON body and
// answers 201, under concurrent load with duplicates mixed in, and is every order counted exactly once?
//
//   npm run bench:redemptions -- [--duration 10] [--rounds 3] [--connections 32] [--report-only]
//                                [--bundle path/to/index.js] [--direct]
//
// --bundle and --direct as in bench:redirect (a prebuilt bundle, to attribute cost by disabling
// pieces of it; the load on each Worker's own socket, without miniflare's entry Worker).
//
// Method (the shared pieces are in bench/lib/harness.mjs; see also bench/redirect.mjs's header)
// - The real Worker is built as it is deployed (`wrangler deploy --dry-run`) and run in workerd
//   through the `miniflare` API with the wrangler.toml bindings: D1 `DB` (fresh, migrated, in a
//   temp dir), the EVENTS queue and both consumers (every redemption recorded publishes a
//   conversion event, consumed while the load runs) and the secrets as text bindings.
// - Throttles: a redemption's read batch reads its buyer's recent refused attempts, and the key
//   lookup its client's failed sign-ins, both from D1. The load sends nothing that is refused (a
//   valid key; BENCH10 active, in the campaign's currency, without max_redemptions), so what is
//   measured is the cost of those reads, never a 429: the check "nothing refused or throttled"
//   fails the run if a refused attempt, an auth failure or a 429 shows up all the same.
// - Seeded through the Worker's API with the admin key: a campaign (EUR), an influencer, the code
//   BENCH10 (no max_redemptions) and a checkout key, which the load then uses.
// - Load (autocannon, same number of connections on both sides): POST /api/v1/redemptions, JSON
//   {code: "BENCH10", order_id, amount: 4999, currency: "EUR", customer_id}. A counter makes every
//   order_id new, except every 10th request, which re-sends an order with the same body (customer
//   included), alternately: a "replay" of an order already answered 201 (a checkout retrying; must
//   be answered 200 with the same record), and a "racing" duplicate of the newest order, sent on
//   another connection while that order is still in flight (two concurrent requests for one order:
//   one must be 201, the other 200, and one row written). customer_id cycles through 1,000
//   customers, each with its own client_ip (as the API asks checkouts to send it), so both of a
//   buyer's throttle reads are index lookups, as for a real checkout.
// - The baseline is a bare Worker in its own workerd that reads the JSON body and answers 201 with a
//   small constant JSON body. It gets exactly the same requests.
// - Rounds alternate bare, redemptions, bare, redemptions… and each side's figure is the median
//   over its rounds, after an unrecorded warm-up load of each. After every redemptions round the
//   queue consumer is allowed to catch up (the conversion events it acknowledged are counted from
//   its log lines), so its backlog does not load the next bare round; the workerd CPU per request
//   (from /proc) includes that catch-up, and for Swayline also D1's work, which runs in the same
//   workerd process.
// - Exact counts: both Workers run behind the same small entry module that tallies the answers to
//   the load by kind (fresh/replay/racing, from an X-Bench-Kind header) and status, and keeps the set of
//   order ids (X-Bench-Order) answered 201. autocannon cannot do that: it drops the requests in
//   flight when a round ends, though the Worker still answers (and records) them. For racing
//   duplicates it also notes whether they reached the INSERT (D1 batch) or found the order recorded.
// - Afterwards D1 must agree with the answers: as many `conversions` rows as distinct order ids
//   answered 201 (and the same ids), no order answered 201 twice, no order_id twice in the table,
//   and BENCH10's `promo_codes.redemptions` equal to its conversions.
// - Then, with the Worker idle, each kind of D1 call a redemption makes (a round trip, an indexed
//   lookup, a buyer's throttle read, the UPDATE of the code's count, the whole read batch) is timed
//   400 times in a row from inside the isolate, with its workerd CPU: in miniflare D1 is a Durable
//   Object in the same workerd process, so every call costs CPU there, on the same thread.
//
// There are no speed targets: requests/s, p50, p99 and CPU per request are printed with their
// ratios redemptions/bare. Exit code 1 when a correctness check fails (with or without --report-only,
// which is accepted for symmetry with bench:redirect).

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import {
  api,
  benchManifest,
  buildWorker,
  COMPATIBILITY_DATE,
  COMPATIBILITY_FLAGS,
  cpuMs,
  createSession,
  createWorkerLogs,
  devOptions,
  fmt,
  mark,
  medianOf,
  parseBenchArgs,
  runContext,
  sharedOptions,
  sleep,
  startSwaylineWorker,
  startWorkerd,
  step,
  summariseLoad,
  table,
  writeResults,
} from "./lib/harness.mjs";

const PATH = "/api/v1/redemptions";
const CODE = "BENCH10";
const AMOUNT = 4999;
const CURRENCY = "EUR";
const CUSTOMERS = 1000;
// Every DUPLICATE_EVERY-th request re-sends an order, alternately a replay and a racing duplicate.
const DUPLICATE_EVERY = 10;
// Replays pick among the last orders answered 201 (a ring of this many per load).
const REPLAY_POOL = 10_000;
// What each kind of request may be answered. A new order and its racing duplicate: one 201, one 200.
const EXPECTED = {
  redemptions: new Set(["fresh 201", "fresh 200", "replay 200", "racing 201", "racing 200"]),
  bare: new Set(["fresh 201", "replay 201", "racing 201"]),
};
const KIND_NAMES = { fresh: "new", replay: "replay", racing: "racing" };
const CATCH_UP_STALL_MS = 5_000;
const STALL_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Arguments

const {
  args,
  duration: DURATION,
  rounds: ROUNDS,
  connections: CONNECTIONS,
  reportOnly: REPORT_ONLY,
  direct: DIRECT,
  warmupSeconds: WARMUP_SECONDS,
} = parseBenchArgs(
  "Usage: npm run bench:redemptions -- [--duration <s>=10] [--rounds <n>=3] [--connections <n>=32] [--report-only]\n" +
    "                                    [--bundle <prebuilt index.js: skip the build>] [--direct]",
);

// ---------------------------------------------------------------------------------------------
// The Workers

// Both Workers run behind the same entry module. It tallies the answers to the load ("fresh 201",
// "replay 200", …) and keeps the order ids answered 201, exactly, in the isolate; /__bench/tally and
// /__bench/created read them. /__bench/probe times, after the load, `n` calls in a row of one of
// the kinds of call a redemption makes (see PROBES).
function tallyWrapper(innerModule) {
  return `import inner from "./${innerModule}";
const tally = {};
const created = new Set();
let createdAgain = 0;
// Racing duplicates (only those) get a D1 binding that notes whether the request reached the
// write batch (INSERT + UPDATE), where the unique order index decides, or found the order
// recorded. The key lookup and the read batch are D1 batches too: only the INSERT tells.
let racingReachedInsert = 0;
function noteBatch(env, seen) {
  const DB = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "batch") {
        return (statements) => {
          if (statements.some((s) => s.statement?.includes("INSERT INTO conversions"))) seen.insert = true;
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { ...env, DB };
}
// The reads of src/conversions/redemptions.ts and src/throttle.ts, written out: the same tables,
// indexes and shapes as the statements drizzle sends.
const orderLookup = (env, i) =>
  env.DB.prepare("SELECT * FROM conversions WHERE source = ?1 AND order_id = ?2 LIMIT 1").bind("default", \`probe-\${i}\`);
const codeLookup = (env) =>
  env.DB.prepare(
    "SELECT p.*, c.currency FROM promo_codes p JOIN campaigns c ON c.id = p.campaign_id WHERE p.code = ?1 LIMIT 1",
  ).bind("${CODE}");
// A buyer's 20th newest refused attempt within the minute (BUYER_THROTTLE): none, as under the load.
const throttleRead = (env, i, column) =>
  env.DB.prepare(
    \`SELECT created_at FROM redemption_attempts WHERE \${column} = ?1 AND created_at > ?2
      ORDER BY created_at DESC LIMIT 1 OFFSET 19\`,
  ).bind(\`probe-\${i % 1000}\`, Date.now() - 60_000);
const probes = {
  select1: (env) => env.DB.prepare("SELECT 1").first(),
  orderLookup: (env, i) => orderLookup(env, i).first(),
  throttleRead: (env, i) => throttleRead(env, i, "customer_bucket").all(),
  // The redemption's UPDATE of the code's count, for a conversion id that does not exist: it reads
  // what the real one reads and changes nothing, so the checks still hold.
  codeUpdate: (env, i, code) =>
    env.DB.prepare(
      "UPDATE promo_codes SET redemptions = redemptions + 1 WHERE id = ?1 AND EXISTS (SELECT 1 FROM conversions WHERE id = ?2)",
    ).bind(code, \`probe-\${i}\`).run(),
  readBatch: (env, i) =>
    env.DB.batch([
      orderLookup(env, i),
      codeLookup(env),
      throttleRead(env, i, "customer_bucket"),
      throttleRead(env, i, "client_bucket"),
    ]),
};
async function probe(url, env) {
  const params = new URL(url).searchParams;
  const what = probes[params.get("what")];
  const n = Number(params.get("n"));
  const started = Date.now();
  for (let i = 0; i < n; i++) await what(env, i, params.get("code"));
  return Response.json({ msPerCall: (Date.now() - started) / n });
}
export default {
  ...inner,
  async fetch(request, env, ctx) {
    if (request.url.includes("/__bench/")) {
      if (request.url.endsWith("/__bench/tally")) {
        return Response.json({ tally, created: created.size, createdAgain, racingReachedInsert });
      }
      if (request.url.endsWith("/__bench/created")) return Response.json([...created]);
      return probe(request.url, env);
    }
    const order = request.headers.get("X-Bench-Order");
    const kind = request.headers.get("X-Bench-Kind");
    const seen = {};
    const innerEnv = kind === "racing" && env.DB ? noteBatch(env, seen) : env;
    const response = await inner.fetch(request, innerEnv, ctx);
    if (seen.insert) racingReachedInsert++;
    if (order !== null) {
      const key = \`\${kind} \${response.status}\`;
      tally[key] = (tally[key] ?? 0) + 1;
      if (response.status === 201) {
        if (created.has(order)) createdAgain++;
        else created.add(order);
      }
    }
    return response;
  },
};
`;
}

const BARE_WORKER = `const BODY = JSON.stringify({ status: "recorded" });
export default {
  async fetch(request) {
    await request.json();
    return new Response(BODY, { status: 201, headers: { "Content-Type": "application/json" } });
  },
};
`;

// ---------------------------------------------------------------------------------------------
// The requests

const orderId = (label, number) => `${label}-${number}`;
// Customer c's own address: no two customers share a client bucket.
const clientIp = (c) => `10.0.${c >> 8}.${c & 255}`;
const redemptionBody = (label, number) =>
  JSON.stringify({
    code: CODE,
    order_id: orderId(label, number),
    amount: AMOUNT,
    currency: CURRENCY,
    customer_id: `cust-${number % CUSTOMERS}`,
    client_ip: clientIp(number % CUSTOMERS),
  });

// One load: a new order for every request but every DUPLICATE_EVERY-th, which re-sends (same body)
// an order of this load: alternately a replay of one already answered 201, and a racing duplicate
// of the newest order, sent by another connection and not answered yet. `label` keeps the order ids
// of different loads apart.
function load(url, seconds, label, checkoutKey) {
  let n = 0;
  let newest = 0;
  const inFlight = new Set();
  const answered = [];
  const sent = { fresh: 0, replay: 0, racing: 0 };
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    // Keep non-2xx latencies in the histogram (the default, made explicit).
    excludeErrorStats: false,
    requests: [
      {
        method: "POST",
        path: PATH,
        headers: { Authorization: `Bearer ${checkoutKey}`, "Content-Type": "application/json" },
        // Called for every request (per connection, one request at a time), with a fresh context
        // that onResponse then sees with the response.
        setupRequest(request, context) {
          n++;
          let number = n;
          let kind = "fresh";
          if (n % DUPLICATE_EVERY === 0) {
            if ((n / DUPLICATE_EVERY) % 2 === 0 && inFlight.has(newest)) {
              number = newest;
              kind = "racing";
            } else if (answered.length > 0) {
              number = answered[Math.floor(Math.random() * answered.length)];
              kind = "replay";
            }
          }
          if (kind === "fresh") {
            newest = number;
            inFlight.add(number);
          }
          sent[kind]++;
          context.kind = kind;
          context.number = number;
          request.headers["X-Bench-Order"] = orderId(label, number);
          request.headers["X-Bench-Kind"] = kind;
          request.body = redemptionBody(label, number);
          return request;
        },
        onResponse(status, _body, context) {
          if (context.kind !== "fresh") return;
          inFlight.delete(context.number);
          if (status !== 201) return;
          if (answered.length < REPLAY_POOL) answered.push(context.number);
          else answered[context.number % REPLAY_POOL] = context.number;
        },
      },
    ],
  });
  return instance.then((result) => ({ result, sent }));
}

// ---------------------------------------------------------------------------------------------
// Reading the Workers and D1

async function benchGet(base, what) {
  const res = await fetch(new URL(`/__bench/${what}`, base));
  if (!res.ok) throw new Error(`GET /__bench/${what} -> ${res.status}`);
  return res.json();
}
const readTally = (base) => benchGet(base, "tally");

const total = (tally) => Object.values(tally.tally).reduce((sum, n) => sum + n, 0);
// The answers between two tallies, by "kind status".
function tallyDiff(before, after) {
  const diff = {};
  for (const [key, n] of Object.entries(after.tally)) {
    const d = n - (before.tally[key] ?? 0);
    if (d) diff[key] = d;
  }
  return diff;
}
const answers201 = (tally) =>
  Object.entries(tally.tally)
    .filter(([key]) => key.endsWith(" 201"))
    .reduce((sum, [, n]) => sum + n, 0);
// "new→201 623, replay→200 33, …", and anything a side should not answer marked OTHER.
function formatAnswers(answers, side) {
  const keys = Object.keys(answers).sort((a, b) => {
    const order = Object.keys(KIND_NAMES);
    return order.indexOf(a.split(" ")[0]) - order.indexOf(b.split(" ")[0]) || a.localeCompare(b);
  });
  const part = (key) => {
    const [kind, status] = key.split(" ");
    return `${KIND_NAMES[kind] ?? kind}→${status} ${fmt.int(answers[key])}`;
  };
  const expected = keys.filter((key) => EXPECTED[side].has(key));
  const other = keys.filter((key) => !EXPECTED[side].has(key));
  return expected.map(part).join(", ") + (other.length ? `, OTHER ${other.map(part).join(", ")}` : "");
}

async function first(db, sql, ...binds) {
  return db
    .prepare(sql)
    .bind(...binds)
    .first();
}
const countConversions = async (db) => Number((await first(db, "SELECT COUNT(*) AS n FROM conversions")).n);

// Conversion events the queue consumer acknowledged, from its events_written log lines.
const consumed = { messages: 0 };
const workerLogs = createWorkerLogs((entry) => {
  if (entry.event === "events_written") consumed.messages += Number(entry.messages) || 0;
});

// Waits until the consumer has taken `expected` messages, or has taken none for `stallMs`.
async function waitForQueue(expected, stallMs, onProgress) {
  let last = consumed.messages;
  let lastChange = Date.now();
  let lastReport = Date.now();
  while (consumed.messages < expected && Date.now() - lastChange < stallMs) {
    await sleep(250);
    if (consumed.messages !== last) {
      last = consumed.messages;
      lastChange = Date.now();
    }
    if (onProgress && Date.now() - lastReport >= 2000) {
      lastReport = Date.now();
      onProgress(consumed.messages);
    }
  }
  return consumed.messages;
}

// The kinds of call a redemption makes, timed one after another inside the Swayline isolate once
// the load is over (wall time per call, and the workerd CPU per call from /proc).
const PROBES = {
  select1: "D1 SELECT 1 (a round trip doing nothing)",
  orderLookup: "D1 indexed lookup (as the key, order, code reads)",
  throttleRead: "D1 a buyer's throttle read (no refusals)",
  codeUpdate: "D1 the UPDATE of promo_codes.redemptions (no change)",
  readBatch: "D1 the read batch: order, code, 2 throttle reads",
};
const PROBE_CALLS = 400;
async function runProbe(base, pids, what, codeId) {
  const url = new URL("/__bench/probe", base);
  url.search = new URLSearchParams({ what, n: String(PROBE_CALLS), code: codeId }).toString();
  const cpuBefore = cpuMs(pids);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`probe ${what} -> ${res.status}: ${await res.text()}`);
  const { msPerCall } = await res.json();
  return { msPerCall, cpuUsPerCall: pids.length ? ((cpuMs(pids) - cpuBefore) * 1000) / PROBE_CALLS : null };
}

// ---------------------------------------------------------------------------------------------
// The run

const session = createSession();
const { tmp, instances } = session;
let exitCode = 0;

try {
  // 1. Build the Worker as `wrangler deploy` would (one bundled ES module).
  const { bundlePath, bundle } = buildWorker(tmp, args.bundle);

  // 2. Start the real Worker in workerd with the wrangler.toml bindings and a fresh, migrated D1.
  step("starting the Swayline Worker in workerd (miniflare)…");
  const {
    mf: swayline,
    url: swaylineUrl,
    pids: swaylinePids,
    db,
  } = await startSwaylineWorker({
    instances,
    persistDir: join(tmp, "state-swayline"),
    bundlePath,
    bundle,
    entryContents: tallyWrapper("index.js"),
    logs: workerLogs,
    direct: DIRECT,
  });
  step(`Swayline Worker listening on ${swaylineUrl.origin}`);

  // 3. Seed through the Worker's own API.
  step(`seeding a campaign, an influencer, the code ${CODE} and a checkout key through the API…`);
  const campaign = await api(swaylineUrl, "POST", "/api/v1/campaigns", {
    name: "Bench",
    objective: "sales",
    currency: CURRENCY,
  });
  const influencer = await api(swaylineUrl, "POST", "/api/v1/influencers", {
    handle: "bench",
    platform: "instagram",
  });
  const promo = await api(swaylineUrl, "POST", "/api/v1/codes", {
    code: CODE,
    campaign_id: campaign.id,
    influencer_id: influencer.id,
  });
  const checkout = await api(swaylineUrl, "POST", "/api/v1/keys", { scope: "checkout" });
  if (!checkout.key) throw new Error(`POST /api/v1/keys returned no key: ${JSON.stringify(checkout)}`);
  step(
    `campaign ${campaign.id}, influencer ${influencer.id}, code ${promo.id}, checkout key ${checkout.prefix}…`,
  );

  // A few single redemptions: new orders answered 201, then a replay answered 200 with the same record.
  const redeemOnce = async (base, label, number, kind) => {
    const started = performance.now();
    const res = await fetch(new URL(PATH, base), {
      method: "POST",
      headers: {
        Authorization: `Bearer ${checkout.key}`,
        "Content-Type": "application/json",
        "X-Bench-Order": orderId(label, number),
        "X-Bench-Kind": kind,
      },
      body: redemptionBody(label, number),
    });
    const text = await res.text();
    return { status: res.status, text, ms: performance.now() - started };
  };
  const warmupTimes = [];
  for (let i = 1; i <= 5; i++) {
    const r = await redeemOnce(swaylineUrl, "single", i, "fresh");
    warmupTimes.push(r.ms);
    if (r.status !== 201) throw new Error(`single redemption ${i} -> ${r.status}, expected 201: ${r.text}`);
    if (i === 1) step(`POST ${PATH} -> 201 ${r.text.slice(0, 300)}`);
  }
  {
    const r = await redeemOnce(swaylineUrl, "single", 1, "replay");
    warmupTimes.push(r.ms);
    if (r.status !== 200) throw new Error(`replayed redemption -> ${r.status}, expected 200: ${r.text}`);
  }
  step(`single redemptions (5 new, 1 replay): ${warmupTimes.map((t) => t.toFixed(1)).join(", ")} ms`);

  // 4. The baseline: a bare Worker that reads the body and answers 201.
  step("starting the bare Worker in a second workerd (miniflare)…");
  const bareDir = join(tmp, "bare");
  mkdirSync(bareDir, { recursive: true });
  const bare = new Miniflare({
    ...sharedOptions(join(tmp, "state-bare"), workerLogs.handle),
    workers: [
      {
        dev: devOptions(DIRECT),
        config: {
          name: "bare",
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: COMPATIBILITY_FLAGS,
          manifest: benchManifest(bareDir, tallyWrapper("bare.mjs"), "bare.mjs", BARE_WORKER),
        },
      },
    ],
  });
  instances.push(bare);
  const { url: bareUrl, pids: barePids } = await startWorkerd(bare);
  {
    const r = await redeemOnce(bareUrl, "single", 1, "fresh");
    if (r.status !== 201) throw new Error(`bare Worker answered ${r.status}, expected 201`);
  }
  step(`bare Worker listening on ${bareUrl.origin}`);

  // The load goes through miniflare's entry Worker, or with --direct to each Worker's own socket.
  const origins = DIRECT
    ? {
        bare: await bare.unsafeGetDirectURL("bare"),
        redemptions: await swayline.unsafeGetDirectURL("swayline"),
      }
    : { bare: bareUrl, redemptions: swaylineUrl };
  const targets = {
    bare: new URL(PATH, origins.bare).href,
    redemptions: new URL(PATH, origins.redemptions).href,
  };
  if (DIRECT) {
    step(`--direct: load on ${origins.bare.origin} (bare), ${origins.redemptions.origin} (Swayline)`);
  }
  const pids = { bare: barePids, redemptions: swaylinePids };
  const measureCpu = barePids.length > 0 && swaylinePids.length > 0;

  // 5. Load: an unrecorded warm-up for each, then alternating recorded rounds.
  step(`warm-up load: ${WARMUP_SECONDS} s each, ${CONNECTIONS} connections (not recorded)…`);
  for (const side of ["bare", "redemptions"]) {
    await load(targets[side], WARMUP_SECONDS, `${side}-warm`, checkout.key);
  }
  await waitForQueue(answers201(await readTally(origins.redemptions)), CATCH_UP_STALL_MS);

  const rounds = [];
  step(
    `load: ${ROUNDS} round(s) × (bare, redemptions), ${DURATION} s each, ${CONNECTIONS} connections, ` +
      `POST ${PATH}, every ${DUPLICATE_EVERY}th request a duplicate (replay or racing)`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of ["bare", "redemptions"]) {
      const before = await readTally(origins[side]);
      const cpuBefore = cpuMs(pids[side]);
      const { result, sent } = await load(targets[side], DURATION, `${side}-r${round}`, checkout.key);
      const r = { ...summariseLoad(side, round, result), sent };
      rounds.push(r);
      let caughtUp = "";
      if (side === "redemptions") {
        // Let the consumer catch up before the next round, so its backlog does not load the bare one.
        const expected = answers201(await readTally(origins.redemptions));
        const started = Date.now();
        const taken = await waitForQueue(expected, CATCH_UP_STALL_MS);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        r.conversionsInD1 = await countConversions(db);
        caughtUp =
          taken >= expected
            ? `  queue caught up in ${seconds} s: ${fmt.int(taken)} of ${fmt.int(expected)} conversion events consumed;`
            : `  queue NOT caught up (no progress for ${CATCH_UP_STALL_MS / 1000} s): ${fmt.int(taken)} of ` +
              `${fmt.int(expected)} conversion events consumed;`;
        caughtUp += ` ${fmt.int(r.conversionsInD1)} conversions in D1`;
      }
      // Exact answers of the round (including those autocannon dropped when it stopped), and the
      // workerd CPU per answer, including (for Swayline) the consumer's catch-up just above.
      const after = await readTally(origins[side]);
      r.answers = tallyDiff(before, after);
      r.answered = total(after) - total(before);
      r.workerdCpuUsPerRequest = measureCpu ? ((cpuMs(pids[side]) - cpuBefore) * 1000) / r.answered : null;
      console.log(
        `  round ${round}/${ROUNDS} ${side.padEnd(11)} ${fmt.rps(r.requestsPerSecond).padStart(6)} req/s  ` +
          `p50 ${fmt.ms(r.latencyP50)}  p99 ${fmt.ms(r.latencyP99)}` +
          (r.errors || r.timeouts ? `  errors ${r.errors} timeouts ${r.timeouts}` : "") +
          (measureCpu ? `  workerd CPU ${fmt.us(r.workerdCpuUsPerRequest)}/req` : "") +
          `\n    answers: ${formatAnswers(r.answers, side)}`,
      );
      if (caughtUp) console.log(caughtUp);
    }
  }

  // 6. Let the queue drain, then compare D1 with the answers.
  const tally = await readTally(origins.redemptions);
  const answered201 = answers201(tally);
  step(`waiting for the queue to drain (${fmt.int(answered201)} redemptions answered 201)…`);
  const eventsConsumed = await waitForQueue(answered201, STALL_MS, (n) =>
    console.log(`  ${fmt.int(n)} conversion events consumed…`),
  );

  const conversions = await countConversions(db);
  const duplicates = (
    await db
      .prepare("SELECT order_id, COUNT(*) AS n FROM conversions GROUP BY order_id HAVING COUNT(*) > 1")
      .all()
  ).results;
  const codeRow = await first(
    db,
    `SELECT p.id, p.redemptions, (SELECT COUNT(*) FROM conversions c WHERE c.code_id = p.id) AS conversions
       FROM promo_codes p WHERE p.code = ?`,
    CODE,
  );
  const createdIds = new Set(await benchGet(origins.redemptions, "created"));
  const rowIds = new Set(
    (await db.prepare("SELECT order_id FROM conversions").all()).results.map((row) => row.order_id),
  );
  const answeredNotInD1 = [...createdIds].filter((id) => !rowIds.has(id));
  const inD1NotAnswered = [...rowIds].filter((id) => !createdIds.has(id));
  const refusals = Number((await first(db, "SELECT COUNT(*) AS n FROM redemption_attempts")).n);
  const authFailures = Number((await first(db, "SELECT COUNT(*) AS n FROM auth_failures")).n);
  const throttled = Object.entries(tally.tally)
    .filter(([key]) => key.endsWith(" 429"))
    .reduce((sum, [, n]) => sum + n, 0);
  const deadLetters = Number((await first(db, "SELECT COUNT(*) AS n FROM dead_letters")).n);

  const checks = {
    rowsEqualOrdersAnswered201: {
      value: `${conversions} rows, ${tally.created} order ids answered 201`,
      pass: conversions === tally.created,
    },
    sameOrderIds: {
      value: `${answeredNotInD1.length} answered 201 but not in D1, ${inD1NotAnswered.length} in D1 never answered 201`,
      pass: answeredNotInD1.length === 0 && inD1NotAnswered.length === 0,
    },
    noOrderAnswered201Twice: { value: tally.createdAgain, pass: tally.createdAgain === 0 },
    noDuplicateOrderRows: { value: duplicates.length, pass: duplicates.length === 0 },
    codeRedemptionsEqualConversions: {
      value: `${codeRow?.redemptions} redemptions, ${codeRow?.conversions} conversions with ${CODE}, ${conversions} in all`,
      pass:
        codeRow !== null &&
        codeRow.redemptions === codeRow.conversions &&
        codeRow.conversions === conversions,
    },
    // A 429 would measure the throttle's refusal instead of a redemption.
    nothingRefusedOrThrottled: {
      value: `${refusals} refused attempts, ${authFailures} auth failures, ${throttled} answers 429`,
      pass: refusals === 0 && authFailures === 0 && throttled === 0,
    },
  };
  const pass = Object.values(checks).every((c) => c.pass);
  if (!pass) exitCode = 1;

  // What each kind of call a redemption makes costs on its own, now that the table is full.
  const probes = {};
  for (const what of Object.keys(PROBES))
    probes[what] = await runProbe(swaylineUrl, swaylinePids, what, promo.id);

  // 7. Summary.
  const bareMed = medianOf(rounds, "bare", measureCpu);
  const redMed = medianOf(rounds, "redemptions", measureCpu);
  const ratios = {
    requestsPerSecond: redMed.requestsPerSecond / bareMed.requestsPerSecond,
    latencyP50: redMed.latencyP50 / bareMed.latencyP50,
    latencyP99: redMed.latencyP99 / bareMed.latencyP99,
    workerdCpuPerRequest: measureCpu ? redMed.workerdCpuUsPerRequest / bareMed.workerdCpuUsPerRequest : null,
  };

  console.log(
    `\nRedemption benchmark — median of ${ROUNDS} round(s) of ${DURATION} s, ${CONNECTIONS} connections` +
      (DIRECT ? ", --direct (no miniflare entry Worker)" : ", through miniflare's entry Worker") +
      `; 1 in ${DUPLICATE_EVERY} requests a duplicate`,
  );
  console.log(
    table([
      ["", "req/s", "p50", "p99", "workerd CPU/req"],
      [
        "bare 201 Worker",
        fmt.rps(bareMed.requestsPerSecond),
        fmt.ms(bareMed.latencyP50),
        fmt.ms(bareMed.latencyP99),
        fmt.us(bareMed.workerdCpuUsPerRequest),
      ],
      [
        "Swayline redemption",
        fmt.rps(redMed.requestsPerSecond),
        fmt.ms(redMed.latencyP50),
        fmt.ms(redMed.latencyP99),
        fmt.us(redMed.workerdCpuUsPerRequest),
      ],
      [
        "redemptions / bare",
        fmt.ratio(ratios.requestsPerSecond),
        fmt.ratio(ratios.latencyP50),
        fmt.ratio(ratios.latencyP99),
        ratios.workerdCpuPerRequest === null ? "n/a" : fmt.ratio(ratios.workerdCpuPerRequest),
      ],
    ]),
  );

  const serverErrors = Object.entries(tally.tally)
    .filter(([key]) => /\s5\d\d$/.test(key))
    .reduce((sum, [, n]) => sum + n, 0);
  console.log(
    "\nanswers of the Swayline Worker, whole run (single requests + warm-up + rounds; racing: a duplicate " +
      `sent while the order was in flight): ${formatAnswers(tally.tally, "redemptions")}`,
  );
  if (serverErrors) console.log(`WARNING: ${fmt.int(serverErrors)} answers were 5xx`);
  const racing = Object.entries(tally.tally)
    .filter(([key]) => key.startsWith("racing "))
    .reduce((sum, [, n]) => sum + n, 0);
  console.log(
    `racing duplicates ${fmt.int(racing)}: ${fmt.int(tally.racingReachedInsert)} reached the INSERT while their ` +
      "order was not yet recorded (the unique order index decided), the rest found it already recorded",
  );
  console.log(
    `conversion events consumed ${fmt.int(eventsConsumed)} of ${fmt.int(answered201)} published; ` +
      `dead letters ${deadLetters}`,
  );
  console.log(
    `\nThe calls a redemption makes, ${PROBE_CALLS} in a row inside the idle Worker, ` +
      `${fmt.int(conversions)} conversions in D1 (a new order: 3 D1 round trips, the batch of the key and ` +
      "its client's auth failures, the read batch of the order, the code and the buyer's two throttle reads, " +
      "the write batch of INSERT + UPDATE + the order read back; then 1 queue send. A replay: the first two)",
  );
  console.log(
    table([
      ["", "wall/call", "workerd CPU/call"],
      ...Object.entries(PROBES).map(([what, label]) => [
        label,
        `${probes[what].msPerCall.toFixed(2)} ms`,
        fmt.us(probes[what].cpuUsPerCall),
      ]),
    ]),
  );
  const events = workerLogs.summary();
  if (events) console.log(`worker log lines: ${events}`);

  console.log("\nChecks (D1 against the answers, and nothing refused)");
  const checkRows = [
    ["conversions rows = order ids answered 201", checks.rowsEqualOrdersAnswered201],
    ["the same order ids", checks.sameOrderIds],
    ["orders answered 201 more than once", checks.noOrderAnswered201Twice],
    ["order_id in more than one conversions row", checks.noDuplicateOrderRows],
    [`${CODE} promo_codes.redemptions = conversions`, checks.codeRedemptionsEqualConversions],
    ["nothing refused or throttled", checks.nothingRefusedOrThrottled],
  ];
  const width = Math.max(...checkRows.map(([label]) => label.length));
  for (const [label, check] of checkRows)
    console.log(`${mark(check.pass)}  ${label.padEnd(width)}  ${check.value}`);
  if (duplicates.length) console.log(`duplicated order ids: ${JSON.stringify(duplicates.slice(0, 10))}`);
  if (answeredNotInD1.length)
    console.log(`answered 201, not in D1: ${answeredNotInD1.slice(0, 10).join(", ")}`);
  if (inD1NotAnswered.length)
    console.log(`in D1, never answered 201: ${inD1NotAnswered.slice(0, 10).join(", ")}`);

  writeResults("redemptions", {
    at: new Date().toISOString(),
    options: {
      duration: DURATION,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      reportOnly: REPORT_ONLY,
      warmupSeconds: WARMUP_SECONDS,
      bundle: args.bundle ?? null,
      direct: DIRECT,
      duplicateEvery: DUPLICATE_EVERY,
      customers: CUSTOMERS,
    },
    ...runContext(),
    seeded: { campaignId: campaign.id, influencerId: influencer.id, codeId: promo.id, code: CODE },
    median: { bare: bareMed, redemptions: redMed },
    ratios,
    answers: tally.tally,
    d1: {
      conversions,
      ordersAnswered201: tally.created,
      ordersAnswered201Again: tally.createdAgain,
      racingDuplicatesReachedInsert: tally.racingReachedInsert,
      duplicateOrderRows: duplicates,
      codeRedemptions: codeRow?.redemptions ?? null,
      codeConversions: codeRow?.conversions ?? null,
      answeredNotInD1: answeredNotInD1.slice(0, 100),
      inD1NotAnswered: inD1NotAnswered.slice(0, 100),
      refusals,
      authFailures,
      throttled,
      deadLetters,
      eventsConsumed,
    },
    probes,
    checks,
    pass,
    singleRequestMs: warmupTimes,
    workerLogEvents: Object.fromEntries(workerLogs.byEvent),
    rounds,
  });
  if (!pass) console.log("\nFAIL: see the checks above");
} catch (error) {
  console.error(`\nbench failed: ${error?.stack ?? error}`);
  exitCode = 1;
} finally {
  step("stopping workerd…");
  await session.dispose();
}
process.exit(exitCode);
