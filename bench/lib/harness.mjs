// Shared pieces of the load benchmarks (bench/redirect.mjs, bench/redemptions.mjs): arguments,
// formatting, building the Worker as wrangler deploys it, running it in workerd through the
// miniflare API with the wrangler.toml bindings, workerd CPU from /proc, clean-up, results files.
// See the header of bench/redirect.mjs for the method and why it is miniflare, not `wrangler dev`.

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
import { availableParallelism, cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const COMPATIBILITY_DATE = "2026-11-01";
export const COMPATIBILITY_FLAGS = ["nodejs_compat"];
export const ADMIN_API_KEY = "bench-admin-key";
// What Cloudflare's edge would attach as request.cf (miniflare would otherwise try to download one).
export const CF = {
  country: "DE",
  region: "Berlin",
  city: "Berlin",
  colo: "TXL",
  asn: 3320,
  timezone: "Europe/Berlin",
};
// Issue #2's targets for the redirect against the bare Worker: bench:redirect judges a run by
// them, bench:redirect:summary several runs.
export const REDIRECT_TARGETS = { rpsRatioMin: 0.8, p99RatioMax: 1.5 };

// ---------------------------------------------------------------------------------------------
// Arguments

// The options every benchmark takes, plus its own. Prints `usage` for --help; exits 2 on a bad number.
export function parseBenchArgs(usage, extraOptions = {}) {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      rounds: { type: "string", default: "3" },
      connections: { type: "string", default: "32" },
      "report-only": { type: "boolean", default: false },
      bundle: { type: "string" },
      direct: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      ...extraOptions,
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const positiveInt = (name) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`--${name} must be a positive integer, got ${JSON.stringify(values[name])}`);
      process.exit(2);
    }
    return n;
  };
  const duration = positiveInt("duration");
  return {
    args: values,
    positiveInt,
    duration,
    rounds: positiveInt("rounds"),
    connections: positiveInt("connections"),
    reportOnly: values["report-only"],
    direct: values.direct,
    warmupSeconds: Math.min(3, duration),
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const step = (message) => console.log(`» ${message}`);

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const fmt = {
  rps: (n) => Math.round(n).toLocaleString("en-US"),
  // autocannon's latency histogram has a resolution of 1 ms.
  ms: (n) => `${Number.isInteger(n) ? n : Number(n).toFixed(1)} ms`,
  ratio: (n) => n.toFixed(2),
  us: (n) => (n === null ? "n/a" : `${Math.round(n)} µs`),
  int: (n) => n.toLocaleString("en-US"),
};

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
        .join("  "),
    )
    .join("\n");
}

export const mark = (pass) => (pass ? "PASS" : "FAIL");

// Each side's figures: the median over its rounds.
export function medianOf(rounds, side, measureCpu) {
  const rs = rounds.filter((r) => r.side === side);
  return {
    requestsPerSecond: median(rs.map((r) => r.requestsPerSecond)),
    latencyP50: median(rs.map((r) => r.latencyP50)),
    latencyP99: median(rs.map((r) => r.latencyP99)),
    workerdCpuUsPerRequest: measureCpu ? median(rs.map((r) => r.workerdCpuUsPerRequest)) : null,
  };
}

// Each round's requests/s of `side` over the bare Worker's in the same round (they alternate, so
// the two met the same machine): the spread of these says how far one run's ratio can be trusted.
export function roundPairs(rounds, side) {
  const bare = new Map(rounds.filter((r) => r.side === "bare").map((r) => [r.round, r.requestsPerSecond]));
  return rounds
    .filter((r) => r.side === side && bare.has(r.round))
    .map((r) => r.requestsPerSecond / bare.get(r.round));
}

// What autocannon measured in one round.
export function summariseLoad(side, round, result) {
  return {
    side,
    round,
    requestsPerSecond: result.requests.mean,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.mean,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
  };
}

// ---------------------------------------------------------------------------------------------
// Worker logs

// Worker console output (one JSON line per log call) is tallied by event instead of printed; the
// first few warnings and errors are shown. `onEntry` sees every parsed JSON line.
export function createWorkerLogs(onEntry) {
  const logs = { byEvent: new Map(), shown: 0 };
  logs.handle = ({ level, message }) => {
    let event = level;
    try {
      const entry = JSON.parse(message);
      event = entry.event ?? level;
      onEntry?.(entry);
    } catch {}
    logs.byEvent.set(event, (logs.byEvent.get(event) ?? 0) + 1);
    if (/warn|error/i.test(level) && logs.shown < 10) {
      logs.shown++;
      console.log(`  [worker ${level}] ${message.slice(0, 300)}`);
    }
  };
  logs.summary = () => [...logs.byEvent].map(([event, n]) => `${event} ${fmt.int(n)}`).join(", ");
  return logs;
}

// ---------------------------------------------------------------------------------------------
// Miniflare

export function sharedOptions(persistDir, handleStructuredLogs) {
  return {
    host: "127.0.0.1",
    port: 0,
    logRequests: false,
    cf: CF,
    telemetry: { enabled: false },
    resourcePersistencePath: persistDir,
    log: new Log(LogLevel.WARN),
    handleStructuredLogs,
    // Miniflare's dev registry (on by default, one per machine) lets instances in other processes
    // find each other by Worker name: every benchmark's Worker is "swayline" with the queue
    // "swayline-events", so one run's clicks could be consumed into another run's D1. Each run
    // stands alone.
    enableDevRegistry: false,
  };
}

// A Worker made of a benchmark entry module that wraps `innerModule` (the Worker measured).
export function benchManifest(dir, entryContents, innerModule, innerContents) {
  return {
    mainModule: "bench-entry.mjs",
    modulesRoot: dir,
    modules: {
      "bench-entry.mjs": { type: "esm", contents: entryContents },
      [innerModule]: { type: "esm", contents: innerContents },
    },
  };
}

// The wrangler.toml bindings of the Swayline Worker (secrets as text bindings), and its queue
// consumers as wrangler.toml's [[queues.consumers]].
export function swaylineEnv(extra = {}) {
  return {
    DB: { type: "d1", id: "swayline" },
    EVENTS: { type: "queue", name: "swayline-events" },
    ADMIN_API_KEY: { type: "text", value: ADMIN_API_KEY },
    VISITOR_HASH_SECRET: { type: "text", value: "bench-secret" },
    SIGNING_SECRET: { type: "text", value: "bench-signing-secret" },
    STRIPE_WEBHOOK_SECRET: { type: "text", value: "bench-stripe-secret" },
    SHOPIFY_WEBHOOK_SECRET: { type: "text", value: "bench-shopify-secret" },
    SHORT_LINK_BASE_URL: { type: "text", value: "" },
    LINK_CACHE_TTL_SECONDS: { type: "text", value: "30" },
    CLICK_RETENTION_DAYS: { type: "text", value: "400" },
    ...extra,
  };
}

// The queue consumers as wrangler.toml declares them (batch size, timeout, retries, dead letters),
// so the benchmarks consume the way a deployment does and cannot drift from it.
export const SWAYLINE_QUEUE_TRIGGERS = unstable_readConfig({
  config: join(ROOT, "wrangler.toml"),
}).queues.consumers.map((consumer) => ({
  type: "queue",
  name: consumer.queue,
  maxBatchSize: consumer.max_batch_size,
  maxBatchTimeout: consumer.max_batch_timeout,
  maxRetries: consumer.max_retries,
  deadLetterQueue: consumer.dead_letter_queue,
}));

// With --direct, each Worker also listens on its own socket (miniflare's unsafeDirectSockets).
export const devOptions = (direct) =>
  direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {};

// The built Swayline Worker (see buildWorker) in its own workerd, as `name` "swayline", with the
// wrangler.toml bindings and queue consumers, behind `entryContents` (a module that imports
// "./index.js"), on a fresh D1 (in `persistDir`) with the migrations applied.
export async function startSwaylineWorker({
  instances,
  persistDir,
  bundlePath,
  bundle,
  entryContents,
  logs,
  direct = false,
}) {
  const mf = new Miniflare({
    ...sharedOptions(persistDir, logs.handle),
    workers: [
      {
        dev: devOptions(direct),
        config: {
          name: "swayline",
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: COMPATIBILITY_FLAGS,
          manifest: benchManifest(dirname(bundlePath), entryContents, "index.js", bundle),
          env: swaylineEnv(),
          triggers: SWAYLINE_QUEUE_TRIGGERS,
        },
      },
    ],
  });
  instances.push(mf);
  const { url, pids } = await startWorkerd(mf);
  const db = await mf.getD1Database("DB");
  await applyMigrations(db);
  return { mf, url, pids, db };
}

// The Worker as `wrangler deploy` would upload it (one bundled ES module), or a prebuilt bundle.
export function buildWorker(tmp, prebuilt) {
  const buildDir = join(tmp, "build");
  let bundlePath = join(buildDir, "index.js");
  if (prebuilt) {
    bundlePath = resolve(prebuilt);
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
  return { bundlePath, bundle };
}

// The migrations, statement by statement, in file order, on a fresh D1.
export async function applyMigrations(db) {
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
}

// A call to the Worker's own API (admin key unless told), expecting 2xx and JSON.
export async function api(base, method, path, body, key = ADMIN_API_KEY) {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------
// workerd CPU time (user + system), read from /proc (Linux): each miniflare instance spawns one
// workerd as a child of this process. Where there is no /proc, no CPU figures.

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
// Waits for the instance to listen; returns its URL and the workerd process(es) it started.
export async function startWorkerd(mf) {
  const before = new Set(childPids());
  const url = await mf.ready;
  return { url, pids: childPids().filter((pid) => !before.has(pid)) };
}
// CPU pinning, on Linux with taskset and at least two CPUs: every workerd of a run on the last
// CPU, the load generator on the first. Each side then runs on the same core as the other, and
// never on the core the generator is busy on: on two shared cores, where the scheduler would
// otherwise place them, that alone moved one side's requests/s by up to 15 % between runs.
export function cpuPinning(enabled) {
  if (!enabled || process.platform !== "linux") return null;
  const count = availableParallelism();
  if (count < 2 || spawnSync("taskset", ["-V"]).error) return null;
  return { workerd: count - 1, generator: 0 };
}
export function pinProcesses(pids, cpu) {
  for (const pid of pids) {
    // -a: every thread of the process, V8's helper threads included.
    const pinned = spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { encoding: "utf8" });
    if (pinned.status !== 0) throw new Error(`taskset could not pin workerd ${pid}: ${pinned.stderr}`);
  }
}
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const fields = procStat(pid);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

// ---------------------------------------------------------------------------------------------
// Clean-up and results

// A temp dir, and the miniflare instances to dispose of. Ctrl-C exits at once: miniflare's own
// exit hook then stops workerd, and the exit hook here removes the temp dir (miniflare's SIGINT
// handler would exit before any asynchronous clean-up could run).
export function createSession() {
  const tmp = mkdtempSync(join(tmpdir(), "swayline-bench-"));
  const instances = [];
  process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping`);
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
  return {
    tmp,
    instances,
    async dispose() {
      for (const mf of instances.splice(0)) {
        try {
          await mf.dispose();
        } catch (error) {
          console.error(`dispose failed: ${error?.message ?? error}`);
        }
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function git(gitArgs) {
  return (spawnSync("git", gitArgs, { cwd: ROOT, encoding: "utf8" }).stdout ?? "").trim();
}
const readVersion = (pkg) =>
  JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;

// Where and on what code a run was made: the machine, the commit and the uncommitted changes to
// the Worker's sources, the tool versions.
export function runContext() {
  return {
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model },
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
  };
}

// bench/results/<name>-<timestamp>.json (git-ignored).
export function writeResults(name, summary) {
  const resultsDir = join(ROOT, "bench/results");
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const resultsPath = join(resultsDir, `${name}-${stamp}.json`);
  writeFileSync(resultsPath, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nwrote ${resultsPath}`);
  return resultsPath;
}
