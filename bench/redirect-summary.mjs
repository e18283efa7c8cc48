#!/usr/bin/env node
// The verdict of several bench:redirect runs: one run of it is not one (a round's requests/s ratio
// moves by ±0.05 with the machine; see the README's "Performance"). Reads the results files
// bench:redirect wrote (bench/results, git-ignored), keeps the standard runs (rounds of 10 s, 32
// connections, through the entry Worker, at least 3 rounds: the default was 3 before it became 9)
// of one commit, or of every commit since a time, and prints each run's ratios, their medians, the
// rounds of all of them taken together, pair by pair, and whether the runs say the throughput
// target is met (the 95 % interval of the runs' mean above 0.8), missed (below) or cannot tell.
//
//   for i in 1 2 3; do npm run bench:redirect -- --report-only; done
//   npm run bench:redirect:summary -- [--commit <sha>=the newest run's | --since <ISO time>]
//                                     [--all-options]

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { median, REDIRECT_TARGETS, ROOT, roundPairs, table } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: {
    commit: { type: "string" },
    since: { type: "string" },
    "all-options": { type: "boolean", default: false },
  },
});

const dir = join(ROOT, "bench/results");
const runs = (existsSync(dir) ? readdirSync(dir) : [])
  .filter((file) => file.startsWith("redirect-") && file.endsWith(".json"))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(dir, file), "utf8")));
if (runs.length === 0) {
  console.error(`No bench:redirect results in ${dir}: run npm run bench:redirect first.`);
  process.exit(2);
}

const commit = args.since ? null : (args.commit ?? runs.at(-1).git?.commit);
const which = commit ? `commit ${commit.slice(0, 12)}` : `every commit since ${args.since}`;
const isStandard = ({ options }) =>
  options.rounds >= 3 && options.duration === 10 && options.connections === 32 && !options.direct;
const chosen = runs.filter(
  (run) =>
    (commit ? run.git?.commit?.startsWith(commit) : run.at >= args.since) &&
    run.git?.uncommitted.length === 0 &&
    (args["all-options"] || isStandard(run)),
);
if (chosen.length === 0) {
  console.error(`No ${args["all-options"] ? "" : "standard "}runs of ${which} without uncommitted changes.`);
  process.exit(2);
}

const { rpsRatioMin: RPS_RATIO_MIN, p99RatioMax: P99_RATIO_MAX } = REDIRECT_TARGETS;

const ratio = (n) => n.toFixed(2);
const meanOf = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;

// Student's t for a two-sided 95 % interval with `df` degrees of freedom: the table up to 30,
// past it the Cornish-Fisher expansion around the normal quantile (within 0.001 there).
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
function t95(df) {
  if (df <= T95.length) return T95[df - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

// Whether the runs say the throughput target is met. Each run is one observation, not each
// round: rounds of one run share the machine's minute (whole runs moved from 0.83 to 0.76 within
// twenty minutes), so pooling rounds as if independent would claim a certainty the runs lack.
function throughputVerdict(runRatios) {
  const n = runRatios.length;
  if (n < 3) return "target, requests/s     too few runs to tell (at least 3)";
  const m = meanOf(runRatios);
  const sd = Math.sqrt(runRatios.reduce((sum, r) => sum + (r - m) ** 2, 0) / (n - 1));
  const half = (t95(n - 1) * sd) / Math.sqrt(n);
  const [low, high] = [m - half, m + half];
  const verdict =
    low >= RPS_RATIO_MIN
      ? "met"
      : high < RPS_RATIO_MIN
        ? "not met"
        : `cannot tell: the interval holds ${RPS_RATIO_MIN}, more runs or a quieter machine`;
  return (
    `target, requests/s     runs' mean ${m.toFixed(3)}, 95 % interval ${low.toFixed(3)}-${high.toFixed(3)} ` +
    `(${n} runs, each one observation): ${verdict}`
  );
}
const rows = [
  ["run", "commit", "generator", "rounds", "req/s ratio", "p99 ratio", "CPU/req ratio", "clicks lost"],
];
for (const run of chosen) {
  rows.push([
    run.at.slice(0, 19).replace("T", " "),
    run.git.commit.slice(0, 7),
    run.generator.name,
    String(run.options.rounds),
    ratio(run.ratios.requestsPerSecond),
    ratio(run.ratios.latencyP99),
    run.ratios.workerdCpuPerRequest === null ? "n/a" : ratio(run.ratios.workerdCpuPerRequest),
    String(run.clicks.lost),
  ]);
}
const rps = chosen.map((run) => run.ratios.requestsPerSecond);
const p99 = chosen.map((run) => run.ratios.latencyP99);
console.log(`bench:redirect, ${which}: ${chosen.length} run(s)\n`);
console.log(table(rows));
console.log(
  `\nmedian requests/s ratio ${median(rps).toFixed(3)} (target >= ${RPS_RATIO_MIN}; runs ${ratio(Math.min(...rps))}-${ratio(Math.max(...rps))}, ` +
    `${rps.filter((r) => r >= RPS_RATIO_MIN).length} of ${rps.length} at or above)`,
);
const pairs = chosen.flatMap((run) => roundPairs(run.rounds, "redirect"));
const mean = meanOf(pairs);
console.log(
  `round by round       ${pairs.length} pairs: median ${median(pairs).toFixed(3)}, mean ${mean.toFixed(3)}, ` +
    `${ratio(Math.min(...pairs))}-${ratio(Math.max(...pairs))}, ${pairs.filter((r) => r >= RPS_RATIO_MIN).length} at or above ${RPS_RATIO_MIN}`,
);
console.log(throughputVerdict(rps));
console.log(
  `median p99 ratio       ${ratio(median(p99))} (target <= ${P99_RATIO_MAX}; worst ${ratio(Math.max(...p99))})`,
);
console.log(
  `clicks lost            ${chosen.reduce((sum, run) => sum + run.clicks.lost, 0)} in all (target 0)`,
);
