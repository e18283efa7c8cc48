#!/usr/bin/env node
// Load test: does every answer the Worker gives under load end up counted exactly once, in the raw
// tables and in the campaign summaries?
//
//   npm run test:load -- [--clicks 100000] [--connections 32] [--links 200] [--influencers 10]
//                        [--orders 2000] [--order-connections 8] [--duration 600] [--drain-timeout 180]
//                        [--seed 1] [--bundle path/to/index.js] [--direct]
//                        [--url http://localhost:8787 --admin-key dev-admin-key [--d1-file path.sqlite]]
//
// What it does
// - Without --url: builds the Worker as it is deployed and runs it in workerd through miniflare's
//   API with the wrangler.toml bindings, a fresh migrated D1 and the real queue consumers (see
//   bench/lib/harness.mjs). With --url: a Worker
//   already running on this machine (e.g. `npm start`), only localhost; its local D1 file (found
//   under .wrangler/state, or --d1-file) is read, read-only, for the checks.
// - Seeds, through the API: 2 campaigns (EUR, USD), --influencers influencers, --links links
//   spread over both campaigns and every influencer, one promo code per campaign × influencer, and
//   a checkout key. Names carry a run tag, so a --url run sits beside whatever the database already
//   holds, and every count below is scoped to this run's campaigns.
// - Clicks: --clicks requests over --connections keep-alive connections, to links chosen with a
//   skew (a few hot links, a long tail), from visitors with their own address (CF-Connecting-IP) and
//   user agent: 85% browsers, 13% bots (isbot's list), 2% no user agent; 3% are HEAD requests
//   (link checkers: a 302 without a click id, counted as a bot click; workers/redirect.ts logs
//   them like a GET). At the same time, --orders redemptions over --order-connections: each order
//   once; every 10th also sent twice at once (racing duplicates: one 201, one 200); every 10th
//   replayed later (200, the same record); every 50th re-sent with another amount (409); every
//   10th half refunded (201), every 50th refund replayed (200) and one more refund past the
//   order's amount (422). No redemption is refused on purpose (a conflict is not a refused
//   attempt, an over-refund is a refund) and every order has its own customer_id, so the buyers'
//   throttle, which counts refused attempts per customer_id, is never reached: a 429 fails the
//   expected answers, and a refused attempt the check "no redemption refused or throttled".
// - The load generator counts its own answers (by method and status, per link, and the click ids
//   handed out); nothing is inferred from the Worker's side.
// - Then it waits for the queue to drain (polls D1 until this run's click rows equal the 302s
//   answered, or --drain-timeout), runs POST /api/v1/rollup until caught_up, and checks:
//   click rows = GET 302s + HEAD 302s, per link too, every click id handed out is a row, bot and
//   human rows as sent; every order answered 201 exactly once and its duplicates as expected,
//   conversions rows = those orders, none twice, each code's count = its conversions, refunds as
//   answered; per campaign, the summary's clicks, bot_clicks, unique_clicks, conversions,
//   revenue and refunds = the same figures computed here by SQL from the raw tables = what the
//   load generator was answered; no 5xx, no connection error, no dead letter.
// - Prints throughput, the counts side by side, what one click row costs in storage (SQLite's
//   dbstat) and the rates D1 wrote at, then PASS or FAIL. Exit code 1 on any mismatch.
//
// The clicks and the redemptions run at the same time on the same (2-core) machine as workerd,
// D1 and the queue consumer, so each throughput is measured under the other's load.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  ADMIN_API_KEY,
  api,
  buildWorker,
  createSession,
  createWorkerLogs,
  fmt,
  mark,
  parseBenchArgs,
  ROOT,
  runContext,
  sleep,
  startSwaylineWorker,
  step,
  table,
  writeResults,
} from "./lib/harness.mjs";
import { clickLoad, clickMix, orderOf, redemptionLoad, requestsForOrders } from "./lib/load-traffic.mjs";

// ---------------------------------------------------------------------------------------------
// Arguments

const USAGE = `Usage: npm run test:load -- [options]
  --clicks <n>=100000          short-link requests (GET and HEAD)
  --connections <n>=32         concurrent connections for the clicks
  --links <n>=200              links, over 2 campaigns and every influencer
  --influencers <n>=10         influencers (each gets links and a code in both campaigns)
  --orders <n>=2000            distinct orders redeemed (plus duplicates, conflicts and refunds)
  --order-connections <n>=8    concurrent connections for the redemptions
  --duration <s>=600           cap on the load phase: sending stops then, the checks still run
  --drain-timeout <s>=180      how long to wait for the queue to write every click
  --seed <n>=1                 seed of the traffic mix
  --bundle <index.js>          a prebuilt bundle (skip the build)
  --direct                     load each Worker's own socket (no miniflare entry Worker)
  --url <http://localhost:…>   test a Worker already running on this machine (e.g. npm start)
  --admin-key <key>            its admin key (default dev-admin-key with --url)
  --d1-file <path>             its local D1 SQLite file (default: the one under .wrangler/state)`;

const {
  args,
  duration: DURATION,
  connections: CONNECTIONS,
  direct: DIRECT,
} = parseBenchArgs(USAGE, {
  duration: { type: "string", default: "600" },
  connections: { type: "string", default: "32" },
  clicks: { type: "string", default: "100000" },
  links: { type: "string", default: "200" },
  influencers: { type: "string", default: "10" },
  orders: { type: "string", default: "2000" },
  "order-connections": { type: "string", default: "8" },
  "drain-timeout": { type: "string", default: "180" },
  seed: { type: "string", default: "1" },
  url: { type: "string" },
  "admin-key": { type: "string" },
  "d1-file": { type: "string" },
});

function positive(name, min = 1) {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer >= ${min}, got ${JSON.stringify(args[name])}`);
    process.exit(2);
  }
  return n;
}
const CLICKS = positive("clicks");
const LINKS = positive("links", 2);
const INFLUENCERS = positive("influencers");
const ORDERS = positive("orders", 0);
const ORDER_CONNECTIONS = positive("order-connections");
const DRAIN_TIMEOUT_MS = positive("drain-timeout") * 1000;
const SEED = positive("seed", 0);

let TARGET_URL = null;
if (args.url) {
  TARGET_URL = new URL(args.url);
  // Only this machine: the load is far beyond what anyone else's server should get unasked.
  if (!["localhost", "127.0.0.1", "[::1]"].includes(TARGET_URL.hostname)) {
    console.error(`--url must be on localhost, got ${TARGET_URL.hostname}`);
    process.exit(2);
  }
}
const ADMIN_KEY = args["admin-key"] ?? (TARGET_URL ? "dev-admin-key" : ADMIN_API_KEY);

// ---------------------------------------------------------------------------------------------
// Reading D1: the binding (miniflare) or, with --url, the local SQLite file, read-only.

function d1Reader(binding) {
  return {
    all: async (sql, ...params) =>
      (
        await binding
          .prepare(sql)
          .bind(...params)
          .all()
      ).results,
  };
}

function sqliteReader(file) {
  const sqlite = new DatabaseSync(file, { readOnly: true });
  // The Worker writes while this reads.
  sqlite.exec("PRAGMA busy_timeout = 5000");
  return { all: async (sql, ...params) => sqlite.prepare(sql).all(...params), sqlite };
}

const D1_STATE_DIR = "d1/miniflare-D1DatabaseObject";

// The one SQLite file of a D1 database kept by miniflare (or wrangler dev) under `stateDir`.
function findD1File(stateDir) {
  const dir = join(stateDir, D1_STATE_DIR);
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (files.length !== 1) return null;
  return join(dir, files[0]);
}

async function first(db, sql, ...params) {
  return (await db.all(sql, ...params))[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Seeding

// Runs `fn` over `items`, `width` at a time, in order of start.
async function inParallel(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

async function seed(base, tag) {
  const call = (method, path, body) => api(base, method, `/api/v1${path}`, body, ADMIN_KEY);
  const campaigns = await inParallel(
    [
      { name: `Load ${tag} EUR`, currency: "EUR" },
      { name: `Load ${tag} USD`, currency: "USD" },
    ],
    2,
    (c) => call("POST", "/campaigns", { name: c.name, objective: "sales", currency: c.currency }),
  );
  const influencers = await inParallel(
    Array.from({ length: INFLUENCERS }, (_, i) => i),
    4,
    (i) => call("POST", "/influencers", { handle: `load_${tag}_${i}`, platform: "instagram" }),
  );
  // Link i: campaign i mod 2, influencer (i div 2) mod n: every influencer has links in both.
  const links = await inParallel(
    Array.from({ length: LINKS }, (_, i) => i),
    4,
    async (i) => {
      const campaign = campaigns[i % 2];
      const influencer = influencers[Math.floor(i / 2) % INFLUENCERS];
      const link = await call("POST", "/links", {
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        url: `https://shop.example/p/${i}`,
      });
      return { id: link.id, slug: link.slug, campaignId: campaign.id };
    },
  );
  const pairs = campaigns.flatMap((campaign) => influencers.map((influencer) => ({ campaign, influencer })));
  const codes = await inParallel(pairs, 4, async ({ campaign, influencer }, i) => {
    const code = await call("POST", "/codes", {
      code: `L${tag}C${i}`.toUpperCase(),
      campaign_id: campaign.id,
      influencer_id: influencer.id,
    });
    return { id: code.id, code: code.code, campaignId: campaign.id, currency: campaign.currency };
  });
  const { key } = await call("POST", "/keys", { scope: "checkout", name: `load ${tag}` });
  return { campaigns, influencers, links, codes, key };
}

// ---------------------------------------------------------------------------------------------
// Waiting for the queue, the rollup

async function clickRows(db, campaignIds) {
  const row = await first(
    db,
    "SELECT COUNT(*) AS n FROM clicks WHERE campaign_id IN (SELECT value FROM json_each(?1))",
    JSON.stringify(campaignIds),
  );
  return Number(row.n);
}

// Polls until this run's click rows equal `expected` and stay so for a second poll, or the timeout.
async function waitForClicks(db, campaignIds, expected) {
  const started = Date.now();
  let rows = await clickRows(db, campaignIds);
  let lastReport = Date.now();
  let lastRows = rows;
  let equalSince = null;
  while (Date.now() - started < DRAIN_TIMEOUT_MS) {
    if (rows === expected) {
      equalSince ??= Date.now();
      if (Date.now() - equalSince >= 2000) break;
    } else equalSince = null;
    await sleep(500);
    rows = await clickRows(db, campaignIds);
    if (Date.now() - lastReport >= 3000) {
      const rate = ((rows - lastRows) * 1000) / (Date.now() - lastReport);
      console.log(`  ${fmt.int(rows)} of ${fmt.int(expected)} click rows in D1 (+${fmt.rps(rate)}/s)`);
      lastReport = Date.now();
      lastRows = rows;
    }
  }
  return { rows, seconds: (Date.now() - started) / 1000 };
}

async function rollUp(base) {
  const started = performance.now();
  const runs = [];
  for (let i = 0; i < 100; i++) {
    const report = await api(base, "POST", "/api/v1/rollup", undefined, ADMIN_KEY);
    runs.push(report);
    if (report.caught_up) break;
    // Another run holds the rollup's lease (a cron run, with --url): let it finish.
    if (report.skipped) await sleep(1000);
  }
  return { runs, seconds: (performance.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// The figures, three ways: the generator's answers, SQL over the raw tables, the summary

const FIGURES = ["clicks", "bot_clicks", "unique_clicks", "conversions", "revenue", "refunds"];

// Straight from the contract's definitions: a unique click is the first human click of a visitor
// hash on a link in a UTC day, so it is counted here as distinct (link, day, visitor) over the
// human rows of `clicks`, not read from click_uniques.
async function rawFigures(db, campaignId) {
  const clicks = await first(
    db,
    `SELECT COALESCE(SUM(is_bot = 0), 0) AS clicks, COALESCE(SUM(is_bot = 1), 0) AS bot_clicks,
            (SELECT COUNT(*) FROM (SELECT DISTINCT link_id, day, visitor_hash FROM clicks
                                   WHERE campaign_id = ?1 AND is_bot = 0)) AS unique_clicks
       FROM clicks WHERE campaign_id = ?1`,
    campaignId,
  );
  const sales = await first(
    db,
    `SELECT COUNT(*) AS conversions, COALESCE(SUM(amount), 0) AS revenue
       FROM conversions WHERE campaign_id = ?1 AND type = 'sale'`,
    campaignId,
  );
  const refunds = await first(
    db,
    "SELECT COALESCE(SUM(amount), 0) AS refunds FROM refunds WHERE campaign_id = ?1",
    campaignId,
  );
  return Object.fromEntries(FIGURES.map((f) => [f, Number({ ...clicks, ...sales, ...refunds }[f])]));
}

// What the generator was answered, per campaign (unique clicks are decided by the Worker's
// visitor hash, which the generator cannot compute: null).
function answeredFigures(campaignId, clicks, redemptions, links, orders) {
  const linkCampaign = new Map(links.map((l) => [l.id, l.campaignId]));
  let linkClicks = 0;
  for (const [linkId, n] of clicks.perLink) if (linkCampaign.get(linkId) === campaignId) linkClicks += n;
  const campaignOrders = orders.filter(
    (o) => o.code.campaignId === campaignId && redemptions.created.has(o.orderId),
  );
  return {
    clicks_and_bots: linkClicks,
    conversions: campaignOrders.length,
    revenue: campaignOrders.reduce((sum, o) => sum + o.body.amount, 0),
    refunds: redemptions.refunded.get(campaignId) ?? 0,
  };
}

// Storage per click, from SQLite's dbstat over the database file: table and index pages.
function storage(file) {
  const { sqlite } = sqliteReader(file);
  try {
    const sizes = Object.fromEntries(
      sqlite
        .prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name")
        .all()
        .map((r) => [r.name, Number(r.bytes)]),
    );
    const indexes = sqlite
      .prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index'")
      .all()
      .filter((r) => r.tbl_name === "clicks" || r.tbl_name === "click_uniques");
    const bytesOf = (table) =>
      (sizes[table] ?? 0) +
      indexes.filter((i) => i.tbl_name === table).reduce((sum, i) => sum + (sizes[i.name] ?? 0), 0);
    const count = (table) => Number(sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get().n);
    return {
      file: { bytes: statSync(file).size },
      clicks: { rows: count("clicks"), tableBytes: sizes.clicks ?? 0, withIndexesBytes: bytesOf("clicks") },
      clickUniques: { rows: count("click_uniques"), withIndexesBytes: bytesOf("click_uniques") },
      byName: sizes,
    };
  } finally {
    sqlite.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The run

const session = createSession();
let exitCode = 0;
const workerLogs = createWorkerLogs();

try {
  // 1. The Worker: built and started here, or the one at --url.
  let base;
  let db;
  let d1File = null;
  if (TARGET_URL) {
    base = TARGET_URL;
    d1File = args["d1-file"] ?? findD1File(join(ROOT, ".wrangler/state/v3"));
    if (!d1File) {
      throw new Error(
        "no local D1 file found under .wrangler/state/v3 (or more than one): pass --d1-file <path>.sqlite",
      );
    }
    db = sqliteReader(d1File);
    step(`testing ${base.origin}; reading D1 from ${d1File}`);
  } else {
    const { bundlePath, bundle } = buildWorker(session.tmp, args.bundle);
    step("starting the Swayline Worker in workerd (miniflare), fresh D1…");
    const persistDir = join(session.tmp, "state-swayline");
    const worker = await startSwaylineWorker({
      instances: session.instances,
      persistDir,
      bundlePath,
      bundle,
      entryContents: 'export { default } from "./index.js";\n',
      logs: workerLogs,
      direct: DIRECT,
    });
    base = DIRECT ? await worker.mf.unsafeGetDirectURL("swayline") : worker.url;
    db = d1Reader(worker.db);
    d1File = findD1File(persistDir);
    step(`Swayline Worker listening on ${base.origin}`);
  }

  // 2. Seed.
  // Names of this run (handles and codes are unique in a database that --url may share).
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  step(
    `seeding run ${tag}: 2 campaigns, ${INFLUENCERS} influencers, ${LINKS} links, ` +
      `${2 * INFLUENCERS} codes through the API…`,
  );
  const seeded = await seed(base, tag);
  const campaignIds = seeded.campaigns.map((c) => c.id);
  const orders = Array.from({ length: ORDERS }, (_, o) => orderOf(o, tag, seeded.codes, seeded.key));
  step(`1 checkout key, about ${fmt.int(requestsForOrders(ORDERS))} redemption and refund requests`);

  // 3. Load: clicks and redemptions at the same time.
  step(
    `load: ${fmt.int(CLICKS)} clicks over ${CONNECTIONS} connections to ${LINKS} links, and ` +
      `${fmt.int(ORDERS)} orders over ${ORDER_CONNECTIONS} connections (cap ${DURATION} s)…`,
  );
  const loadStarted = Date.now();
  const deadline = loadStarted + DURATION * 1000;
  const orderProgress = { requests: 0, done: false };
  const redemptionsPromise = redemptionLoad(base, {
    orders,
    connections: ORDER_CONNECTIONS,
    deadline,
    progress: orderProgress,
  }).then((r) => {
    orderProgress.done = true;
    return r;
  });
  const clicks = await clickLoad(base, {
    links: seeded.links,
    total: CLICKS,
    connections: CONNECTIONS,
    deadline,
    // One visitor for every 10 clicks, at least 1,000.
    nextClick: clickMix(SEED, Math.max(1000, Math.ceil(CLICKS / 10))),
    progress: (sent, ms) =>
      console.log(
        `  ${fmt.int(sent)} of ${fmt.int(CLICKS)} clicks sent (${fmt.rps((sent * 1000) / ms)}/s)` +
          (orderProgress.done
            ? ", redemptions done"
            : `, ${fmt.int(orderProgress.requests)} redemption requests sent`),
      ),
  });
  step(`clicks done in ${clicks.seconds.toFixed(1)} s; waiting for the redemptions…`);
  const redemptions = await redemptionsPromise;
  const stoppedEarly = clicks.sent < CLICKS || redemptions.ordersSent < ORDERS;
  if (stoppedEarly)
    step(
      `--duration ${DURATION} s reached: ${fmt.int(clicks.sent)} clicks, ${fmt.int(redemptions.ordersSent)} orders sent`,
    );

  // 4. The queue drains into D1.
  const expectedRows = clicks.tally.get302 + clicks.tally.head302;
  step(`waiting for the queue to write ${fmt.int(expectedRows)} click rows (GET + HEAD 302s)…`);
  const drain = await waitForClicks(db, campaignIds, expectedRows);
  step(
    drain.rows === expectedRows
      ? `queue drained in ${drain.seconds.toFixed(1)} s: ${fmt.int(drain.rows)} rows`
      : `queue NOT drained after ${drain.seconds.toFixed(1)} s: ${fmt.int(drain.rows)} of ${fmt.int(expectedRows)} rows`,
  );

  // 5. The rollup, until caught up.
  step("POST /api/v1/rollup until caught_up…");
  const rollup = await rollUp(base);
  const last = rollup.runs.at(-1);
  step(
    `rollup: ${rollup.runs.length} run(s) in ${rollup.seconds.toFixed(1)} s, caught_up ${last?.caught_up}; ` +
      Object.entries(last?.sources ?? {})
        .map(([name, s]) => `${name} ${fmt.int(s.rows)} rows`)
        .join(", ") +
      " (last run)",
  );

  // 6. Checks.
  const campaigns = JSON.stringify(campaignIds);
  const perLinkRows = new Map(
    (
      await db.all(
        "SELECT link_id, COUNT(*) AS n FROM clicks WHERE campaign_id IN (SELECT value FROM json_each(?1)) GROUP BY link_id",
        campaigns,
      )
    ).map((r) => [r.link_id, Number(r.n)]),
  );
  const linkMismatches = [...clicks.perLink].filter(([id, n]) => (perLinkRows.get(id) ?? 0) !== n);
  const botRows = await first(
    db,
    `SELECT COALESCE(SUM(is_bot = 0), 0) AS human, COALESCE(SUM(is_bot = 1), 0) AS bot
       FROM clicks WHERE campaign_id IN (SELECT value FROM json_each(?1))`,
    campaigns,
  );
  // Every click id handed out is a row (read in pages, so no single result is huge).
  const rowIds = new Set();
  for (const campaignId of campaignIds) {
    let after = "";
    for (;;) {
      const page = await db.all(
        "SELECT id FROM clicks WHERE campaign_id = ?1 AND id > ?2 ORDER BY id LIMIT 20000",
        campaignId,
        after,
      );
      for (const r of page) rowIds.add(r.id);
      if (page.length < 20000) break;
      after = page.at(-1).id;
    }
  }
  const missingClickIds = clicks.clickIds.filter((id) => !rowIds.has(id));
  const distinctClickIds = new Set(clicks.clickIds).size;

  const conversionRows = await db.all(
    `SELECT order_id, COUNT(*) AS n FROM conversions
      WHERE campaign_id IN (SELECT value FROM json_each(?1)) GROUP BY order_id`,
    campaigns,
  );
  const conversionOrderIds = new Set(conversionRows.map((r) => r.order_id));
  const ordersTwice = conversionRows.filter((r) => Number(r.n) > 1);
  const notInD1 = [...redemptions.created.keys()].filter((id) => !conversionOrderIds.has(id));
  const neverAnswered = [...conversionOrderIds].filter((id) => !redemptions.created.has(id));
  const codeCounts = await db.all(
    `SELECT p.code, p.redemptions, (SELECT COUNT(*) FROM conversions c WHERE c.code_id = p.id) AS conversions
       FROM promo_codes p WHERE p.campaign_id IN (SELECT value FROM json_each(?1))`,
    campaigns,
  );
  const codeMismatches = codeCounts.filter((c) => Number(c.redemptions) !== Number(c.conversions));
  // Refused attempts of this run (its codes are its own, with --url too).
  const refusedAttempts = Number(
    (
      await first(
        db,
        "SELECT COUNT(*) AS n FROM redemption_attempts WHERE code IN (SELECT value FROM json_each(?1))",
        JSON.stringify(seeded.codes.map((c) => c.code)),
      )
    ).n,
  );
  const throttled = Object.entries(redemptions.answers)
    .filter(([key]) => key.endsWith(" 429"))
    .reduce((sum, [, n]) => sum + n, 0);
  // Dead letters of this run (with --url the database may hold older ones).
  const deadLetters = Number(
    (await first(db, "SELECT COUNT(*) AS n FROM dead_letters WHERE received_at >= ?1", loadStarted)).n,
  );
  // A fresh database (not --url) holds this run's clicks and nothing else.
  const clicksByCampaign = await db.all(
    "SELECT campaign_id, COUNT(*) AS n, MIN(rowid) AS first, MAX(rowid) AS last FROM clicks GROUP BY campaign_id",
  );

  const perCampaign = [];
  for (const campaign of seeded.campaigns) {
    const summary = await api(base, "GET", `/api/v1/campaigns/${campaign.id}/summary`, undefined, ADMIN_KEY);
    const raw = await rawFigures(db, campaign.id);
    const answered = answeredFigures(campaign.id, clicks, redemptions, seeded.links, orders);
    perCampaign.push({ campaign, summary: summary.totals, raw, answered });
  }

  const sentOrders = redemptions.ordersSent;
  const checks = [
    [
      "no 5xx",
      redemptions.serverErrors + clicks.tally.serverErrors === 0,
      `${clicks.tally.serverErrors} on clicks, ${redemptions.serverErrors} on redemptions`,
    ],
    [
      "no connection errors",
      clicks.tally.errors + redemptions.errors === 0,
      `${clicks.tally.errors} on clicks, ${redemptions.errors} on redemptions` +
        (clicks.errorSamples.length ? ` (${clicks.errorSamples[0]})` : ""),
    ],
    [
      "every click answered 302",
      clicks.tally.get302 + clicks.tally.head302 === clicks.sent,
      `${fmt.int(clicks.tally.get302 + clicks.tally.head302)} of ${fmt.int(clicks.sent)}`,
    ],
    [
      "GET 302s carry sl_cid, HEAD 302s do not",
      clicks.tally.badLocation === 0,
      `${clicks.tally.badLocation} wrong`,
    ],
    [
      "click ids handed out are distinct",
      distinctClickIds === clicks.clickIds.length,
      `${fmt.int(distinctClickIds)} of ${fmt.int(clicks.clickIds.length)}`,
    ],
    [
      "click rows = GET 302s + HEAD 302s",
      drain.rows === expectedRows,
      `${fmt.int(drain.rows)} rows, ${fmt.int(clicks.tally.get302)} + ${fmt.int(clicks.tally.head302)} answered`,
    ],
    [
      "click rows per link = 302s per link",
      linkMismatches.length === 0,
      `${linkMismatches.length} of ${LINKS} links differ`,
    ],
    [
      "every click id handed out is a row",
      missingClickIds.length === 0,
      `${fmt.int(missingClickIds.length)} missing`,
    ],
    [
      "human / bot rows = as sent",
      Number(botRows.human) === clicks.tally.human302 && Number(botRows.bot) === clicks.tally.bot302,
      `rows ${fmt.int(Number(botRows.human))} / ${fmt.int(Number(botRows.bot))}, sent ${fmt.int(clicks.tally.human302)} / ${fmt.int(clicks.tally.bot302)} (bots: bot agents, no agent, HEAD)`,
    ],
    [
      "every order answered 201 once",
      redemptions.created.size === sentOrders && redemptions.createdAgain.length === 0,
      `${fmt.int(redemptions.created.size)} of ${fmt.int(sentOrders)} orders, ${redemptions.createdAgain.length} twice`,
    ],
    [
      "duplicates, conflicts, refunds answered as expected",
      redemptions.problems.length === 0,
      redemptions.problems.length ? redemptions.problems.slice(0, 3).join("; ") : "all",
    ],
    [
      "conversions rows = orders answered 201",
      conversionRows.length === redemptions.created.size &&
        notInD1.length === 0 &&
        neverAnswered.length === 0,
      `${fmt.int(conversionRows.length)} rows; ${notInD1.length} answered but missing, ${neverAnswered.length} never answered`,
    ],
    ["no order twice in conversions", ordersTwice.length === 0, `${ordersTwice.length}`],
    [
      "each code's redemptions = its conversions",
      codeMismatches.length === 0,
      `${codeCounts.length - codeMismatches.length} of ${codeCounts.length} codes`,
    ],
    [
      "no redemption refused or throttled",
      refusedAttempts === 0 && throttled === 0,
      `${refusedAttempts} refused attempts, ${throttled} answers 429`,
    ],
    ["rollup caught up", last?.caught_up === true, `${rollup.runs.length} run(s)`],
    ["no dead letters", deadLetters === 0, `${deadLetters}`],
    [
      "no click rows of other campaigns",
      TARGET_URL !== null || clicksByCampaign.every((r) => campaignIds.includes(r.campaign_id)),
      TARGET_URL ? "not checked with --url" : JSON.stringify(clicksByCampaign),
    ],
  ];
  for (const { campaign, summary, raw, answered } of perCampaign) {
    const differs = FIGURES.filter((f) => Number(summary[f]) !== raw[f]);
    checks.push([
      `${campaign.currency} summary totals = raw tables`,
      differs.length === 0,
      differs.length ? differs.map((f) => `${f} ${summary[f]} vs ${raw[f]}`).join(", ") : FIGURES.join(", "),
    ]);
    const answeredDiffers = [
      ["clicks + bot_clicks", raw.clicks + raw.bot_clicks, answered.clicks_and_bots],
      ["conversions", raw.conversions, answered.conversions],
      ["revenue", raw.revenue, answered.revenue],
      ["refunds", raw.refunds, answered.refunds],
    ].filter(([, a, b]) => a !== b);
    checks.push([
      `${campaign.currency} raw tables = what was answered`,
      answeredDiffers.length === 0,
      answeredDiffers.length
        ? answeredDiffers.map(([f, a, b]) => `${f} ${a} vs ${b}`).join(", ")
        : "clicks + bot_clicks, conversions, revenue, refunds",
    ]);
  }
  const pass = checks.every(([, ok]) => ok);
  if (!pass) exitCode = 1;

  // 7. Report.
  const store = d1File ? storage(d1File) : null;
  const clickRps = clicks.sent / clicks.seconds;
  const redemptionRps = redemptions.requests / redemptions.seconds;
  const writeSpan = await first(
    db,
    `SELECT MIN(received_at) AS a, MAX(received_at) AS b FROM clicks
      WHERE campaign_id IN (SELECT value FROM json_each(?1))`,
    campaigns,
  );
  const consumerSeconds = (Number(writeSpan.b) - Number(writeSpan.a)) / 1000;
  const rolledRows = rollup.runs.reduce(
    (sum, r) => sum + Object.values(r.sources).reduce((n, s) => n + s.rows, 0),
    0,
  );

  console.log(
    `\nLoad test — ${TARGET_URL ? TARGET_URL.origin : `workerd via miniflare${DIRECT ? " (--direct)" : ""}`}, ` +
      `${fmt.int(clicks.sent)} clicks over ${CONNECTIONS} connections, ${fmt.int(redemptions.ordersSent)} orders over ${ORDER_CONNECTIONS}, at the same time`,
  );
  console.log(
    table([
      ["", "requests", "seconds", "requests/s"],
      ["clicks (GET, HEAD /:slug)", fmt.int(clicks.sent), clicks.seconds.toFixed(1), fmt.rps(clickRps)],
      [
        "redemptions, refunds",
        fmt.int(redemptions.requests),
        redemptions.seconds.toFixed(1),
        fmt.rps(redemptionRps),
      ],
    ]),
  );
  console.log(
    `\nclick answers: ${Object.entries(clicks.tally.byKey)
      .map(([k, n]) => `${k} ${fmt.int(n)}`)
      .join(", ")}`,
  );
  console.log(
    `order answers: ${Object.entries(redemptions.answers)
      .sort()
      .map(([k, n]) => `${k} ${fmt.int(n)}`)
      .join(", ")}`,
  );
  console.log(
    `D1 writes: ${fmt.int(drain.rows)} click rows written by the consumer over ${consumerSeconds.toFixed(1)} s ` +
      `(${fmt.rps(drain.rows / Math.max(consumerSeconds, 0.001))} rows/s, under the load), the queue drained ` +
      `${drain.seconds.toFixed(1)} s after the load; rollup ${fmt.int(rolledRows)} source rows in ` +
      `${rollup.seconds.toFixed(1)} s (${fmt.rps(rolledRows / Math.max(rollup.seconds, 0.001))} rows/s)`,
  );
  if (store) {
    const perClick = store.clicks.withIndexesBytes / Math.max(store.clicks.rows, 1);
    const perUnique = store.clickUniques.withIndexesBytes / Math.max(store.clickUniques.rows, 1);
    console.log(
      `storage (dbstat): clicks ${fmt.int(store.clicks.rows)} rows, ${fmt.int(store.clicks.withIndexesBytes)} bytes with ` +
        `indexes = ${perClick.toFixed(0)} B/click (table alone ${(store.clicks.tableBytes / Math.max(store.clicks.rows, 1)).toFixed(0)} B); ` +
        `click_uniques ${fmt.int(store.clickUniques.rows)} rows, ${perUnique.toFixed(0)} B/row; ` +
        `database file ${fmt.int(store.file.bytes)} bytes`,
    );
  }

  console.log("\nFigures per campaign: summary / raw tables / answered to the load generator");
  console.log(
    table([
      ["", ...FIGURES],
      ...perCampaign.flatMap(({ campaign, summary, raw, answered }) => [
        [`${campaign.currency} summary`, ...FIGURES.map((f) => fmt.int(Number(summary[f])))],
        [`${campaign.currency} raw SQL`, ...FIGURES.map((f) => fmt.int(raw[f]))],
        [
          `${campaign.currency} answered`,
          `${fmt.int(answered.clicks_and_bots)} (with bots)`,
          "",
          "",
          fmt.int(answered.conversions),
          fmt.int(answered.revenue),
          fmt.int(answered.refunds),
        ],
      ]),
    ]),
  );
  const events = workerLogs.summary();
  if (events) console.log(`worker log lines: ${events}`);

  console.log("\nChecks");
  const width = Math.max(...checks.map(([label]) => label.length));
  for (const [label, ok, value] of checks) console.log(`${mark(ok)}  ${label.padEnd(width)}  ${value}`);
  if (linkMismatches.length)
    console.log(`links that differ (id, 302s): ${JSON.stringify(linkMismatches.slice(0, 5))}`);
  if (redemptions.problems.length) console.log(`order problems:\n  ${redemptions.problems.join("\n  ")}`);

  writeResults("load", {
    at: new Date().toISOString(),
    target: TARGET_URL ? TARGET_URL.origin : "miniflare",
    options: {
      clicks: CLICKS,
      connections: CONNECTIONS,
      links: LINKS,
      influencers: INFLUENCERS,
      orders: ORDERS,
      orderConnections: ORDER_CONNECTIONS,
      duration: DURATION,
      seed: SEED,
      direct: DIRECT,
    },
    ...runContext(),
    throughput: {
      clickRps,
      redemptionRps,
      clickSeconds: clicks.seconds,
      redemptionSeconds: redemptions.seconds,
    },
    clicks: {
      sent: clicks.sent,
      answers: clicks.tally.byKey,
      human302: clicks.tally.human302,
      bot302: clicks.tally.bot302,
    },
    redemptions: {
      requests: redemptions.requests,
      answers: redemptions.answers,
      orders: redemptions.created.size,
    },
    drain,
    consumer: { rows: drain.rows, seconds: consumerSeconds },
    rollup: { runs: rollup.runs.length, seconds: rollup.seconds, rows: rolledRows },
    storage: store,
    perCampaign: perCampaign.map(({ campaign, summary, raw, answered }) => ({
      campaign: campaign.id,
      summary: Object.fromEntries(FIGURES.map((f) => [f, summary[f]])),
      raw,
      answered,
    })),
    checks: checks.map(([label, ok, value]) => ({ label, pass: ok, value })),
    pass,
  });
  // The counts are exact for whatever was sent: a run capped by --duration just sent less.
  const capped = stoppedEarly
    ? ` (--duration ${DURATION} s reached: ${fmt.int(clicks.sent)} of ${fmt.int(CLICKS)} clicks, ` +
      `${fmt.int(redemptions.ordersSent)} of ${fmt.int(ORDERS)} orders sent)`
    : "";
  console.log(
    `\n${pass ? "PASS" : "FAIL"}: ${checks.filter(([, ok]) => ok).length} of ${checks.length} checks passed${capped}`,
  );
} catch (error) {
  console.error(`\nload test failed: ${error?.stack ?? error}`);
  console.log("\nFAIL");
  exitCode = 1;
} finally {
  step("stopping…");
  await session.dispose();
}
process.exit(exitCode);
