#!/usr/bin/env node
// The verdict of several bench:redirect runs: one run of it is not one (a round's requests/s ratio
// moves by ±0.05 with the machine; see the README's "Performance"). Reads the results files
// bench:redirect wrote (bench/results, git-ignored), keeps the standard runs (rounds of 10 s, 32
// connections, through the entry Worker, at least 3 rounds: the default was 3 before it became 9)
// of one commit, or of every commit since a time, and prints each run's ratios, their medians, and
// the rounds of all of them taken together, pair by pair.
//
//   for i in 1 2 3; do npm run bench:redirect -- --report-only; done
//   npm run bench:redirect:summary -- [--commit <sha>=the newest run's | --since <ISO time>]
//                                     [--all-options]

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { median, ROOT, roundPairs, table } from "./lib/harness.mjs";

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

const ratio = (n) => n.toFixed(2);
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
  `\nmedian requests/s ratio ${median(rps).toFixed(3)} (target >= 0.8; runs ${ratio(Math.min(...rps))}-${ratio(Math.max(...rps))}, ` +
    `${rps.filter((r) => r >= 0.8).length} of ${rps.length} at or above)`,
);
const pairs = chosen.flatMap((run) => roundPairs(run.rounds, "redirect"));
const mean = pairs.reduce((sum, r) => sum + r, 0) / pairs.length;
console.log(
  `round by round       ${pairs.length} pairs: median ${median(pairs).toFixed(3)}, mean ${mean.toFixed(3)}, ` +
    `${ratio(Math.min(...pairs))}-${ratio(Math.max(...pairs))}, ${pairs.filter((r) => r >= 0.8).length} at or above 0.8`,
);
console.log(`median p99 ratio       ${ratio(median(p99))} (target <= 1.5; worst ${ratio(Math.max(...p99))})`);
console.log(
  `clicks lost            ${chosen.reduce((sum, run) => sum + run.clicks.lost, 0)} in all (target 0)`,
);
