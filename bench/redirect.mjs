#!/usr/bin/env node
// Redirect benchmark: how much does Swayline's short-link redirect cost compared with the cheapest
// possible Worker answering the same request, and does every answered redirect become a click row?
//
//   npm run bench:redirect -- [--duration 10] [--rounds 9] [--connections 32] [--report-only]
//                             [--bundle path/to/index.js] [--direct]
//                             [--generator wrk|autocannon] [--consumer-apart] [--versus other/index.js]...
//                             [--no-pin] [--processes <n>=rounds]
//
// --bundle skips the build and loads a given bundled index.js instead: to attribute the cost, copy
// the built bundle, disable one piece of the work in the copy, and compare.
// --versus adds the Worker built from another bundle as one more side of the same run (each with
// its own workerd, D1 and queue): an A/B of two builds on equal terms, which separate runs on these
// shared cores cannot give; --versus with the bundle just built is an A/A run, which shows how far
// the noise alone moves the figures. It can be given several times: copies of the bundle with one
// piece cut out each, side by side, split the redirect's cost piece by piece.
// --direct sends the load to each Worker's own socket (miniflare's unsafeDirectSockets), bypassing
// miniflare's entry Worker; see below. Requests then carry no request.cf and no CF-Connecting-IP.
//
// Method
// - The real Worker is built exactly as it is deployed (`wrangler deploy --dry-run`, one bundled
//   index.js) and run in workerd through the `miniflare` API, with the wrangler.toml bindings:
//   D1 `DB` (fresh, migrated, in a temp dir), the EVENTS queue and both queue consumers. So the
//   consumer writes clicks to D1 while the load runs, as it would in production. The pieces shared with bench:redemptions are in
//   bench/lib/harness.mjs.
// - Not `wrangler dev`: it puts its own proxy in front of workerd (and a file watcher, and the
//   inspector), which adds latency and CPU that production does not have and that would dominate a
//   sub-millisecond handler. With miniflare alone there is one fixed piece in front of each Worker
//   (miniflare's entry Worker, inside workerd), the same for both Workers measured. It is not free
//   (it costs about as much CPU as the bare Worker itself), so it flatters the ratios; --direct
//   leaves it out and measures the Workers alone, a much stricter comparison.
// - The baseline is a bare Worker in a second miniflare instance (its own workerd process, like the
//   real one) that returns a constant 302 with the same headers. Both are loaded identically with
//   one load generator: GET /<slug>?fbclid=x, a mobile Safari User-Agent, the same number of
//   connections. The generator is wrk when it is installed (one thread; it costs far less CPU than
//   the Workers it drives), else autocannon (Node; on a 2-core machine it takes about a core of
//   its own, which holds both sides back alike and so pulls the ratios towards 1); --generator
//   picks one. The results name the generator: compare ratios only between runs that used the same.
// - On Linux with two or more CPUs, every workerd is pinned to the last CPU and the load generator
//   to the first (taskset; --no-pin leaves placement to the scheduler). Both sides then run on the
//   same core, and neither shares its core with the generator: unpinned, a bare Worker's
//   requests/s moved by up to 15 % between runs on these two shared cores depending on where the
//   scheduler put it.
// - Each side runs in several workerd processes (--processes, by default one per round), round r
//   on the r-th: two processes of the same Worker can differ for a while (one pair loaded in
//   alternating rounds: miniflare's entry Worker, the same code in both, 85 against 62 µs a
//   request), so one process per side would let its luck decide the run.
//   The CPU that the other, idle workerd processes used during a round is printed when it is not
//   zero, since they share the loaded one's CPU (seen here: 10-20 ms in a 6 s round, nothing).
// - Nine rounds a side by default (about 6 minutes): one round's redirect/bare ratio moves by ±0.05
//   with the machine (pairs of one run: 0.70-0.91), so the median of three pairs (the default
//   before) moved by more than the distance to the target it was judged against.
// - Rounds alternate bare, redirect, bare, redirect… so that noise on the machine (two shared cores)
//   hits both sides alike; each side's figure is the median over its rounds. Before the rounds a
//   short unrecorded warm-up load lets V8 optimise both Workers. After every redirect round the
//   queue is allowed to catch up, so a consumer backlog does not steal CPU from the next bare round.
// - The ratios are what matter, not the absolute numbers (which depend on the machine, and here
//   include the load generator sharing the cores): redirect/bare requests per second says what share
//   of a bare Worker's throughput the redirect keeps; redirect/bare p99 how much worse its tail is.
//   Targets: throughput ratio >= 0.8, p99 ratio <= 1.5, and no click lost.
// - Each Worker has its own workerd process, so (on Linux) the CPU time that process spent per
//   request answered is measured too: it is much less noisy than requests/s, and for the redirect
//   it includes the queue and the consumer's D1 writes done during the round (and its catch-up).
// - Clicks: both Workers are wrapped in a tiny counter module (identical for both, so it costs the
//   same on each side) that counts the 302s it answered to GET requests, readable at /__bench/count.
//   That count is exact, whereas the generator's own count misses the requests in flight when it
//   stops (their redirects were answered and their clicks queued, but the generator had hung up). After the
//   rounds the D1 `clicks` table is polled until it holds one row per answered redirect (or stops
//   growing for 20 s); the difference is clicks lost.
//
// - --consumer-apart adds a third side to the alternation: the same Worker as deployed on
//   Cloudflare, where the queue consumer runs in its own invocations and D1 on its own servers,
//   not on the redirect's thread. Here that is two workerd processes of the same bundle: one
//   serving the redirect with only the queue producer, one consuming the queue and writing the
//   clicks to its D1 (miniflare's broker forwards the messages to it through a dev registry of the
//   pair's own). The consumer's process is pinned with the load generator (there are two CPUs).
//   Its clicks are counted like the full Worker's; its CPU per request is the redirect process's
//   alone. It is reported apart and labelled; the targets are judged on the full Worker, where
//   locally everything shares one thread.
//
// Exit code 1 when a click was lost, or when a speed ratio misses its target (unless --report-only:
// the speed ratios depend on the machine; the click count does not).

import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Miniflare } from "miniflare";
import {
  api,
  applyMigrations,
  benchManifest,
  buildWorker,
  COMPATIBILITY_DATE,
  COMPATIBILITY_FLAGS,
  cpuMs,
  cpuPinning,
  createSession,
  createWorkerLogs,
  devOptions,
  fmt,
  mark,
  medianOf,
  median as medianValue,
  parseBenchArgs,
  pinProcesses,
  REDIRECT_TARGETS,
  roundPairs,
  runContext,
  SWAYLINE_QUEUE_TRIGGERS,
  sharedOptions,
  sleep,
  startWorkerd,
  step,
  swaylineEnv,
  table,
  writeResults,
} from "./lib/harness.mjs";
import { loadGenerator } from "./lib/load-generator.mjs";

const DESTINATION = "https://shop.example/p";
const HEADERS = {
  "User-Agent":
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
    "Version/18.5 Mobile/15E148 Safari/604.1",
  Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language": "de-DE,de;q=0.9",
  Referer: "https://l.instagram.com/",
};
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
  positiveInt,
  warmupSeconds: WARMUP_SECONDS,
} = parseBenchArgs(
  "Usage: npm run bench:redirect -- [--duration <s>=10] [--rounds <n>=9] [--connections <n>=32] [--report-only]\n" +
    "                                 [--bundle <prebuilt index.js: skip the build>] [--direct]\n" +
    "                                 [--generator wrk|autocannon] [--consumer-apart] [--versus <other index.js>]...\n" +
    "                                 [--no-pin] [--processes <n>=rounds]",
  {
    rounds: { type: "string", default: "9" },
    generator: { type: "string" },
    "consumer-apart": { type: "boolean", default: false },
    versus: { type: "string", multiple: true },
    "no-pin": { type: "boolean", default: false },
    processes: { type: "string" },
  },
);
const PROCESSES = args.processes === undefined ? ROUNDS : positiveInt("processes");
const PINNING = cpuPinning(!args["no-pin"]);
const CONSUMER_APART = args["consumer-apart"];
// The other bundles, each a side of its own: "versus1", "versus2", …
const VERSUS = (args.versus ?? []).map((path) => resolve(path));
const versusSide = (index) => `versus${index + 1}`;

// ---------------------------------------------------------------------------------------------
// Helpers

// Every Worker measured runs behind the same few lines: they count the 302s answered to GETs
// (exactly, in the isolate, which a load generator cannot: it drops the requests in flight when a
// round ends).
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

// A Worker in its own miniflare instance (its own workerd process), listening on a free port.
async function startInstance(tmp, name, copy, manifest, extraConfig = {}, { registry, cpu } = {}) {
  const mf = new Miniflare({
    ...sharedOptions(join(tmp, `state-${name}-${copy}`), workerLogs.handle),
    // A dev registry of the pair's own (see --consumer-apart), never the machine-wide one.
    ...(registry ? { enableDevRegistry: true, unsafeDevRegistryPath: registry } : {}),
    workers: [
      {
        dev: devOptions(DIRECT),
        config: {
          name,
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: COMPATIBILITY_FLAGS,
          manifest,
          ...extraConfig,
        },
      },
    ],
  });
  session.instances.push(mf);
  const { url, pids } = await startWorkerd(mf);
  if (PINNING) pinProcesses(pids, cpu ?? PINNING.workerd);
  // The load goes through miniflare's entry Worker, or with --direct to the Worker's own socket.
  const origin = DIRECT ? await mf.unsafeGetDirectURL(name) : url;
  return { mf, url, origin, pids };
}

// The real Worker with the wrangler.toml bindings and a fresh, migrated D1, seeded through its own
// API with one link, whose slug is then read once from D1 and afterwards served from the cache.
// With `consumerApart`, the queue is consumed (and the clicks written) by the same Worker in a
// second workerd process, and `db` is that process's D1.
async function startSwayline(tmp, name, copy, bundlePath, bundle, { consumerApart = false } = {}) {
  step(`starting the Swayline Worker "${name}" #${copy + 1} in workerd (miniflare)…`);
  const manifest = benchManifest(dirname(bundlePath), counterWrapper("index.js"), "index.js", bundle);
  let db;
  let registry;
  if (consumerApart) {
    registry = join(tmp, `registry-${name}-${copy}`);
    mkdirSync(registry, { recursive: true });
    const consumer = await startInstance(
      tmp,
      `${name}-consumer`,
      copy,
      manifest,
      { env: swaylineEnv(), triggers: SWAYLINE_QUEUE_TRIGGERS },
      { registry, cpu: PINNING?.generator },
    );
    db = await consumer.mf.getD1Database("DB");
    await applyMigrations(db);
  }
  const instance = await startInstance(
    tmp,
    name,
    copy,
    manifest,
    { env: swaylineEnv(), triggers: consumerApart ? [] : SWAYLINE_QUEUE_TRIGGERS },
    { registry },
  );
  const ownDb = await instance.mf.getD1Database("DB");
  await applyMigrations(ownDb);
  db ??= ownDb;
  const campaign = await api(instance.url, "POST", "/api/v1/campaigns", {
    name: "Bench",
    objective: "sales",
    currency: "EUR",
  });
  const influencer = await api(instance.url, "POST", "/api/v1/influencers", {
    handle: "bench",
    platform: "instagram",
  });
  const link = await api(instance.url, "POST", "/api/v1/links", {
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
    const res = await fetch(new URL(path, instance.url), { redirect: "manual", headers: HEADERS });
    warmupTimes.push(performance.now() - started);
    await res.arrayBuffer();
    if (res.status !== 302) throw new Error(`warm-up GET ${path} -> ${res.status}, expected 302`);
    if (i === 0) step(`GET ${path} -> 302 Location: ${res.headers.get("Location")}`);
  }
  step(
    `warm-up GETs: ${warmupTimes.map((t) => t.toFixed(1)).join(", ")} ms ` +
      "(the first reads the link from D1; the rest should come from the isolate's cache)",
  );
  return { ...instance, db, path, target: new URL(path, instance.origin).href, warmupTimes };
}

// ---------------------------------------------------------------------------------------------
// The run

const session = createSession();
const { tmp } = session;
let exitCode = 0;

try {
  const generator = loadGenerator(args.generator, tmp);
  const load = (url, seconds) =>
    generator.run(url, { headers: HEADERS, connections: CONNECTIONS, seconds, cpu: PINNING?.generator });
  step(`load generator: ${generator.name} ${generator.version}`);
  if (PINNING) {
    // autocannon runs in this process: pinning it pins the generator.
    if (generator.name === "autocannon") pinProcesses([process.pid], PINNING.generator);
    step(
      `pinned: workerd on CPU ${PINNING.workerd}, ${generator.name} on CPU ${PINNING.generator} (--no-pin: not)`,
    );
  } else step("not pinned to CPUs (--no-pin, not Linux, one CPU, or no taskset)");

  // 1. Build the Worker as `wrangler deploy` would (one bundled ES module).
  const { bundlePath, bundle } = buildWorker(tmp, args.bundle);

  // 2. Each side runs in PROCESSES workerd processes, round r on process r (modulo PROCESSES).
  // The real Worker with the wrangler.toml bindings, a fresh D1 and its consumers; the bare one;
  // optionally the same Worker with its consumer in a second process, and another bundle's Worker.
  // One after another: startWorkerd tells a new process by the children that appeared meanwhile.
  const copies = async (start) => {
    const instances = [];
    for (let copy = 0; copy < PROCESSES; copy++) instances.push(await start(copy));
    return instances;
  };
  const sides = {
    redirect: await copies((copy) => startSwayline(tmp, "swayline", copy, bundlePath, bundle)),
  };
  const { path } = sides.redirect[0];

  // 3. The baseline: a bare Worker answering the same request with a constant 302.
  step(`starting the bare Worker in ${PROCESSES} other workerd (miniflare)…`);
  const bareDir = join(tmp, "bare");
  mkdirSync(bareDir, { recursive: true });
  sides.bare = await copies(async (copy) => {
    const bare = await startInstance(
      tmp,
      "bare",
      copy,
      benchManifest(bareDir, counterWrapper("bare.mjs"), "bare.mjs", BARE_WORKER),
    );
    const res = await fetch(new URL(path, bare.url), { redirect: "manual", headers: HEADERS });
    await res.arrayBuffer();
    if (res.status !== 302) throw new Error(`bare Worker answered ${res.status}, expected 302`);
    return { ...bare, target: new URL(path, bare.origin).href };
  });

  // 4. Optionally the same Worker again, with a consumer that only acknowledges (see the header).
  if (CONSUMER_APART) {
    sides.apart = await copies((copy) =>
      startSwayline(tmp, "swayline-apart", copy, bundlePath, bundle, { consumerApart: true }),
    );
  }
  for (const [index, versusPath] of VERSUS.entries()) {
    const side = versusSide(index);
    const versusBundle = readFileSync(versusPath, "utf8");
    sides[side] = await copies((copy) =>
      startSwayline(tmp, `swayline-${side}`, copy, versusPath, versusBundle),
    );
  }
  const order = [
    "bare",
    "redirect",
    ...(CONSUMER_APART ? ["apart"] : []),
    ...VERSUS.map((_, index) => versusSide(index)),
  ];
  for (const side of order) step(`${side}: load on ${sides[side].map((i) => i.target).join(", ")}`);
  const measureCpu = order.every((side) => sides[side].every((i) => i.pids.length > 0));
  // The Swayline sides, whose clicks are written to D1 (drained after each round, counted at the end).
  const writers = order.filter((side) => side !== "bare");

  // 5. Load: an unrecorded warm-up for each, then alternating recorded rounds.
  step(`warm-up load: ${WARMUP_SECONDS} s each, ${CONNECTIONS} connections (not recorded)…`);
  for (const side of order) for (const instance of sides[side]) await load(instance.target, WARMUP_SECONDS);
  for (const side of writers)
    for (const { db, origin } of sides[side]) await waitForClicks(db, await countRedirects(origin), 5_000);

  const rounds = [];
  step(
    `load: ${ROUNDS} round(s) × (${order.join(", ")}), ${DURATION} s each, ${CONNECTIONS} connections, ${generator.name}, ` +
      `${PROCESSES} workerd process(es) per side`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    // Odd rounds in order, even rounds reversed: no side always follows the same one.
    for (const side of round % 2 ? order : [...order].reverse()) {
      const { origin, pids, db, target } = sides[side][(round - 1) % PROCESSES];
      const answeredBefore = await countRedirects(origin);
      // The other workerd processes should be idle while this one is loaded: they share its CPU.
      const otherPids = order
        .flatMap((s) => sides[s].flatMap((i) => i.pids))
        .filter((p) => !pids.includes(p));
      const cpuBefore = cpuMs(pids);
      const othersBefore = cpuMs(otherPids);
      const r = { side, round, ...(await load(target, DURATION)) };
      r.othersCpuMs = cpuMs(otherPids) - othersBefore;
      rounds.push(r);
      let caughtUp = "";
      if (writers.includes(side)) {
        // Let the consumer catch up before the next round, so its backlog does not load the next one.
        const answered = await countRedirects(origin);
        const started = Date.now();
        const clicks = await waitForClicks(db, answered, 5_000);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        caughtUp =
          clicks >= answered
            ? `  queue caught up in ${seconds} s: ${fmt.int(clicks)} of ${fmt.int(answered)} clicks in D1 so far`
            : `  queue NOT caught up (no progress for 5 s): ${fmt.int(clicks)} of ${fmt.int(answered)} clicks in D1`;
      }
      // CPU per request answered, including (for the full Worker) the consumer's catch-up above.
      r.answered = (await countRedirects(origin)) - answeredBefore;
      r.workerdCpuUsPerRequest = measureCpu ? ((cpuMs(pids) - cpuBefore) * 1000) / r.answered : null;
      console.log(
        `  round ${round}/${ROUNDS} ${side.padEnd(8)} #${((round - 1) % PROCESSES) + 1} ${fmt.rps(r.requestsPerSecond).padStart(7)} req/s  ` +
          `p50 ${fmt.ms(r.latencyP50)}  p99 ${fmt.ms(r.latencyP99)}  302s ${fmt.int(r.answered)}` +
          (r.errors || r.timeouts ? `  errors ${r.errors} timeouts ${r.timeouts}` : "") +
          (measureCpu ? `  workerd CPU ${fmt.us(r.workerdCpuUsPerRequest)}/req` : "") +
          (r.othersCpuMs > 0 ? `  (idle processes: ${fmt.int(r.othersCpuMs)} ms CPU)` : ""),
      );
      if (caughtUp) console.log(caughtUp);
    }
  }

  // 6. Wait for every click to reach D1, process by process: the full Worker's (the target) and
  // the consumer-apart side's.
  async function drain(side) {
    const total = { answered: 0, clicks: 0, deadLetters: 0 };
    for (const [copy, { db, origin }] of sides[side].entries()) {
      const expected = await countRedirects(origin);
      step(
        `waiting for the queue of ${side} #${copy + 1} to drain (${fmt.int(expected)} redirects answered)…`,
      );
      total.answered += expected;
      total.clicks += await waitForClicks(db, expected, STALL_MS, (n) =>
        console.log(`  ${fmt.int(n)} clicks in D1…`),
      );
      total.deadLetters += Number((await db.prepare("SELECT COUNT(*) AS n FROM dead_letters").first()).n);
    }
    return { ...total, lost: Math.max(0, total.answered - total.clicks) };
  }
  const { answered, clicks, deadLetters, lost } = await drain("redirect");
  const apartClicks = CONSUMER_APART ? await drain("apart") : null;
  const generatorResponses = rounds
    .filter((r) => r.side === "redirect")
    .reduce((sum, r) => sum + r.responses, 0);
  // More rows than redirects cannot come from redelivery (inserts are idempotent on the click id).
  const extra = Math.max(0, clicks - answered);

  // 7. Summary.
  const median = Object.fromEntries(order.map((side) => [side, medianOf(rounds, side, measureCpu)]));
  const ratiosOf = (side) => ({
    requestsPerSecond: median[side].requestsPerSecond / median.bare.requestsPerSecond,
    latencyP50: median[side].latencyP50 / median.bare.latencyP50,
    latencyP99: median[side].latencyP99 / median.bare.latencyP99,
    workerdCpuPerRequest: measureCpu
      ? median[side].workerdCpuUsPerRequest / median.bare.workerdCpuUsPerRequest
      : null,
  });
  const ratios = ratiosOf("redirect");
  const checks = {
    rpsRatio: {
      value: ratios.requestsPerSecond,
      target: `>= ${REDIRECT_TARGETS.rpsRatioMin}`,
      pass: ratios.requestsPerSecond >= REDIRECT_TARGETS.rpsRatioMin,
    },
    p99Ratio: {
      value: ratios.latencyP99,
      target: `<= ${REDIRECT_TARGETS.p99RatioMax}`,
      pass: ratios.latencyP99 <= REDIRECT_TARGETS.p99RatioMax,
    },
    clicksLost: { value: lost, target: "0", pass: lost === 0 },
    ...(apartClicks && {
      clicksLostConsumerApart: { value: apartClicks.lost, target: "0", pass: apartClicks.lost === 0 },
    }),
  };

  // Each side's name in the figures' rows and in its ratio's row ("<ratio> / bare").
  const labels = {
    bare: { row: "bare 302 Worker" },
    redirect: { row: "Swayline redirect", ratio: "redirect" },
    apart: { row: "redirect, consumer apart*", ratio: "consumer apart*" },
    ...Object.fromEntries(
      VERSUS.map((_, i) => [
        versusSide(i),
        { row: `redirect, --versus #${i + 1}`, ratio: `--versus #${i + 1}` },
      ]),
    ),
  };
  const rows = [["", "req/s", "p50", "p99", "workerd CPU/req"]];
  for (const side of order) {
    const m = median[side];
    rows.push([
      labels[side].row,
      fmt.rps(m.requestsPerSecond),
      fmt.ms(m.latencyP50),
      fmt.ms(m.latencyP99),
      fmt.us(m.workerdCpuUsPerRequest),
    ]);
  }
  for (const side of order.filter((s) => s !== "bare")) {
    const r = ratiosOf(side);
    rows.push([
      `${labels[side].ratio} / bare`,
      fmt.ratio(r.requestsPerSecond),
      fmt.ratio(r.latencyP50),
      fmt.ratio(r.latencyP99),
      r.workerdCpuPerRequest === null ? "n/a" : fmt.ratio(r.workerdCpuPerRequest),
    ]);
  }
  console.log(
    `\nRedirect benchmark — ${generator.name}, median of ${ROUNDS} round(s) of ${DURATION} s, ${CONNECTIONS} connections` +
      (DIRECT ? ", --direct (no miniflare entry Worker)" : ", through miniflare's entry Worker"),
  );
  console.log(table(rows));
  const pairs = roundPairs(rounds, "redirect");
  console.log(
    `round by round, redirect/bare req/s: ${pairs.map(fmt.ratio).join(" ")} ` +
      `(median ${fmt.ratio(medianValue(pairs))}; ${pairs.filter((r) => r >= REDIRECT_TARGETS.rpsRatioMin).length} of ${pairs.length} at or above ${REDIRECT_TARGETS.rpsRatioMin})`,
  );
  if (CONSUMER_APART) {
    console.log(
      "* the same Worker as deployed on Cloudflare: the queue consumer and its D1 writes in a second\n" +
        "  workerd process (pinned with the load generator), not on the redirect's thread. CPU/req is the\n" +
        `  redirect process's alone. Its clicks: ${fmt.int(apartClicks.clicks)} in D1 vs ` +
        `${fmt.int(apartClicks.answered)} redirects answered — lost ${fmt.int(apartClicks.lost)}; ` +
        `dead letters ${apartClicks.deadLetters}.`,
    );
  }
  for (const [index, versusPath] of VERSUS.entries()) {
    const r = (key) => fmt.ratio(median.redirect[key] / median[versusSide(index)][key]);
    console.log(
      `${index === 0 ? "\n" : ""}this build / --versus #${index + 1} ${versusPath}: req/s ${r("requestsPerSecond")}, ` +
        `p99 ${r("latencyP99")}` +
        (measureCpu ? `, workerd CPU/req ${r("workerdCpuUsPerRequest")}` : ""),
    );
  }
  console.log(
    `\nclicks in D1 ${fmt.int(clicks)} vs redirects answered ${fmt.int(answered)} ` +
      `(${fmt.int(WARMUP_GETS)} warm-up GETs + warm-up load + rounds; ${generator.name} saw ${fmt.int(generatorResponses)} ` +
      `responses in the recorded rounds) — lost ${fmt.int(lost)}; dead letters ${deadLetters}`,
  );
  if (extra) console.log(`WARNING: ${fmt.int(extra)} more click rows than redirects answered`);
  const events = workerLogs.summary();
  if (events) console.log(`worker log lines: ${events}`);
  console.log("\nTargets (the Swayline redirect, consumer included)");
  console.log(
    table([
      [
        "requests/s ratio redirect/bare",
        fmt.ratio(ratios.requestsPerSecond),
        checks.rpsRatio.target,
        mark(checks.rpsRatio.pass),
      ],
      [
        "p99 ratio redirect/bare",
        fmt.ratio(ratios.latencyP99),
        checks.p99Ratio.target,
        mark(checks.p99Ratio.pass),
      ],
      ["clicks lost", fmt.int(lost), checks.clicksLost.target, mark(checks.clicksLost.pass)],
      ...(apartClicks
        ? [
            [
              "clicks lost, consumer apart",
              fmt.int(apartClicks.lost),
              checks.clicksLostConsumerApart.target,
              mark(checks.clicksLostConsumerApart.pass),
            ],
          ]
        : []),
    ]),
  );

  const speedPass = checks.rpsRatio.pass && checks.p99Ratio.pass;
  const clicksPass = checks.clicksLost.pass && (checks.clicksLostConsumerApart?.pass ?? true);
  if (!clicksPass) exitCode = 1;
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
      consumerApart: CONSUMER_APART,
      versus: VERSUS,
      pinning: PINNING,
      processes: PROCESSES,
    },
    // Which code was measured: the commit, and the uncommitted changes to the Worker's sources.
    ...runContext(),
    generator: { name: generator.name, version: generator.version },
    path,
    median,
    ratios,
    ratiosConsumerApart: CONSUMER_APART ? ratiosOf("apart") : null,
    clicksConsumerApart: apartClicks,
    // Each --versus bundle's ratios against the bare Worker, in the order given.
    ratiosVersus:
      VERSUS.length > 0 ? VERSUS.map((bundle, i) => ({ bundle, ...ratiosOf(versusSide(i)) })) : null,
    clicks: {
      inD1: clicks,
      redirectsAnswered: answered,
      generatorResponsesInRounds: generatorResponses,
      lost,
      extra,
      deadLetters,
    },
    checks,
    pass: clicksPass && speedPass,
    warmupGetMs: sides.redirect.map((i) => i.warmupTimes),
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
