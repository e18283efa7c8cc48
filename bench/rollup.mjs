#!/usr/bin/env node
// Rollup benchmark: how long a full rollup of a realistic history takes against an incremental
// run, and how fast the campaign figures read from the rollup are, against a one-row read.
//
//   npm run bench:rollup -- [--scale 1] [--report-only] [--bundle path/to/index.js]
//
// Method
// - The real Worker, built as it is deployed (`wrangler deploy --dry-run`), runs in workerd through
//   the miniflare API with the wrangler.toml bindings and a fresh D1 with the real migrations
//   (see bench/redirect.mjs for why miniflare and not `wrangler dev`).
// - Through the API: four campaigns in four time zones (the `timezone` field only when the API
//   takes it: the first campaign probes it), 100 influencers, the measured campaign's 1,000 links
//   (10 an influencer) and 20 influencers with 2 links in each of the three others, a promo code
//   and 3 posts per influencer and campaign.
// - In SQL (bench/lib/rollup-data.mjs; the queue would take hours to write this much, and the
//   rollup reads the tables, not the queue): 1,000,000 clicks over 90 days, 85 % of them on the
//   measured campaign, with countries, devices, browsers, OSes and referrers as varied as a real
//   audience's, 1 in 20 a bot, a third of the human clicks unique; leads (1 visitor in 33); 20,000
//   sales, 8 in 20 by click id, 7 by code, 5 by a lead's customer; refunds of 6 in 100 sales; a
//   snapshot of every post each day (some figures not reported: a post in four never reports three
//   of them, a snapshot in three reports only likes and comments) and of every influencer's
//   followers each week. --scale multiplies the clicks, sales and influencers (0.01 for a quick run).
// - (a) A full rollup from scratch: POST /api/v1/rollup (the same code the cron runs, a bounded
//   amount per call) until it reports caught_up. (b) 10,000 new events (clicks with their leads,
//   sales, refunds: the next day's), then the same until caught up; three rounds, the median.
//   Target: (b) ≤ (a) / 50, the work of a run follows what arrived, not the size of the history.
// - (c) The measured campaign's summary, timeseries by day and by month (by month only where the
//   API answers it) and breakdown by each dimension: 100 calls each after warm-up, interleaved
//   call by call with a baseline read of one row (GET /campaigns/:id) so that noise on the shared
//   cores hits every path alike: p50 and p95. Targets: summary p95 ≤ 50 ms, timeseries ≤ 60 ms,
//   breakdown ≤ 100 ms (every dimension).
// - (d) Growth: the same reads over the last 30 and 60 days, and on a campaign of 20 influencers
//   and 40 links, 30 calls each; the rows each read covers, per table.
// - The figures read are checked against the generated rows (clicks, leads, sales), and the
//   reads' heaviest queries are sent straight to D1 with their plans. Memory: the workerd process's
//   resident set, sampled every 250 ms and its peak as the kernel kept it (VmHWM); node's peak.
// Exit status 1 when a target fails (not with --report-only), and always when a check fails.

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
import {
  createBenchTables,
  DAY_MS,
  datePostSnapshots,
  generateTraffic,
  INSERT_FOLLOWER_SNAPSHOTS,
  INSERT_POST_SNAPSHOTS,
  maxRowid,
  SET_POST_LEVELS,
} from "./lib/rollup-data.mjs";

const { args, reportOnly } = parseBenchArgs(
  "Usage: npm run bench:rollup -- [--scale <factor>=1 (0.01: a quick run)] [--report-only] [--bundle <prebuilt index.js>]",
  { scale: { type: "string", default: "1" } },
);
const SCALE = Number(args.scale);
if (!(SCALE > 0 && SCALE <= 1)) {
  console.error(`--scale must be a number in (0, 1], got ${JSON.stringify(args.scale)}`);
  process.exit(2);
}
const scaled = (n, min) => Math.max(min, Math.round(n * SCALE));
const COUNTS = {
  influencers: scaled(100, 10),
  linksPerInfluencer: 10,
  // In each of the other campaigns.
  otherInfluencers: scaled(20, 2),
  otherLinksPerInfluencer: 2,
  postsPerEnrolment: 3,
  clicks: scaled(1_000_000, 3000),
  sales: scaled(20_000, 100),
  // About 10,000 events with their leads and refunds (printed exactly).
  newClicks: scaled(9_450, 95),
  newSales: scaled(400, 4),
};
// The measured campaign first. A campaign's zone decides its days once the API has time zones.
const CAMPAIGNS = [
  { name: "Rollup bench", currency: "EUR", timezone: "America/Los_Angeles" },
  { name: "Spring drop", currency: "USD", timezone: "UTC" },
  { name: "Berlin launch", currency: "EUR", timezone: "Europe/Berlin" },
  { name: "Tokyo collab", currency: "JPY", timezone: "Asia/Tokyo" },
];
const DAYS = 90;
const CALLS = 100;
const GROWTH_CALLS = 30;
const WARMUP_CALLS = 5;
const TARGETS = { summaryP95: 50, timeseriesP95: 60, breakdownP95: 100, incrementalRatio: 1 / 50 };
const INCREMENTAL_ROUNDS = 3;
const DIMENSIONS = ["country", "device", "browser", "os", "referer"];

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

// POST /rollup until caught up: the wall time, the runs it took, the rows it read and wrote.
async function rollUpUntilCaughtUp(base, label) {
  const started = performance.now();
  let runs = 0;
  let rowsWritten = 0;
  const rows = {};
  for (;;) {
    const report = await api(base, "POST", "/api/v1/rollup");
    runs += 1;
    rowsWritten += report.rows_written;
    for (const [source, s] of Object.entries(report.sources)) rows[source] = (rows[source] ?? 0) + s.rows;
    process.stdout.write(
      `\r  ${label}: run ${runs}, ${Object.entries(rows)
        .map(([source, n]) => `${source} ${fmt.int(n)}`)
        .join(", ")}   `,
    );
    if (report.caught_up) break;
  }
  process.stdout.write("\n");
  const rowsRead = Object.values(rows).reduce((a, b) => a + b, 0);
  return { ms: performance.now() - started, runs, rows, rowsRead, rowsWritten };
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const getAsAdmin = async (base, path) => {
  const res = await fetch(new URL(path, base), { headers: { Authorization: `Bearer ${ADMIN_API_KEY}` } });
  return { status: res.status, body: await res.text() };
};

// `calls` rounds of one GET of each path, one after another, interleaved so that noise on the
// shared cores hits every path alike; after warm-up calls. Each answer must be 200.
async function timeGets(base, paths, calls) {
  const live = [];
  for (const [name, path] of Object.entries(paths)) {
    const first = await getAsAdmin(base, path);
    if (first.status !== 200) throw new Error(`GET ${path} -> ${first.status}: ${first.body.slice(0, 300)}`);
    live.push({ name, path, times: [], body: JSON.parse(first.body) });
  }
  for (let i = 1; i < WARMUP_CALLS; i++) for (const p of live) await getAsAdmin(base, p.path);
  for (let i = 0; i < calls; i++) {
    for (const p of live) {
      const t = performance.now();
      const res = await getAsAdmin(base, p.path);
      p.times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`GET ${p.path} -> ${res.status}`);
    }
  }
  const out = {};
  for (const p of live) {
    p.times.sort((a, b) => a - b);
    out[p.name] = { p50: percentile(p.times, 50), p95: percentile(p.times, 95), body: p.body };
  }
  return out;
}

// The reads' heaviest queries, copied from src/summaries (keep them in step), sent straight to D1
// from here: the median of 20 runs (including one round trip through miniflare's proxy, measured
// alone as "SELECT 1") and the query plan. The summary's rollup query on the per-link table and on
// the per-influencer one it reads; the timeseries' post growth (kept per day as snapshots arrive);
// the breakdown by country.
const POST_FIELDS = ["impressions", "reach", "views", "likes", "comments", "shares", "saves"];
const rollupQuery = (from) =>
  `SELECT influencer_id, SUM(clicks), SUM(unique_clicks), SUM(bot_clicks), SUM(leads), SUM(conversions),
          SUM(revenue), SUM(refunds)
   FROM ${from} WHERE campaign_id = ?1 AND day >= ?2 AND day <= ?3 GROUP BY influencer_id`;
const POST_GROWTH_QUERY = `SELECT day, ${POST_FIELDS.map((f) => `SUM(${f})`).join(", ")}
  FROM post_growth_daily WHERE campaign_id = ?1 AND day >= ?2 AND day <= ?3 GROUP BY day`;
const BREAKDOWN_QUERY = `SELECT value, SUM(clicks), SUM(unique_clicks), SUM(conversions), SUM(revenue)
  FROM rollup_breakdown_campaign_daily
  WHERE campaign_id = ?1 AND dimension = 'country' AND day >= ?2 AND day <= ?3
  GROUP BY value ORDER BY value = '', 2 DESC, value`;

async function readQueries(db, campaignId) {
  const rows = [["query", "median", "plan"]];
  for (const [label, sql] of [
    ["SELECT 1 (round trip)", "SELECT ?1, ?2, ?3"],
    ["summary, on rollup_daily", rollupQuery("rollup_daily")],
    ["summary, on rollup_influencer_daily", rollupQuery("rollup_influencer_daily")],
    ["timeseries, post growth", POST_GROWTH_QUERY],
    ["breakdown by country", BREAKDOWN_QUERY],
  ]) {
    const bound = (prefix = "") => db.prepare(`${prefix}${sql}`).bind(campaignId, "0000-00-00", "9999-99-99");
    const times = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await bound().all();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const plan = await bound("EXPLAIN QUERY PLAN ").all();
    rows.push([label, fmt.ms(percentile(times, 50)), plan.results.map((r) => r.detail).join("; ")]);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Setup through the API

// POST /campaigns with a time zone while the API takes one; without, once it refuses the field.
async function createCampaigns(base, start) {
  let timezones = true;
  const created = [];
  for (const c of CAMPAIGNS) {
    const body = {
      name: c.name,
      objective: "sales",
      currency: c.currency,
      starts_at: new Date(start).toISOString(),
    };
    let campaign;
    if (timezones) {
      const res = await fetch(new URL("/api/v1/campaigns", base), {
        method: "POST",
        headers: { Authorization: `Bearer ${ADMIN_API_KEY}`, "Content-Type": "application/json" },
        body: JSON.stringify({ ...body, timezone: c.timezone }),
      });
      if (res.ok) campaign = await res.json();
      else if (res.status === 400 || res.status === 422) timezones = false;
      else throw new Error(`POST /campaigns -> ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    campaign ??= await api(base, "POST", "/api/v1/campaigns", body);
    created.push({ ...c, id: campaign.id, timezone: timezones ? (campaign.timezone ?? c.timezone) : "UTC" });
  }
  return { campaigns: created, timezones };
}

// Influencers, each campaign's links (the measured campaign's first, so they are bench_links'
// first numbers), a promo code and posts per influencer and campaign.
async function createCatalogue(base, campaigns, start) {
  const influencers = [];
  for (let n = 0; n < COUNTS.influencers; n++) {
    influencers.push(
      await api(base, "POST", "/api/v1/influencers", {
        handle: `bench_${n}`,
        platform: ["instagram", "tiktok", "youtube"][n % 3],
        followers: 5_000 + ((n * 7919) % 100) * 5_000,
      }),
    );
  }
  const enrolments = [];
  campaigns.forEach((campaign, c) => {
    const [count, links] =
      c === 0
        ? [COUNTS.influencers, COUNTS.linksPerInfluencer]
        : [COUNTS.otherInfluencers, COUNTS.otherLinksPerInfluencer];
    for (let k = 0; k < count; k++) {
      // The other campaigns' influencers overlap partly with each other's.
      const n = c === 0 ? k : (k + (c - 1) * Math.ceil(count / 2)) % COUNTS.influencers;
      enrolments.push({ c, campaign, influencer: influencers[n], n, links });
    }
  });
  let done = 0;
  for (const { c, campaign, influencer, n, links } of enrolments) {
    for (let k = 0; k < links; k++) {
      await api(base, "POST", "/api/v1/links", {
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        url: `https://shop.example/p/${k}`,
      });
    }
    await api(base, "POST", "/api/v1/codes", {
      code: `B${c}X${n}`,
      campaign_id: campaign.id,
      influencer_id: influencer.id,
    });
    for (let p = 0; p < COUNTS.postsPerEnrolment; p++) {
      await api(base, "POST", "/api/v1/posts", {
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        url: `https://social.example/${influencer.handle}/${c}-${p}`,
        published_at: new Date(start + ((n * 7 + p * 29 + c * 3) % 80) * DAY_MS + DAY_MS / 2).toISOString(),
      });
    }
    process.stdout.write(`\r  enrolments ${++done} / ${enrolments.length}   `);
  }
  process.stdout.write("\n");
}

// ---------------------------------------------------------------------------------------------

const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const sumRows = (rows, field) => rows.reduce((sum, r) => sum + r[field], 0);

// Rows a campaign's reads cover, per table: what their time follows.
async function rowsCovered(db, campaignId) {
  const count = async (sql) => (await db.prepare(sql).bind(campaignId).first()).n;
  return {
    rollup_influencer_daily: await count(
      "SELECT COUNT(*) AS n FROM rollup_influencer_daily WHERE campaign_id = ?1",
    ),
    rollup_daily: await count("SELECT COUNT(*) AS n FROM rollup_daily WHERE campaign_id = ?1"),
    rollup_breakdown_daily_by_country: await count(
      "SELECT COUNT(*) AS n FROM rollup_breakdown_daily WHERE campaign_id = ?1 AND dimension = 'country'",
    ),
    rollup_breakdown_daily: await count(
      "SELECT COUNT(*) AS n FROM rollup_breakdown_daily WHERE campaign_id = ?1",
    ),
    posts: await count("SELECT COUNT(*) AS n FROM posts WHERE campaign_id = ?1"),
    post_metrics: await count(
      "SELECT COUNT(*) AS n FROM post_metrics m JOIN posts p ON p.id = m.post_id WHERE p.campaign_id = ?1",
    ),
  };
}

// The figures read must be the generated rows: every click, lead and sale of the campaign, and
// every breakdown adding up to the summary.
async function checkFigures(db, campaignId, summary, breakdowns) {
  const raw = await db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM clicks WHERE campaign_id = ?1) AS clicks,
              (SELECT COUNT(*) FROM conversions WHERE campaign_id = ?1 AND type = 'lead') AS leads,
              (SELECT COUNT(*) FROM conversions WHERE campaign_id = ?1 AND type = 'sale') AS sales`,
    )
    .bind(campaignId)
    .first();
  const t = summary.totals;
  const problems = [];
  if (t.clicks + t.bot_clicks !== raw.clicks)
    problems.push(`summary clicks + bot clicks ${t.clicks + t.bot_clicks}, generated ${raw.clicks}`);
  if (t.leads !== raw.leads) problems.push(`summary leads ${t.leads}, generated ${raw.leads}`);
  if (t.conversions !== raw.sales)
    problems.push(`summary conversions ${t.conversions}, generated ${raw.sales}`);
  for (const [by, body] of Object.entries(breakdowns)) {
    for (const field of ["clicks", "unique_clicks", "conversions", "revenue"]) {
      if (sumRows(body.rows, field) !== t[field])
        problems.push(`breakdown by ${by}: ${field} ${sumRows(body.rows, field)}, summary ${t[field]}`);
    }
  }
  return { raw, problems };
}

const session = createSession();
let failed = false;
try {
  const { tmp, instances } = session;
  console.log(
    `Rollup benchmark, scale ${SCALE}: ${fmt.int(COUNTS.clicks)} clicks and ${fmt.int(COUNTS.sales)} sales over ${DAYS} days, ` +
      `${CAMPAIGNS.length} campaigns, ${COUNTS.influencers} influencers, the measured campaign's ` +
      `${fmt.int(COUNTS.influencers * COUNTS.linksPerInfluencer)} links`,
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

  // The history ends where the incremental rounds begin, one day each, the last ending now.
  const now = Date.now();
  const end = now - INCREMENTAL_ROUNDS * DAY_MS;
  const start = end - DAYS * DAY_MS;

  // 1. Through the API.
  step("creating campaigns, influencers, links, codes and posts through the API…");
  const { campaigns, timezones } = await createCampaigns(url, start);
  const main = campaigns[0];
  console.log(
    timezones
      ? `  time zones: ${campaigns.map((c) => `${c.name} ${c.timezone}`).join(", ")}`
      : "  time zones: POST /campaigns does not take `timezone` yet; every campaign is in UTC",
  );
  await createCatalogue(url, campaigns, start);

  // 2. The history, in SQL.
  step("loading the history into D1…");
  const loadStarted = performance.now();
  await createBenchTables(db, { from: start - 2 * DAY_MS, to: Date.now() + 2 * DAY_MS });
  const mainLinks = (
    await db.prepare("SELECT COUNT(*) AS n FROM links WHERE campaign_id = ?1").bind(main.id).first()
  ).n;
  const otherLinks = (await maxRowid(db, "bench_links")) - mainLinks;
  await db.prepare(INSERT_POST_SNAPSHOTS).bind(now).run();
  await db.prepare(SET_POST_LEVELS).run();
  await datePostSnapshots(db);
  await db.prepare(INSERT_FOLLOWER_SNAPSHOTS).bind(start, now).run();
  const history = await generateTraffic(db, {
    label: "history",
    start,
    span: DAYS * DAY_MS,
    firstClick: 0,
    clicks: COUNTS.clicks,
    firstSale: 0,
    sales: COUNTS.sales,
    mainLinks,
    otherLinks,
  });
  const loaded = {
    ...history,
    click_uniques: await maxRowid(db, "click_uniques"),
    post_metrics: await maxRowid(db, "post_metrics"),
    follower_snapshots: await maxRowid(db, "follower_snapshots"),
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

  // 4. (b) About 10,000 new events, then an incremental rollup; three rounds (the next day's
  // events each time), the median, since one short run is at the mercy of the shared cores.
  const rounds = [];
  for (let round = 0; round < INCREMENTAL_ROUNDS; round++) {
    step(`(b) round ${round + 1}: the next day's events, then the rollup again…`);
    const events = await generateTraffic(db, {
      label: "new",
      start: end + round * DAY_MS,
      span: DAY_MS,
      firstClick: COUNTS.clicks + round * COUNTS.newClicks,
      clicks: COUNTS.newClicks,
      firstSale: COUNTS.sales + round * COUNTS.newSales,
      sales: COUNTS.newSales,
      mainLinks,
      otherLinks,
    });
    rounds.push({ events, ...(await rollUpUntilCaughtUp(url, "incremental")) });
  }
  const incremental = [...rounds].sort((x, y) => x.ms - y.ms)[Math.floor(rounds.length / 2)];
  const newEvents = Object.values(incremental.events).reduce((a, b) => a + b, 0);
  const ratio = incremental.ms / full.ms;

  // 5. (c) Reads.
  const campaignPath = (c) => `/api/v1/campaigns/${c.id}`;
  const monthProbe = await getAsAdmin(url, `${campaignPath(main)}/timeseries?interval=month`);
  // Answered, and not by days (an API that echoes no interval counts as answering it).
  const monthly = monthProbe.status === 200 && JSON.parse(monthProbe.body).interval !== "day";
  const readPaths = {
    baseline: campaignPath(main),
    summary: `${campaignPath(main)}/summary`,
    "timeseries day": `${campaignPath(main)}/timeseries?interval=day`,
    ...(monthly ? { "timeseries month": `${campaignPath(main)}/timeseries?interval=month` } : {}),
    ...Object.fromEntries(
      DIMENSIONS.map((by) => [`breakdown ${by}`, `${campaignPath(main)}/breakdown?by=${by}`]),
    ),
  };
  step(`(c) ${Object.keys(readPaths).length} reads of the measured campaign, ${CALLS} calls each…`);
  const loadBeforeReads = loadavg()[0];
  const reads = await timeGets(url, readPaths, CALLS);
  // The machine's load while the reads ran: on shared cores it moves the tail more than the code.
  const loadDuringReads = loadavg()[0];
  const { baseline, summary } = reads;
  const breakdownBodies = Object.fromEntries(DIMENSIONS.map((by) => [by, reads[`breakdown ${by}`].body]));
  const check = await checkFigures(db, main.id, summary.body, breakdownBodies);

  // 6. (d) Growth: fewer days, and a campaign with a fifth of the influencers.
  // ISO instants: every version of the API takes them (days as YYYY-MM-DD came with periods).
  const lastDays = (n) =>
    `from=${utcDay(now - (n - 1) * DAY_MS)}T00:00:00.000Z&to=${new Date(now).toISOString()}`;
  const small = campaigns[1];
  const growthPaths = {};
  for (const [label, c, period] of [
    ["30 days", main, lastDays(30)],
    ["60 days", main, lastDays(60)],
    [`all, ${COUNTS.otherInfluencers} influencers`, small, ""],
  ]) {
    growthPaths[`summary, ${label}`] = `${campaignPath(c)}/summary?${period}`;
    growthPaths[`timeseries day, ${label}`] = `${campaignPath(c)}/timeseries?interval=day&${period}`;
    growthPaths[`breakdown country, ${label}`] = `${campaignPath(c)}/breakdown?by=country&${period}`;
  }
  step(`(d) growth: ${Object.keys(growthPaths).length} reads, ${GROWTH_CALLS} calls each…`);
  const growth = await timeGets(url, growthPaths, GROWTH_CALLS);
  const covered = { main: await rowsCovered(db, main.id), small: await rowsCovered(db, small.id) };
  const queries = await readQueries(db, main.id);
  const mem = memory.stop();

  // 7. Report.
  console.log(
    `\nthe measured campaign: ${fmt.int(check.raw.clicks)} clicks, ${fmt.int(check.raw.leads)} leads, ` +
      `${fmt.int(check.raw.sales)} sales (of ${fmt.int(loaded.clicks + INCREMENTAL_ROUNDS * COUNTS.newClicks)} clicks in all), ` +
      `time zone ${main.timezone}${timezones ? "" : " (not yet settable)"}`,
  );
  console.log(
    `\n${table([
      ["", "wall time", "runs", "rows read", "rows written"],
      ["(a) full rollup", fmt.ms(full.ms), full.runs, fmt.int(full.rowsRead), fmt.int(full.rowsWritten)],
      [
        `(b) incremental, ${fmt.int(newEvents)} events (median of ${INCREMENTAL_ROUNDS})`,
        fmt.ms(incremental.ms),
        incremental.runs,
        fmt.int(incremental.rowsRead),
        fmt.int(incremental.rowsWritten),
      ],
    ])}`,
  );
  console.log(
    `(b) rounds: ${rounds.map((r) => fmt.ms(Math.round(r.ms))).join(", ")}; new events ${Object.entries(
      incremental.events,
    )
      .map(([k, n]) => `${k} ${fmt.int(n)}`)
      .join(", ")}`,
  );
  const readRows = [["", "p50", "p95", "p95 ÷ baseline"]];
  for (const [name, r] of Object.entries(reads)) {
    readRows.push([name, fmt.ms(r.p50), fmt.ms(r.p95), fmt.ratio(r.p95 / baseline.p95)]);
  }
  console.log(`\n${table(readRows)}`);
  console.log(
    `(baseline: GET /campaigns/:id, one row read, interleaved call by call with the others; load average ` +
      `${loadBeforeReads.toFixed(1)} before, ${loadDuringReads.toFixed(1)} after, on ${runContext().machine.cpus} cores)`,
  );
  if (!monthly)
    console.log(`timeseries month: not available yet (interval=month answered ${monthProbe.status})`);

  const growthRows = [["", "p50", "p95"]];
  for (const [name, r] of Object.entries(growth)) growthRows.push([name, fmt.ms(r.p50), fmt.ms(r.p95)]);
  console.log(`\ngrowth (${GROWTH_CALLS} calls each):\n${table(growthRows)}`);
  console.log(
    `\nrows covered:\n${table([
      ["", "measured campaign", `${COUNTS.otherInfluencers}-influencer campaign`],
      ...Object.keys(covered.main).map((k) => [k, fmt.int(covered.main[k]), fmt.int(covered.small[k])]),
    ])}`,
  );
  console.log(`\nthe reads' queries, straight to D1:\n${table(queries)}`);
  console.log(
    `\nmemory: workerd peak RSS ${mem.workerdHighWaterMiB.toFixed(0)} MiB (VmHWM; sampled every 250 ms: ${mem.workerdPeakSampledMiB.toFixed(0)} MiB), node peak RSS ${mem.nodePeakMiB.toFixed(0)} MiB`,
  );
  console.log(`worker logs: ${workerLogs.summary()}`);

  const worstBreakdown = Math.max(...DIMENSIONS.map((by) => reads[`breakdown ${by}`].p95));
  const targets = [
    [`(b) ÷ (a) = 1/${Math.round(1 / ratio)}, at most 1/50`, ratio <= TARGETS.incrementalRatio],
    [
      `summary p95 ${fmt.ms(summary.p95)}, at most ${TARGETS.summaryP95} ms`,
      summary.p95 <= TARGETS.summaryP95,
    ],
    [
      `timeseries day p95 ${fmt.ms(reads["timeseries day"].p95)}, at most ${TARGETS.timeseriesP95} ms`,
      reads["timeseries day"].p95 <= TARGETS.timeseriesP95,
    ],
    ...(monthly
      ? [
          [
            `timeseries month p95 ${fmt.ms(reads["timeseries month"].p95)}, at most ${TARGETS.timeseriesP95} ms`,
            reads["timeseries month"].p95 <= TARGETS.timeseriesP95,
          ],
        ]
      : []),
    [
      `breakdown p95 ${fmt.ms(worstBreakdown)} (the slowest dimension), at most ${TARGETS.breakdownP95} ms`,
      worstBreakdown <= TARGETS.breakdownP95,
    ],
  ];
  console.log(`\ntargets:\n${targets.map(([label, pass]) => `  ${mark(pass)}  ${label}`).join("\n")}`);
  if (!monthly) console.log("  n/a   timeseries month: not available yet");
  for (const problem of check.problems) console.log(`  CHECK FAILED  ${problem}`);

  writeResults("rollup", {
    ...runContext(),
    scale: SCALE,
    counts: COUNTS,
    timezones,
    campaigns: campaigns.map(({ name, currency, timezone }) => ({ name, currency, timezone })),
    loaded,
    measured: check.raw,
    full,
    incremental,
    incrementalRounds: rounds.map((r) => ({ ms: r.ms, events: r.events })),
    ratio,
    reads: Object.fromEntries(Object.entries(reads).map(([name, r]) => [name, { p50: r.p50, p95: r.p95 }])),
    monthly,
    growth: Object.fromEntries(Object.entries(growth).map(([name, r]) => [name, { p50: r.p50, p95: r.p95 }])),
    covered,
    queries,
    load: { beforeReads: loadBeforeReads, afterReads: loadDuringReads },
    memory: mem,
    targets: targets.map(([label, pass]) => ({ label, pass })),
    problems: check.problems,
  });
  if (check.problems.length > 0) {
    console.error("\nthe figures read do not match the generated rows");
    process.exitCode = 1;
  } else if (targets.some(([, pass]) => !pass)) {
    failed = true;
  }
} finally {
  await session.dispose();
}
if (failed && !reportOnly) {
  console.error("\na target failed (--report-only to report without failing)");
  process.exitCode = 1;
}
