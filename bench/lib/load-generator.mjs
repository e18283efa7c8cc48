// The load generator of bench:redirect: wrk when it is installed, autocannon otherwise. Both sides
// of a run always use the same one.
//
// Why prefer wrk: the load generator shares the machine's cores with workerd. autocannon runs in
// Node and spends more CPU per request than the bare Worker does, so on a 2-core machine it is a
// large part of what is measured; wrk (C, epoll, one thread here) costs a fraction of that.
// `apt-get install wrk` on Debian/Ubuntu.

import { execFile, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { summariseLoad } from "./harness.mjs";

// wrk prints its summary through this Lua hook as one JSON line (latencies in µs).
const WRK_REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;

function wrkVersion() {
  const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (probe.error) return null;
  return (probe.stdout || probe.stderr).split("\n")[0].split(" ")[1] ?? "unknown";
}

// `cpu`: the CPU to run wrk on (through taskset), or undefined to leave it to the scheduler.
function runWrk(scriptPath, url, { headers, connections, seconds, cpu }) {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "-s", scriptPath];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  args.push(url);
  const [command, commandArgs] =
    cpu === undefined ? ["wrk", args] : ["taskset", ["-c", String(cpu), "wrk", ...args]];
  return new Promise((resolve, reject) => {
    execFile(command, commandArgs, { encoding: "utf8" }, (error, stdout, stderr) => {
      const line = stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
      if (error || !line)
        return reject(new Error(`wrk failed: ${error?.message ?? ""}\n${stdout}\n${stderr}`));
      const r = JSON.parse(line.slice("WRK_JSON ".length));
      resolve({
        requestsPerSecond: r.requests / (r.duration_us / 1e6),
        latencyP50: r.p50_us / 1000,
        latencyP99: r.p99_us / 1000,
        latencyMean: r.mean_us / 1000,
        // wrk counts responses, not statuses: "non2xx3xx" are the ones that were neither.
        statuses: { "2xx/3xx": r.requests - r.status, non2xx3xx: r.status },
        responses: r.requests - r.status,
        errors: r.connect + r.read + r.write,
        timeouts: r.timeout,
        durationSeconds: r.duration_us / 1e6,
      });
    });
  });
}

async function runAutocannon(url, { headers, connections, seconds }) {
  const result = await autocannon({
    url,
    method: "GET",
    headers,
    connections,
    duration: seconds,
    // 3xx are "non2xx" to autocannon; keep their latencies in the histogram (the default, made explicit).
    excludeErrorStats: false,
  });
  const { side, round, ...summary } = summariseLoad(null, null, result);
  return { ...summary, responses: Object.values(summary.statuses).reduce((a, b) => a + b, 0) };
}

// `preferred`: "wrk", "autocannon" or undefined (wrk if installed). `tmp` holds wrk's Lua script.
export function loadGenerator(preferred, tmp) {
  const wrk = preferred === "autocannon" ? null : wrkVersion();
  if (preferred === "wrk" && !wrk)
    throw new Error("--generator wrk: wrk is not installed (apt-get install wrk)");
  if (!wrk) {
    const packageJson = new URL("../../node_modules/autocannon/package.json", import.meta.url);
    const { version } = JSON.parse(readFileSync(packageJson, "utf8"));
    return { name: "autocannon", version, run: runAutocannon };
  }
  const scriptPath = join(tmp, "wrk-report.lua");
  writeFileSync(scriptPath, WRK_REPORT);
  return { name: "wrk", version: wrk, run: (url, options) => runWrk(scriptPath, url, options) };
}
