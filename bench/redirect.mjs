#!/usr/bin/env node
// Redirect benchmark: how much does Swayline's short-link redirect cost compared with the cheapest
// possible Worker answering the same request, and does every answered redirect become a click row?
//
//   npm run bench:redirect -- [--duration 10] [--rounds 3] [--connections 32] [--report-only]
//                             [--bundle path/to/index.js] [--direct]
//
// --bundle skips the build and loads a given bundled index.js instead: to attribute the cost, copy
// the built bundle, disable one piece of the work in the copy, and compare.
// --direct sends the load to each Worker's own socket (miniflare's unsafeDirectSockets), bypassing
// miniflare's entry Worker; see below. Requests then carry no request.cf and no CF-Connecting-IP.
//
// Method
// - The real Worker is built exactly as it is deployed (`wrangler deploy --dry-run`, one bundled
//   index.js) and run in workerd through the `miniflare` API, with the wrangler.toml bindings:
//   D1 `DB` (fresh, migrated, in a temp dir), the EVENTS queue and both queue consumers (and the
//   redemption rate limiters, unused here). So the consumer writes clicks to D1 while the load
//   runs, as it would in production. The pieces shared with bench:redemptions are in
//   bench/lib/harness.mjs.
// - Not `wrangler dev`: it puts its own proxy in front of workerd (and a file watcher, and the
//   inspector), which adds latency and CPU that production does not have and that would dominate a
//   sub-millisecond handler. With miniflare alone there is one fixed piece in front of each Worker
//   (miniflare's entry Worker, inside workerd), the same for both Workers measured. It is not free
//   (it costs about as much CPU as the bare Worker itself), so it flatters the ratios; --direct
//   leaves it out and measures the Workers alone, a much stricter comparison.
// - The baseline is a bare Worker in a second miniflare instance (its own workerd process, like the
//   real one) that returns a constant 302 with the same headers. Both are loaded identically with
//   autocannon: GET /<slug>?fbclid=x, a mobile Safari User-Agent, the same number of connections.
// - Rounds alternate bare, redirect, bare, redirect… so that noise on the machine (two shared cores)
//   hits both sides alike; each side's figure is the median over its rounds. Before the rounds a
//   short unrecorded warm-up load lets V8 optimise both Workers. After every redirect round the
//   queue is allowed to catch up, so a consumer backlog does not steal CPU from the next bare round.
// - The ratios are what matter, not the absolute numbers (which depend on the machine, and here
//   include autocannon itself sharing the cores): redirect/bare requests per second says what share
//   of a bare Worker's throughput the redirect keeps; redirect/bare p99 how much worse its tail is.
//   Targets: throughput ratio >= 0.8, p99 ratio <= 1.5, and no click lost.
// - Each Worker has its own workerd process, so (on Linux) the CPU time that process spent per
//   request answered is measured too: it is much less noisy than requests/s, and for the redirect
//   it includes the queue and the consumer's D1 writes done during the round (and its catch-up).
// - Clicks: both Workers are wrapped in a tiny counter module (identical for both, so it costs the
//   same on each side) that counts the 302s it answered to GET requests, readable at /__bench/count.
//   That count is exact, whereas autocannon's own count misses the requests in flight when it stops
//   (their redirects were answered and their clicks queued, but autocannon had hung up). After the
//   rounds the D1 `clicks` table is polled until it holds one row per answered redirect (or stops
//   growing for 20 s); the difference is clicks lost.
//
// Exit code 1 when a click was lost, or when a speed ratio misses its target (unless --report-only:
// the speed ratios depend on the machine; the click count does not).

import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import {
  api,
  applyMigrations,
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
  SWAYLINE_QUEUE_TRIGGERS,
  sharedOptions,
  sleep,
  startWorkerd,
  step,
  summariseLoad,
  swaylineEnv,
  table,
  writeResults,
} from "./lib/harness.mjs";

const DESTINATION = "https://shop.example/p";
const HEADERS = {
  "User-Agent":
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
    "Version/18.5 Mobile/15E148 Safari/604.1",
  Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language": "de-DE,de;q=0.9",
  Referer: "https://l.instagram.com/",
};
const TARGETS = { rpsRatioMin: 0.8, p99RatioMax: 1.5 };
const WARMUP_GETS = 5;
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
  "Usage: npm run bench:redirect -- [--duration <s>=10] [--rounds <n>=3] [--connections <n>=32] [--report-only]\n" +
    "                                 [--bundle <prebuilt index.js: skip the build>] [--direct]",
);

// ---------------------------------------------------------------------------------------------
// Helpers

// Both Workers run behind the same few lines: they count the 302s answered to GETs (exactly, in the
// isolate, which autocannon cannot: it drops the requests in flight when a round ends).
function counterWrapper(innerModule) {
  return `import inner from "./${innerModule}";
let redirects = 0;
export default {
  ...inner,
  async fetch(request, env, ctx) {
    if (request.url.endsWith("/__bench/count")) return Response.json({ redirects });
    const response = await inner.fetch(request, env, ctx);
    if (response.status === 302 && request.method === "GET") redirects++;
    return response;
  },
};
`;
}

const BARE_WORKER = `export default {
  fetch() {
    return new Response(null, {
      status: 302,
      headers: { Location: ${JSON.stringify(DESTINATION)}, "Cache-Control": "no-store" },
    });
  },
};
`;

// Worker log lines are tallied; the first few warnings and errors are shown, since a lost click
// would be logged there.
const workerLogs = createWorkerLogs();

async function countRedirects(base) {
  const res = await fetch(new URL("/__bench/count", base));
  return (await res.json()).redirects;
}

async function countClicks(db) {
  const row = await db.prepare("SELECT COUNT(*) AS n FROM clicks").first();
  return Number(row.n);
}

// Polls the clicks table until it reaches `expected`, or has not grown for `stallMs`.
async function waitForClicks(db, expected, stallMs, onProgress) {
  let last = await countClicks(db);
  let lastChange = Date.now();
  let lastReport = Date.now();
  while (last < expected && Date.now() - lastChange < stallMs) {
    await sleep(250);
    const n = await countClicks(db);
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    }
    if (onProgress && Date.now() - lastReport >= 2000) {
      lastReport = Date.now();
      onProgress(n);
    }
  }
  return last;
}

function load(url, seconds) {
  return autocannon({
    url,
    method: "GET",
    headers: HEADERS,
    connections: CONNECTIONS,
    duration: seconds,
    // 3xx are "non2xx" to autocannon; keep their latencies in the histogram (the default, made explicit).
    excludeErrorStats: false,
  });
}

function summarise(side, round, result) {
  const r = summariseLoad(side, round, result);
  return { ...r, responses302: r.statuses["302"] ?? 0 };
}

// ---------------------------------------------------------------------------------------------
// The run

const session = createSession();
const { tmp, instances } = session;
let exitCode = 0;

try {
  // 1. Build the Worker as `wrangler deploy` would (one bundled ES module).
  const { bundlePath, bundle } = buildWorker(tmp, args.bundle);

  // 2. Start the real Worker in workerd with the wrangler.toml bindings and a fresh D1.
  step("starting the Swayline Worker in workerd (miniflare)…");
  const swayline = new Miniflare({
    ...sharedOptions(join(tmp, "state-swayline"), workerLogs.handle),
    workers: [
      {
        dev: devOptions(DIRECT),
        config: {
          name: "swayline",
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: COMPATIBILITY_FLAGS,
          manifest: benchManifest(dirname(bundlePath), counterWrapper("index.js"), "index.js", bundle),
          env: swaylineEnv(),
          triggers: SWAYLINE_QUEUE_TRIGGERS,
        },
      },
    ],
  });
  instances.push(swayline);
  const { url: swaylineUrl, pids: swaylinePids } = await startWorkerd(swayline);
  const db = await swayline.getD1Database("DB");
  step(`Swayline Worker listening on ${swaylineUrl.origin}`);

  // 3. Migrations, statement by statement, in file order.
  await applyMigrations(db);

  // 4. Seed through the Worker's own API, then warm its in-isolate link cache.
  step("seeding a campaign, an influencer and a link through the API…");
  const campaign = await api(swaylineUrl, "POST", "/api/v1/campaigns", {
    name: "Bench",
    objective: "sales",
    currency: "EUR",
  });
  const influencer = await api(swaylineUrl, "POST", "/api/v1/influencers", {
    handle: "bench",
    platform: "instagram",
  });
  const link = await api(swaylineUrl, "POST", "/api/v1/links", {
    campaign_id: campaign.id,
    influencer_id: influencer.id,
    url: DESTINATION,
  });
  if (!link.slug) throw new Error(`POST /api/v1/links returned no slug: ${JSON.stringify(link)}`);
  const path = `/${link.slug}?fbclid=x`;
  step(`link ${link.id}, slug ${link.slug}; load path ${path}`);

  const warmupTimes = [];
  for (let i = 0; i < WARMUP_GETS; i++) {
    const started = performance.now();
    const res = await fetch(new URL(path, swaylineUrl), { redirect: "manual", headers: HEADERS });
    warmupTimes.push(performance.now() - started);
    await res.arrayBuffer();
    if (res.status !== 302) throw new Error(`warm-up GET ${path} -> ${res.status}, expected 302`);
    if (i === 0) step(`GET ${path} -> 302 Location: ${res.headers.get("Location")}`);
  }
  step(
    `warm-up GETs: ${warmupTimes.map((t) => t.toFixed(1)).join(", ")} ms ` +
      "(the first reads the link from D1; the rest should come from the isolate's cache)",
  );

  // 5. The baseline: a bare Worker answering the same request with a constant 302.
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
          manifest: benchManifest(bareDir, counterWrapper("bare.mjs"), "bare.mjs", BARE_WORKER),
        },
      },
    ],
  });
  instances.push(bare);
  const { url: bareUrl, pids: barePids } = await startWorkerd(bare);
  {
    const res = await fetch(new URL(path, bareUrl), { redirect: "manual", headers: HEADERS });
    await res.arrayBuffer();
    if (res.status !== 302) throw new Error(`bare Worker answered ${res.status}, expected 302`);
  }
  step(`bare Worker listening on ${bareUrl.origin}`);

  // The load goes through miniflare's entry Worker, or with --direct to each Worker's own socket.
  const origins = DIRECT
    ? { bare: await bare.unsafeGetDirectURL("bare"), redirect: await swayline.unsafeGetDirectURL("swayline") }
    : { bare: bareUrl, redirect: swaylineUrl };
  const targets = { bare: new URL(path, origins.bare).href, redirect: new URL(path, origins.redirect).href };
  if (DIRECT) step(`--direct: load on ${origins.bare.origin} (bare), ${origins.redirect.origin} (Swayline)`);
  const pids = { bare: barePids, redirect: swaylinePids };
  const measureCpu = barePids.length > 0 && swaylinePids.length > 0;

  // 6. Load: an unrecorded warm-up for each, then alternating recorded rounds.
  step(`warm-up load: ${WARMUP_SECONDS} s each, ${CONNECTIONS} connections (not recorded)…`);
  for (const side of ["bare", "redirect"]) await load(targets[side], WARMUP_SECONDS);
  await waitForClicks(db, await countRedirects(origins.redirect), 5_000);

  const rounds = [];
  step(
    `load: ${ROUNDS} round(s) × (bare, redirect), ${DURATION} s each, ${CONNECTIONS} connections, GET ${path}`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of ["bare", "redirect"]) {
      const answeredBefore = await countRedirects(origins[side]);
      const cpuBefore = cpuMs(pids[side]);
      const r = summarise(side, round, await load(targets[side], DURATION));
      rounds.push(r);
      let caughtUp = "";
      if (side === "redirect") {
        // Let the consumer catch up before the next round, so its backlog does not load the bare one.
        const answered = await countRedirects(origins.redirect);
        const started = Date.now();
        const clicks = await waitForClicks(db, answered, 5_000);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        caughtUp =
          clicks >= answered
            ? `  queue caught up in ${seconds} s: ${fmt.int(clicks)} of ${fmt.int(answered)} clicks in D1 so far`
            : `  queue NOT caught up (no progress for 5 s): ${fmt.int(clicks)} of ${fmt.int(answered)} clicks in D1`;
      }
      // CPU per request answered, including (for the redirect) the consumer's catch-up just above.
      r.answered = (await countRedirects(origins[side])) - answeredBefore;
      r.workerdCpuUsPerRequest = measureCpu ? ((cpuMs(pids[side]) - cpuBefore) * 1000) / r.answered : null;
      const other = Object.entries(r.statuses).filter(([code]) => code !== "302");
      console.log(
        `  round ${round}/${ROUNDS} ${side.padEnd(8)} ${fmt.rps(r.requestsPerSecond).padStart(7)} req/s  ` +
          `p50 ${fmt.ms(r.latencyP50)}  p99 ${fmt.ms(r.latencyP99)}  302s ${fmt.int(r.responses302)}` +
          (other.length ? `  other statuses ${JSON.stringify(Object.fromEntries(other))}` : "") +
          (r.errors || r.timeouts ? `  errors ${r.errors} timeouts ${r.timeouts}` : "") +
          (measureCpu ? `  workerd CPU ${fmt.us(r.workerdCpuUsPerRequest)}/req` : ""),
      );
      if (caughtUp) console.log(caughtUp);
    }
  }

  // 7. Wait for every click to reach D1.
  const answered = await countRedirects(origins.redirect);
  const autocannon302 = rounds
    .filter((r) => r.side === "redirect")
    .reduce((sum, r) => sum + r.responses302, 0);
  step(`waiting for the queue to drain (${fmt.int(answered)} redirects answered)…`);
  const clicks = await waitForClicks(db, answered, STALL_MS, (n) =>
    console.log(`  ${fmt.int(n)} clicks in D1…`),
  );
  const lost = Math.max(0, answered - clicks);
  // More rows than redirects cannot come from redelivery (inserts are idempotent on the click id).
  const extra = Math.max(0, clicks - answered);
  const dlq = await db.prepare("SELECT COUNT(*) AS n FROM dead_letters").first();

  // 8. Summary.
  const side = (name) => medianOf(rounds, name, measureCpu);
  const bareMed = side("bare");
  const redirectMed = side("redirect");
  const rpsRatio = redirectMed.requestsPerSecond / bareMed.requestsPerSecond;
  const p99Ratio = redirectMed.latencyP99 / bareMed.latencyP99;
  const cpuRatio = measureCpu ? redirectMed.workerdCpuUsPerRequest / bareMed.workerdCpuUsPerRequest : null;
  const checks = {
    rpsRatio: { value: rpsRatio, target: `>= ${TARGETS.rpsRatioMin}`, pass: rpsRatio >= TARGETS.rpsRatioMin },
    p99Ratio: { value: p99Ratio, target: `<= ${TARGETS.p99RatioMax}`, pass: p99Ratio <= TARGETS.p99RatioMax },
    clicksLost: { value: lost, target: "0", pass: lost === 0 },
  };

  console.log(
    `\nRedirect benchmark — median of ${ROUNDS} round(s) of ${DURATION} s, ${CONNECTIONS} connections` +
      (DIRECT ? ", --direct (no miniflare entry Worker)" : ", through miniflare's entry Worker"),
  );
  console.log(
    table([
      ["", "req/s", "p50", "p99", "workerd CPU/req"],
      [
        "bare 302 Worker",
        fmt.rps(bareMed.requestsPerSecond),
        fmt.ms(bareMed.latencyP50),
        fmt.ms(bareMed.latencyP99),
        fmt.us(bareMed.workerdCpuUsPerRequest),
      ],
      [
        "Swayline redirect",
        fmt.rps(redirectMed.requestsPerSecond),
        fmt.ms(redirectMed.latencyP50),
        fmt.ms(redirectMed.latencyP99),
        fmt.us(redirectMed.workerdCpuUsPerRequest),
      ],
      [
        "redirect / bare",
        fmt.ratio(rpsRatio),
        fmt.ratio(redirectMed.latencyP50 / bareMed.latencyP50),
        fmt.ratio(p99Ratio),
        cpuRatio === null ? "n/a" : fmt.ratio(cpuRatio),
      ],
    ]),
  );
  console.log(
    `\nclicks in D1 ${fmt.int(clicks)} vs redirects answered ${fmt.int(answered)} ` +
      `(${fmt.int(WARMUP_GETS)} warm-up GETs + warm-up load + rounds; autocannon saw ${fmt.int(autocannon302)} ` +
      `302s in the recorded rounds) — lost ${fmt.int(lost)}; dead letters ${dlq.n}`,
  );
  if (extra) console.log(`WARNING: ${fmt.int(extra)} more click rows than redirects answered`);
  const events = workerLogs.summary();
  if (events) console.log(`worker log lines: ${events}`);
  console.log("\nTargets");
  console.log(
    table([
      [
        "requests/s ratio redirect/bare",
        fmt.ratio(rpsRatio),
        checks.rpsRatio.target,
        mark(checks.rpsRatio.pass),
      ],
      ["p99 ratio redirect/bare", fmt.ratio(p99Ratio), checks.p99Ratio.target, mark(checks.p99Ratio.pass)],
      ["clicks lost", fmt.int(lost), checks.clicksLost.target, mark(checks.clicksLost.pass)],
    ]),
  );

  const speedPass = checks.rpsRatio.pass && checks.p99Ratio.pass;
  if (!checks.clicksLost.pass) exitCode = 1;
  if (!speedPass) {
    if (REPORT_ONLY) console.log("(speed ratios are machine-dependent; --report-only: not failing on them)");
    else {
      console.log(
        "(speed ratios are machine-dependent; pass --report-only to report without failing on them)",
      );
      exitCode = 1;
    }
  }

  writeResults("redirect", {
    at: new Date().toISOString(),
    options: {
      duration: DURATION,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      reportOnly: REPORT_ONLY,
      warmupSeconds: WARMUP_SECONDS,
      bundle: args.bundle ?? null,
      direct: DIRECT,
    },
    // Which code was measured: the commit, and the uncommitted changes to the Worker's sources.
    ...runContext(),
    path,
    median: { bare: bareMed, redirect: redirectMed },
    ratios: {
      requestsPerSecond: rpsRatio,
      latencyP50: redirectMed.latencyP50 / bareMed.latencyP50,
      latencyP99: p99Ratio,
      workerdCpuPerRequest: cpuRatio,
    },
    clicks: {
      inD1: clicks,
      redirectsAnswered: answered,
      autocannon302InRounds: autocannon302,
      lost,
      extra,
      deadLetters: dlq.n,
    },
    checks,
    pass: checks.clicksLost.pass && speedPass,
    warmupGetMs: warmupTimes,
    workerLogEvents: Object.fromEntries(workerLogs.byEvent),
    rounds,
  });
} catch (error) {
  console.error(`\nbench failed: ${error?.stack ?? error}`);
  exitCode = 1;
} finally {
  step("stopping workerd…");
  await session.dispose();
}
process.exit(exitCode);
