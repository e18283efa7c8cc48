#!/usr/bin/env node
// How long writing clicks keeps a database's one writer busy: the queue consumer's own statements
// (clickInsertStatements in src/clicks/ingest-clicks.ts, bundled on the fly with the esbuild that
// wrangler installs) run by SQLite (node:sqlite) on the real migrations, each batch in one
// transaction as D1 runs a batch. D1 is SQLite with one writer, so the SQLite work per click bounds
// what one database can absorb; D1's own per-query overhead comes on top, per batch, not per click.
//
//   npm run bench:d1-writer -- [--clicks 200000] [--batch 1000] [--unique-share 0.8]
//
// Prints CPU and wall-clock time per click (CPU is the steadier figure on shared cores), the table
// rows written per click, counted from the tables (D1 bills each index entry as a row too), and
// the bytes per click from dbstat.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { fmt, ROOT, step, table } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: {
    clicks: { type: "string", default: "200000" },
    batch: { type: "string", default: "1000" },
    "unique-share": { type: "string", default: "0.8" },
  },
});
const CLICKS = Number(args.clicks);
const BATCH = Number(args.batch);
const UNIQUE_SHARE = Number(args["unique-share"]);
if (!(CLICKS > 0 && BATCH > 0 && UNIQUE_SHARE >= 0 && UNIQUE_SHARE <= 1)) {
  console.error("--clicks and --batch must be positive, --unique-share within 0..1");
  process.exit(2);
}

// The consumer's statement builder and the redirect's click ids, as the Worker bundles them.
const bundled = await build({
  stdin: {
    contents:
      'export { clickInsertStatements } from "./src/clicks/ingest-clicks";\n' +
      'export { newClickId } from "./src/clicks/click-id";',
    resolveDir: ROOT,
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "neutral",
  // Click ids are signed with node:crypto's HMAC deriving the key: Node has it.
  external: ["node:*"],
  write: false,
});
const { clickInsertStatements, newClickId } = await import(
  `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString("base64")}`
);

// A fresh database with the migrations, in memory where there is /dev/shm (no disk in the figure).
const dir = mkdtempSync(
  join(readdirSync("/dev").includes("shm") ? "/dev/shm" : tmpdir(), "swayline-writer-"),
);
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const sqlite = new DatabaseSync(join(dir, "d1.sqlite"));
sqlite.exec("PRAGMA journal_mode = WAL");
const migrations = join(ROOT, "schema/migrations");
for (const file of readdirSync(migrations)
  .filter((f) => f.endsWith(".sql"))
  .sort()) {
  for (const statement of readFileSync(join(migrations, file), "utf8").split("--> statement-breakpoint")) {
    if (statement.trim()) sqlite.exec(statement);
  }
}

// What clickInsertStatements needs of a D1 binding: prepare(sql).bind(...params).
const captureD1 = { prepare: (sql) => ({ bind: (...params) => ({ sql, params }) }) };
const prepared = new Map();
const run = ({ sql, params }) => {
  if (!prepared.has(sql)) prepared.set(sql, sqlite.prepare(sql));
  prepared.get(sql).run(...params);
};

// Clicks like the load test's: 200 links over 2 campaigns, one in six a bot, and of the human
// clicks --unique-share from a visitor new to that link today, the rest a repeat.
const hex = () =>
  Array.from({ length: 4 }, () => Math.random().toString(16).slice(2, 18).padEnd(16, "0")).join("");
let previous = null;
function click(n, now) {
  const link = n % 200;
  const repeat = previous !== null && Math.random() >= UNIQUE_SHARE;
  // Link ids of the real length: click ids carry them. The ids are the redirect's own (time
  // first, so they reach the primary key in order; random ids would land all over its B-tree:
  // measured 27 against 17 µs a click).
  const linkId = repeat ? previous.link_id : `lnk_${String(link).padStart(16, "0")}`;
  const row = {
    id: newClickId("bench-signing-secret", linkId, now),
    link_id: linkId,
    campaign_id: `cmp_${link % 2}`,
    influencer_id: `inf_${Math.floor(link / 2) % 10}`,
    clicked_at: now,
    country: "DE",
    region: "Berlin",
    city: "Berlin",
    referer_host: "l.instagram.com",
    visitor_hash: repeat ? previous.visitor_hash : hex(),
    device: "mobile",
    browser: "Mobile Safari",
    os: "iOS",
    is_bot: n % 6 === 0,
  };
  previous = row;
  return row;
}

step(`writing ${fmt.int(CLICKS)} clicks in batches of ${fmt.int(BATCH)} with the consumer's statements…`);
let cpuUs = 0;
let wallMs = 0;
for (let written = 0; written < CLICKS; written += BATCH) {
  const now = Date.now();
  const clicks = Array.from({ length: Math.min(BATCH, CLICKS - written) }, (_, i) => click(written + i, now));
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  // Building the statements (JSON of the batch) is the consumer's work, done before D1 sees them.
  const statements = clickInsertStatements(captureD1, clicks, now);
  const cpuBuilt = process.cpuUsage(cpuStart);
  sqlite.exec("BEGIN");
  for (const statement of statements) run(statement);
  sqlite.exec("COMMIT");
  const cpu = process.cpuUsage(cpuStart);
  cpuUs += cpu.user + cpu.system - (cpuBuilt.user + cpuBuilt.system);
  wallMs += performance.now() - wallStart;
}

const count = (name) => Number(sqlite.prepare(`SELECT COUNT(*) AS n FROM ${name}`).get().n);
const bytes = (names) =>
  Number(
    sqlite
      .prepare(`SELECT SUM(pgsize) AS b FROM dbstat WHERE name IN (SELECT value FROM json_each(?))`)
      .get(JSON.stringify(names)).b,
  );
const indexes = (t) =>
  sqlite
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?")
    .all(t)
    .map((r) => r.name);
const clicks = count("clicks");
const uniques = count("click_uniques");
const cpuPerClick = cpuUs / CLICKS;
console.log(
  table([
    ["", "value"],
    ["clicks written", fmt.int(clicks)],
    ["click_uniques rows", `${fmt.int(uniques)} (${((uniques / clicks) * 100).toFixed(0)}% of clicks)`],
    ["SQLite CPU per click", `${cpuPerClick.toFixed(1)} µs`],
    ["wall-clock per click", `${((wallMs * 1000) / CLICKS).toFixed(1)} µs`],
    ["clicks/s one writer takes (CPU)", fmt.int(Math.round(1e6 / cpuPerClick))],
    // Counted from the tables: SQLite's change count leaves out the rows the uniques trigger writes.
    [
      "table rows written per click (D1 also bills each index entry)",
      ((clicks + uniques) / CLICKS).toFixed(2),
    ],
    [
      "bytes per clicks row, with its indexes",
      `${(bytes(["clicks", ...indexes("clicks")]) / clicks).toFixed(0)} B`,
    ],
    [
      "bytes per click_uniques row, with its key",
      `${(bytes(["click_uniques", ...indexes("click_uniques")]) / Math.max(uniques, 1)).toFixed(0)} B`,
    ],
  ]),
);
sqlite.close();
