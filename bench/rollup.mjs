#!/usr/bin/env node
// Rollup benchmark: how long a full rollup of a large history takes against an incremental run,
// and how fast the campaign figures read from the rollup are.
//
//   npm run bench:rollup -- [--scale 1] [--bundle path/to/index.js]
//
// Method
// - The real Worker, built as it is deployed (`wrangler deploy --dry-run`), runs in workerd through
//   the miniflare API with the wrangler.toml bindings and a fresh D1 with the real migrations
//   (see bench/redirect.mjs for why miniflare and not `wrangler dev`).
// - A campaign, 100 influencers and 1,000 links (10 each) are created through the API. Then
//   1,000,000 clicks over 90 days (1 in 20 a bot; each visitor clicks its link 3 times in a row,
//   so a third of the human clicks are unique), their unique-click claims, 20,000 orders (half by
//   link, half by code) and 1,000 refunds are generated in SQL (recursive CTEs, 50,000 rows a
//   statement): the queue would take hours to write that many, and the rollup reads the tables,
//   not the queue. --scale multiplies every count (0.01 for a quick smoke run).
// - (a) A full rollup from scratch: POST /api/v1/rollup (the same code the cron runs, a bounded
//   amount per call) until it reports caught_up. (b) 10,000 new events (9,800 clicks and their
//   unique claims, 200 orders), then the same until caught up; three rounds, the median (one
//   short measurement is at the mercy of the shared cores). The target is (b) ≤ (a) / 50:
//   the work of a run follows what arrived, not the size of the history.
// - (c) GET /campaigns/:id/summary (and /timeseries where the branch has it), 100 calls each one
//   after another after 5 warm-up calls, interleaved call by call with a baseline read of one row
//   (GET /campaigns/:id): p50 and p95. Target: summary p95 under 50 ms. Then the summary's rollup
//   query on rollup_daily and on rollup_influencer_daily, sent straight to D1, with their plans.
// - Memory: the workerd process's resident set, sampled every 250 ms and its peak as the kernel
//   kept it (VmHWM); node's peak resident set.

import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import {
  ADMIN_API_KEY,
  api,
  buildWorker,
  createSession,
  createWorkerLogs,
  fmt,
  mark,
  parseBenchArgs,
  runContext,
  startSwaylineWorker,
  step,
  table,
  writeResults,
} from "./lib/harness.mjs";

const { args } = parseBenchArgs(
  "Usage: npm run bench:rollup -- [--scale <factor>=1 (0.01: a quick smoke run)] [--bundle <prebuilt index.js>]",
  { scale: { type: "string", default: "1" } },
);
const SCALE = Number(args.scale);
if (!(SCALE > 0 && SCALE <= 1)) {
  console.error(`--scale must be a number in (0, 1], got ${JSON.stringify(args.scale)}`);
  process.exit(2);
}
const scaled = (n, min) => Math.max(min, Math.round(n * SCALE));
const COUNTS = {
  influencers: scaled(100, 2),
  linksPerInfluencer: 10,
  clicks: scaled(1_000_000, 3000),
  orders: scaled(20_000, 100),
  refundEvery: 20,
  newClicks: scaled(9_800, 98),
  newOrders: scaled(200, 2),
};
const DAYS = 90;
const DAY_MS = 86_400_000;
const ROWS_PER_STATEMENT = 50_000;
const CALLS = 100;
const WARMUP_CALLS = 5;
const SUMMARY_P95_TARGET_MS = 50;
const INCREMENTAL_RATIO_TARGET = 1 / 50;
const INCREMENTAL_ROUNDS = 3;

// ---------------------------------------------------------------------------------------------
// Memory: resident set of the workerd process(es), sampled, and the kernel's high-water mark.

function statusKb(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(
      readFileSync(`/proc/${pid}/status`, "utf8"),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
function memorySampler(pids) {
  let peakSampledKb = 0;
  const timer = setInterval(() => {
    peakSampledKb = Math.max(
      peakSampledKb,
      pids.reduce((sum, pid) => sum + statusKb(pid, "VmRSS"), 0),
    );
  }, 250);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return {
        workerdPeakSampledMiB: peakSampledKb / 1024,
        workerdHighWaterMiB: pids.reduce((sum, pid) => sum + statusKb(pid, "VmHWM"), 0) / 1024,
        nodePeakMiB: process.resourceUsage().maxRSS / 1024,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Generated rows. Row i of each generator is a pure function of i, so a range [from, to] is one
// INSERT … SELECT over a recursive CTE. Links are numbered through a bench-only table.

// (Numbers bound from node arrive as REAL: cast, or i / 3 would not be an integer division.)
const seq =
  "WITH RECURSIVE seq(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)";

// Click i belongs to visitor i/3, who clicks link (visitor * 31) mod links; clicks are spread
// evenly from ?3 (ms) with ?4 ms between them, in time order as the queue would write them.
const INSERT_CLICKS = `${seq}
INSERT INTO clicks (id, link_id, campaign_id, influencer_id, clicked_at, day, country, region, city,
                    device, browser, os, referer_host, is_bot, visitor_hash, received_at)
SELECT printf('clk_bench%012d', i), l.link_id, l.campaign_id, l.influencer_id, ?3 + i * ?4,
       strftime('%Y-%m-%d', (?3 + i * ?4) / 1000, 'unixepoch'), 'DE', 'Berlin', 'Berlin',
       'mobile', 'Mobile Safari', 'iOS', 'instagram.com', i % 20 = 0, printf('%064d', i / 3), ?3 + i * ?4 + 2000
FROM seq JOIN bench_links l ON l.n = ((i / 3) * 31) % ?5`;

// Order i: a sale on link (i * 37) mod links, by that link (even i) or by its influencer's code.
const INSERT_ORDERS = `${seq}
INSERT INTO conversions (id, type, order_id, campaign_id, influencer_id, attribution, code, link_id,
                         customer_id, amount, currency, occurred_at, request_hash, key_id, created_at)
SELECT printf('cnv_bench%09d', i), 'sale', printf('ord-bench-%09d', i), l.campaign_id, l.influencer_id,
       CASE WHEN i % 2 = 0 THEN 'click' ELSE 'code' END, CASE WHEN i % 2 = 1 THEN 'BENCH' END,
       CASE WHEN i % 2 = 0 THEN l.link_id END, printf('cust-%d', i), 1000 + (i % 50) * 100, 'EUR',
       ?3 + i * ?4, 'bench', 'bench', ?3 + i * ?4
FROM seq JOIN bench_links l ON l.n = (i * 37) % ?5`;

// Half of every `refundEvery`-th order, refunded a day later.
const INSERT_REFUNDS = `
INSERT INTO refunds (id, refund_id, order_id, conversion_id, campaign_id, influencer_id, amount,
                     currency, occurred_at, request_hash, key_id, created_at)
SELECT 'rfd_' || id, 'rf-' || order_id, order_id, id, campaign_id, influencer_id, amount / 2, 'EUR',
       occurred_at + ${DAY_MS}, 'bench', 'bench', occurred_at + ${DAY_MS}
FROM conversions WHERE rowid % ?1 = 0`;

async function maxRowid(db, tableName) {
  return (await db.prepare(`SELECT COALESCE(MAX(rowid), 0) AS n FROM ${tableName}`).first()).n;
}

// Rows [from, to) of a generator, a statement at a time, with progress.
async function generate(db, label, sql, from, to, start, spacing, links) {
  const started = performance.now();
  for (let low = from; low < to; low += ROWS_PER_STATEMENT) {
    const high = Math.min(to, low + ROWS_PER_STATEMENT) - 1;
    await db.prepare(sql).bind(low, high, start, spacing, links).run();
    const done = high + 1 - from;
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `\r  ${label}: ${fmt.int(done)} / ${fmt.int(to - from)} (${fmt.int(Math.round(done / seconds))} rows/s)   `,
    );
  }
  process.stdout.write("\n");
}

// ---------------------------------------------------------------------------------------------

// POST /rollup until caught up: the wall time and the runs it took.
async function rollUpUntilCaughtUp(base, label) {
  const started = performance.now();
  let runs = 0;
  const rows = {};
  for (;;) {
    const report = await api(base, "POST", "/api/v1/rollup");
    runs += 1;
    for (const [source, s] of Object.entries(report.sources)) rows[source] = (rows[source] ?? 0) + s.rows;
    process.stdout.write(
      `\r  ${label}: run ${runs}, ${Object.entries(rows)
        .map(([source, n]) => `${source} ${fmt.int(n)}`)
        .join(", ")}   `,
    );
    if (report.caught_up) break;
  }
  process.stdout.write("\n");
  return { ms: performance.now() - started, runs, rows };
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

// CALLS rounds of one GET of each path, one after another, interleaved so that noise on the
// shared cores hits every path alike; after warm-up calls. A path that answers 404 (a route this
// branch does not have) is left out (null).
async function timeGets(base, paths) {
  const get = async (path) => {
    const res = await fetch(new URL(path, base), { headers: { Authorization: `Bearer ${ADMIN_API_KEY}` } });
    return { status: res.status, body: await res.text() };
  };
  const live = [];
  const out = {};
  for (const [name, path] of Object.entries(paths)) {
    const first = await get(path);
    out[name] = null;
    if (first.status === 404) continue;
    if (first.status !== 200) throw new Error(`GET ${path} -> ${first.status}: ${first.body.slice(0, 300)}`);
    live.push({ name, path, times: [], body: JSON.parse(first.body) });
  }
  for (let i = 1; i < WARMUP_CALLS; i++) for (const p of live) await get(p.path);
  for (let i = 0; i < CALLS; i++) {
    for (const p of live) {
      const t = performance.now();
      const res = await get(p.path);
      p.times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`GET ${p.path} -> ${res.status}`);
    }
  }
  for (const p of live) {
    p.times.sort((a, b) => a - b);
    out[p.name] = { p50: percentile(p.times, 50), p95: percentile(p.times, 95), body: p.body };
  }
  return out;
}

// The summary's rollup query on the per-link table and on the per-influencer one the summary
// reads: the query plan, and the median of 20 runs sent straight to D1 from here (so it includes
// one round trip through miniflare's proxy, measured alone as "SELECT 1").
async function summaryQueries(db, campaignId) {
  const query = (from) =>
    `SELECT influencer_id, SUM(clicks), SUM(unique_clicks), SUM(bot_clicks), SUM(leads), SUM(conversions),
            SUM(revenue), SUM(refunds)
     FROM ${from} WHERE campaign_id = ?1 AND day >= ?2 AND day <= ?3 GROUP BY influencer_id`;
  const rows = [["query", "median", "rows", "plan"]];
  for (const [label, sql] of [
    ["SELECT 1 (round trip)", "SELECT ?1, ?2, ?3"],
    ["on rollup_daily", query("rollup_daily")],
    ["on rollup_influencer_daily", query("rollup_influencer_daily")],
  ]) {
    const bound = () => db.prepare(sql).bind(campaignId, "0000-00-00", "9999-99-99");
    const times = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await bound().all();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const plan = await db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(campaignId, "0000-00-00", "9999-99-99")
      .all();
    const table = sql.match(/FROM (\w+)/)?.[1];
    const count = table ? (await db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first()).n : 1;
    rows.push([
      label,
      fmt.ms(percentile(times, 50)),
      fmt.int(count),
      plan.results.map((r) => r.detail).join("; "),
    ]);
  }
  return rows;
}

const session = createSession();
try {
  const { tmp, instances } = session;
  console.log(
    `Rollup benchmark, scale ${SCALE}: ${fmt.int(COUNTS.clicks)} clicks and ${fmt.int(COUNTS.orders)} orders over ${DAYS} days, ` +
      `${COUNTS.influencers} influencers, ${COUNTS.influencers * COUNTS.linksPerInfluencer} links`,
  );
  const { bundlePath, bundle } = buildWorker(tmp, args.bundle);
  const workerLogs = createWorkerLogs();
  const { url, pids, db } = await startSwaylineWorker({
    instances,
    persistDir: join(tmp, "state"),
    bundlePath,
    bundle,
    entryContents: 'export { default } from "./index.js";\n',
    logs: workerLogs,
  });
  const memory = memorySampler(pids);
  step(`Swayline Worker listening on ${url.origin} (workerd pid ${pids.join(", ")})`);

  // 1. Campaign, influencers and links through the API.
  step(`creating a campaign, ${COUNTS.influencers} influencers and their links through the API…`);
  const campaign = await api(url, "POST", "/api/v1/campaigns", {
    name: "Rollup bench",
    objective: "sales",
    currency: "EUR",
  });
  for (let n = 0; n < COUNTS.influencers; n++) {
    const influencer = await api(url, "POST", "/api/v1/influencers", {
      handle: `bench_${n}`,
      platform: "instagram",
      followers: 10_000 + n,
    });
    for (let k = 0; k < COUNTS.linksPerInfluencer; k++) {
      await api(url, "POST", "/api/v1/links", {
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        url: `https://shop.example/p/${k}`,
      });
    }
    process.stdout.write(`\r  influencers ${n + 1} / ${COUNTS.influencers}   `);
  }
  process.stdout.write("\n");
  await db
    .prepare(
      "CREATE TABLE bench_links (n INTEGER PRIMARY KEY, link_id TEXT, campaign_id TEXT, influencer_id TEXT)",
    )
    .run();
  await db
    .prepare(
      "INSERT INTO bench_links SELECT row_number() OVER (ORDER BY rowid) - 1, id, campaign_id, influencer_id FROM links",
    )
    .run();
  const links = (await db.prepare("SELECT COUNT(*) AS n FROM bench_links").first()).n;

  // 2. The history, in SQL.
  step("loading the history into D1…");
  const loadStarted = performance.now();
  const end = Date.now() - DAY_MS;
  const start = end - DAYS * DAY_MS;
  const clickSpacing = Math.floor((DAYS * DAY_MS) / COUNTS.clicks);
  const orderSpacing = Math.floor((DAYS * DAY_MS) / COUNTS.orders);
  // Each inserted human click claims its unique in click_uniques, as the consumer's inserts do
  // (the clicks_claim_unique trigger, migration 0011).
  await generate(db, "clicks", INSERT_CLICKS, 0, COUNTS.clicks, start, clickSpacing, links);
  await generate(db, "orders", INSERT_ORDERS, 0, COUNTS.orders, start, orderSpacing, links);
  await db.prepare(INSERT_REFUNDS).bind(COUNTS.refundEvery).run();
  const loaded = {
    clicks: await maxRowid(db, "clicks"),
    click_uniques: await maxRowid(db, "click_uniques"),
    conversions: await maxRowid(db, "conversions"),
    refunds: await maxRowid(db, "refunds"),
  };
  step(
    `loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s: ` +
      Object.entries(loaded)
        .map(([name, n]) => `${name} ${fmt.int(n)}`)
        .join(", "),
  );

  // 3. (a) The full rollup.
  step("(a) full rollup from scratch (POST /rollup until caught up)…");
  const full = await rollUpUntilCaughtUp(url, "full");

  // 4. (b) 10,000 new events, then an incremental rollup; three rounds (the next day's events
  // each time), the median, since one short run is at the mercy of the shared cores.
  const lastDay = async (label, sql, done, count, dayStart) => {
    const spacing = Math.floor(DAY_MS / count);
    await generate(db, label, sql, done, done + count, dayStart - done * spacing, spacing, links);
  };
  const rounds = [];
  for (let round = 0; round < INCREMENTAL_ROUNDS; round++) {
    step(
      `(b) round ${round + 1}: ${fmt.int(COUNTS.newClicks + COUNTS.newOrders)} new events, then the rollup again…`,
    );
    const dayStart = end + round * DAY_MS;
    await lastDay(
      "new clicks",
      INSERT_CLICKS,
      COUNTS.clicks + round * COUNTS.newClicks,
      COUNTS.newClicks,
      dayStart,
    );
    await lastDay(
      "new orders",
      INSERT_ORDERS,
      COUNTS.orders + round * COUNTS.newOrders,
      COUNTS.newOrders,
      dayStart,
    );
    rounds.push(await rollUpUntilCaughtUp(url, "incremental"));
  }
  const incremental = [...rounds].sort((x, y) => x.ms - y.ms)[Math.floor(rounds.length / 2)];
  const ratio = incremental.ms / full.ms;

  // 5. (c) Reads.
  step(`(c) GET summary and timeseries, ${CALLS} calls each…`);
  const rollupRows = (await db.prepare("SELECT COUNT(*) AS n FROM rollup_daily").first()).n;
  const reads = await timeGets(url, {
    baseline: `/api/v1/campaigns/${campaign.id}`,
    summary: `/api/v1/campaigns/${campaign.id}/summary`,
    timeseries: `/api/v1/campaigns/${campaign.id}/timeseries?interval=day`,
  });
  const { baseline, summary, timeseries } = reads;
  // The machine's load while the reads ran: on shared cores it moves the tail more than the code.
  const loadDuringReads = loadavg()[0];
  const queries = await summaryQueries(db, campaign.id);
  const expectedClicks = COUNTS.clicks + INCREMENTAL_ROUNDS * COUNTS.newClicks;
  const summed = summary.body.totals.clicks + summary.body.totals.bot_clicks;
  const mem = memory.stop();

  // 6. Report.
  console.log(
    `\nrollup_daily rows: ${fmt.int(rollupRows)}; summary clicks + bot clicks ${fmt.int(summed)} of ${fmt.int(expectedClicks)} generated`,
  );
  console.log(
    `\n${table([
      ["", "wall time", "runs", "rows read"],
      [
        "(a) full rollup",
        fmt.ms(full.ms),
        full.runs,
        fmt.int(Object.values(full.rows).reduce((a, b) => a + b, 0)),
      ],
      [
        "(b) incremental (median of 3)",
        fmt.ms(incremental.ms),
        incremental.runs,
        fmt.int(Object.values(incremental.rows).reduce((a, b) => a + b, 0)),
      ],
    ])}`,
  );
  console.log(
    `(b) / (a) = ${ratio.toFixed(4)} (1/${Math.round(1 / ratio)}), target ≤ 1/50: ${mark(ratio <= INCREMENTAL_RATIO_TARGET)}`,
  );
  const readRows = [["", "p50", "p95", "p95 ÷ baseline"]];
  for (const [name, r] of Object.entries(reads)) {
    if (r) readRows.push([name, fmt.ms(r.p50), fmt.ms(r.p95), fmt.ratio(r.p95 / baseline.p95)]);
  }
  console.log(`\n${table(readRows)}`);
  console.log(
    `(baseline: GET /campaigns/:id, one row read, interleaved call by call with the others; load average ${loadDuringReads.toFixed(1)} on ${runContext().machine.cpus} cores)`,
  );
  if (!timeseries)
    console.log("timeseries: GET /campaigns/:id/timeseries is not on this branch (404); summary only");
  console.log(
    `summary p95 ${fmt.ms(summary.p95)}, target < ${SUMMARY_P95_TARGET_MS} ms: ${mark(summary.p95 < SUMMARY_P95_TARGET_MS)}`,
  );
  console.log(`\nthe summary's rollup query, straight to D1:\n${table(queries)}`);
  console.log(
    `\nmemory: workerd peak RSS ${mem.workerdHighWaterMiB.toFixed(0)} MiB (VmHWM; sampled every 250 ms: ${mem.workerdPeakSampledMiB.toFixed(0)} MiB), node peak RSS ${mem.nodePeakMiB.toFixed(0)} MiB`,
  );
  console.log(`worker logs: ${workerLogs.summary()}`);
  if (summed !== expectedClicks) throw new Error("the summary does not count every generated click");
  writeResults("rollup", {
    ...runContext(),
    scale: SCALE,
    counts: COUNTS,
    loaded,
    rollupRows,
    full,
    incremental,
    incrementalRounds: rounds.map((r) => r.ms),
    ratio,
    reads: Object.fromEntries(
      Object.entries(reads).map(([name, r]) => [name, r && { p50: r.p50, p95: r.p95 }]),
    ),
    queries,
    loadDuringReads,
    memory: mem,
  });
} finally {
  await session.dispose();
}
