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
//   D1 `DB` (fresh, migrated, in a temp dir), the EVENTS queue and both queue consumers. So the
//   consumer writes clicks to D1 while the load runs, as it would in production.
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

import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Log, LogLevel, Miniflare } from "miniflare";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const COMPATIBILITY_DATE = "2026-11-01";
const COMPATIBILITY_FLAGS = ["nodejs_compat"];
const ADMIN_API_KEY = "bench-admin-key";
const DESTINATION = "https://shop.example/p";
const HEADERS = {
  "User-Agent":
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
    "Version/18.5 Mobile/15E148 Safari/604.1",
  Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language": "de-DE,de;q=0.9",
  Referer: "https://l.instagram.com/",
};
// What Cloudflare's edge would attach as request.cf (miniflare would otherwise try to download one).
const CF = {
  country: "DE",
  region: "Berlin",
  city: "Berlin",
  colo: "TXL",
  asn: 3320,
  timezone: "Europe/Berlin",
};
const TARGETS = { rpsRatioMin: 0.8, p99RatioMax: 1.5 };
const WARMUP_GETS = 5;
const STALL_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Arguments

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    "report-only": { type: "boolean", default: false },
    bundle: { type: "string" },
    direct: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log(
    "Usage: npm run bench:redirect -- [--duration <s>=10] [--rounds <n>=3] [--connections <n>=32] [--report-only]\n" +
      "                                 [--bundle <prebuilt index.js: skip the build>] [--direct]",
  );
  process.exit(0);
}
function positiveInt(name) {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(args[name])}`);
    process.exit(2);
  }
  return n;
}
const DURATION = positiveInt("duration");
const ROUNDS = positiveInt("rounds");
const CONNECTIONS = positiveInt("connections");
const REPORT_ONLY = args["report-only"];
const DIRECT = args.direct;
const WARMUP_SECONDS = Math.min(3, DURATION);

// ---------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const step = (message) => console.log(`» ${message}`);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = {
  rps: (n) => Math.round(n).toLocaleString("en-US"),
  // autocannon's latency histogram has a resolution of 1 ms.
  ms: (n) => `${Number.isInteger(n) ? n : Number(n).toFixed(1)} ms`,
  ratio: (n) => n.toFixed(2),
  us: (n) => (n === null ? "n/a" : `${Math.round(n)} µs`),
  int: (n) => n.toLocaleString("en-US"),
};

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
        .join("  "),
    )
    .join("\n");
}

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

// Worker console output (one JSON line per log call) is tallied instead of printed; the first few
// warnings and errors are shown, since a lost click would be logged there.
const workerLogs = { byEvent: new Map(), shown: 0 };
function handleWorkerLog({ level, message }) {
  let event = level;
  try {
    event = JSON.parse(message).event ?? level;
  } catch {}
  workerLogs.byEvent.set(event, (workerLogs.byEvent.get(event) ?? 0) + 1);
  if (/warn|error/i.test(level) && workerLogs.shown < 10) {
    workerLogs.shown++;
    console.log(`  [worker ${level}] ${message.slice(0, 300)}`);
  }
}

function sharedOptions(persistDir) {
  return {
    host: "127.0.0.1",
    port: 0,
    logRequests: false,
    cf: CF,
    telemetry: { enabled: false },
    resourcePersistencePath: persistDir,
    log: new Log(LogLevel.WARN),
    handleStructuredLogs: handleWorkerLog,
  };
}

function manifest(dir, innerModule, innerContents) {
  return {
    mainModule: "bench-entry.mjs",
    modulesRoot: dir,
    modules: {
      "bench-entry.mjs": { type: "esm", contents: counterWrapper(innerModule) },
      [innerModule]: { type: "esm", contents: innerContents },
    },
  };
}

// CPU time (user + system) of workerd processes, read from /proc (Linux): each miniflare instance
// spawns one workerd as a child of this process. Where there is no /proc, no CPU figures.
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}
function childPids() {
  if (!existsSync("/proc")) return [];
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(procStat(entry)?.[1]) === process.pid)
    .map(Number);
}
async function startWorkerd(mf) {
  const before = new Set(childPids());
  const url = await mf.ready;
  return { url, pids: childPids().filter((pid) => !before.has(pid)) };
}
function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const fields = procStat(pid);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

function git(gitArgs) {
  return (spawnSync("git", gitArgs, { cwd: ROOT, encoding: "utf8" }).stdout ?? "").trim();
}

async function api(base, method, path, body) {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { Authorization: `Bearer ${ADMIN_API_KEY}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

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
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
  );
  return {
    side,
    round,
    requestsPerSecond: result.requests.mean,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.mean,
    responses302: statuses["302"] ?? 0,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
  };
}

// ---------------------------------------------------------------------------------------------
// The run

const tmp = mkdtempSync(join(tmpdir(), "swayline-bench-"));
const instances = [];
let exitCode = 0;

async function disposeAll() {
  for (const mf of instances.splice(0)) {
    try {
      await mf.dispose();
    } catch (error) {
      console.error(`dispose failed: ${error?.message ?? error}`);
    }
  }
}

// Ctrl-C: exit at once. Miniflare's own exit hook then stops workerd, and this one removes the temp
// dir (miniflare's SIGINT handler would exit before any asynchronous clean-up could run).
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

try {
  // 1. Build the Worker as `wrangler deploy` would (one bundled ES module).
  const buildDir = join(tmp, "build");
  let bundlePath = join(buildDir, "index.js");
  if (args.bundle) {
    bundlePath = resolve(args.bundle);
    step(`using the prebuilt bundle ${bundlePath} (--bundle: no build)`);
  } else {
    step(`building the Worker (wrangler deploy --dry-run --outdir ${buildDir})…`);
    const build = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", buildDir],
      { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, encoding: "utf8" },
    );
    if (build.status !== 0) {
      throw new Error(`wrangler build failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
    }
    if (!existsSync(bundlePath)) {
      throw new Error(`wrangler produced no index.js in ${buildDir}: ${readdirSync(buildDir).join(", ")}`);
    }
  }
  const bundle = readFileSync(bundlePath, "utf8");
  step(`bundle ${bundlePath}: ${(bundle.length / 1024).toFixed(0)} KiB`);

  // 2. Start the real Worker in workerd with the wrangler.toml bindings and a fresh D1.
  step("starting the Swayline Worker in workerd (miniflare)…");
  const swayline = new Miniflare({
    ...sharedOptions(join(tmp, "state-swayline")),
    workers: [
      {
        dev: DIRECT ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {},
        config: {
          name: "swayline",
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: COMPATIBILITY_FLAGS,
          manifest: manifest(dirname(bundlePath), "index.js", bundle),
          env: {
            DB: { type: "d1", id: "swayline" },
            EVENTS: { type: "queue", name: "swayline-events" },
            ADMIN_API_KEY: { type: "text", value: ADMIN_API_KEY },
            VISITOR_HASH_SECRET: { type: "text", value: "bench-secret" },
            SHORT_LINK_BASE_URL: { type: "text", value: "" },
            LINK_CACHE_TTL_SECONDS: { type: "text", value: "30" },
          },
          // As wrangler.toml's [[queues.consumers]] (max_batch_timeout 2 s there, so the last partial
          // batch of a round reaches D1 about 2 s after the round).
          triggers: [
            {
              type: "queue",
              name: "swayline-events",
              maxBatchSize: 100,
              maxBatchTimeout: 2,
              maxRetries: 5,
              deadLetterQueue: "swayline-events-dlq",
            },
            {
              type: "queue",
              name: "swayline-events-dlq",
              maxBatchSize: 100,
              maxBatchTimeout: 5,
              maxRetries: 3,
            },
          ],
        },
      },
    ],
  });
  instances.push(swayline);
  const { url: swaylineUrl, pids: swaylinePids } = await startWorkerd(swayline);
  const db = await swayline.getD1Database("DB");
  step(`Swayline Worker listening on ${swaylineUrl.origin}`);

  // 3. Migrations, statement by statement, in file order.
  const migrationsDir = join(ROOT, "schema/migrations");
  const files = readdirSync(migrationsDir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  let statements = 0;
  for (const file of files) {
    const sql = readFileSync(join(migrationsDir, file), "utf8");
    for (const statement of sql.split("--> statement-breakpoint")) {
      if (statement.trim() === "") continue;
      await db.prepare(statement).run();
      statements++;
    }
  }
  step(`applied ${files.length} migration file(s), ${statements} statements`);

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
    ...sharedOptions(join(tmp, "state-bare")),
    workers: [
      {
        dev: DIRECT ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {},
        config: {
          name: "bare",
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: COMPATIBILITY_FLAGS,
          manifest: manifest(bareDir, "bare.mjs", BARE_WORKER),
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
  const side = (name) => {
    const rs = rounds.filter((r) => r.side === name);
    return {
      requestsPerSecond: median(rs.map((r) => r.requestsPerSecond)),
      latencyP50: median(rs.map((r) => r.latencyP50)),
      latencyP99: median(rs.map((r) => r.latencyP99)),
      workerdCpuUsPerRequest: measureCpu ? median(rs.map((r) => r.workerdCpuUsPerRequest)) : null,
    };
  };
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
  const mark = (pass) => (pass ? "PASS" : "FAIL");

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
  const events = [...workerLogs.byEvent].map(([event, n]) => `${event} ${fmt.int(n)}`).join(", ");
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

  const resultsDir = join(ROOT, "bench/results");
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const resultsPath = join(resultsDir, `redirect-${stamp}.json`);
  const readVersion = (pkg) =>
    JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
  const summary = {
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
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model },
    // Which code was measured: the commit, and the uncommitted changes to the Worker's sources.
    git: {
      commit: git(["rev-parse", "HEAD"]),
      uncommitted: git(["status", "--porcelain", "--", "src", "workers", "schema", "wrangler.toml"])
        .split("\n")
        .filter(Boolean),
    },
    versions: {
      miniflare: readVersion("miniflare"),
      wrangler: readVersion("wrangler"),
      autocannon: readVersion("autocannon"),
    },
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
  };
  writeFileSync(resultsPath, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nwrote ${resultsPath}`);
} catch (error) {
  console.error(`\nbench failed: ${error?.stack ?? error}`);
  exitCode = 1;
} finally {
  step("stopping workerd…");
  await disposeAll();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
