// The history bench:rollup rolls up, generated in SQL: clicks whose country, device, browser, OS
// and referrer vary by visitor the way a campaign's audience does, leads, sales by click, by code
// and by a lead's customer, refunds, post snapshots and follower snapshots. Row i of each
// generator is a pure function of i (and of rows already there), so a range is one INSERT …
// SELECT over a recursive CTE, and a rerun of the same range writes the same rows.
//
// Visitors: click i is visitor i / 3's (each visitor clicks its link 3 times in a row, so a third
// of the human clicks are unique); visitor v is a bot when v % 20 = 0 (1 in 20 clicks). The
// visitor decides everything else, so one visitor's clicks agree: its link, its country, its
// device with its browser and OS, its referrer, whether it becomes a lead.

import { fmt } from "./harness.mjs";

export const DAY_MS = 86_400_000;
const ROWS_PER_STATEMENT = 50_000;

// (Numbers bound from node arrive as REAL: cast, or i / 3 would not be an integer division.)
const seq =
  "WITH RECURSIVE seq(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)";

// A share of the audience per value, in thousandths: each table is expanded to 1,000 rows, so a
// visitor's value is one primary-key lookup of a hash of the visitor. NULL: the field missing
// (no referrer, no country, an agent the parser does not know), which breakdowns count as unknown.
const COUNTRIES = [
  [250, "US", "California", "Los Angeles"],
  [100, "DE", "Berlin", "Berlin"],
  [90, "GB", "England", "London"],
  [60, "FR", "Ile-de-France", "Paris"],
  [60, "BR", "Sao Paulo", "Sao Paulo"],
  [50, "IN", "Maharashtra", "Mumbai"],
  [40, "CA", "Ontario", "Toronto"],
  [40, "ES", "Madrid", "Madrid"],
  [40, "IT", "Lombardy", "Milan"],
  [30, "NL", "North Holland", "Amsterdam"],
  [30, "MX", "Mexico City", "Mexico City"],
  [30, "JP", "Tokyo", "Tokyo"],
  [30, "AU", "New South Wales", "Sydney"],
  [20, "PL", "Mazovia", "Warsaw"],
  [15, "SE", "Stockholm", "Stockholm"],
  [15, "TR", "Istanbul", "Istanbul"],
  [10, "AT", "Vienna", "Vienna"],
  [10, "CH", "Zurich", "Zurich"],
  [10, "BE", "Brussels", "Brussels"],
  [10, "IE", "Leinster", "Dublin"],
  [10, "PT", "Lisbon", "Lisbon"],
  [10, "AR", "Buenos Aires", "Buenos Aires"],
  [10, "ZA", "Gauteng", "Johannesburg"],
  [10, "KR", "Seoul", "Seoul"],
  [10, "SG", "Singapore", "Singapore"],
  [10, null, null, null],
];
const AGENTS = [
  [280, "mobile", "Mobile Safari", "iOS"],
  [240, "mobile", "Chrome", "Android"],
  [70, "mobile", "Instagram", "iOS"],
  [40, "mobile", "Instagram", "Android"],
  [30, "mobile", "TikTok", "iOS"],
  [25, "mobile", "Samsung Internet", "Android"],
  [20, "mobile", "Facebook", "Android"],
  [30, "tablet", "Mobile Safari", "iOS"],
  [10, "tablet", "Chrome", "Android"],
  [110, "desktop", "Chrome", "Windows"],
  [50, "desktop", "Chrome", "Mac OS"],
  [45, "desktop", "Safari", "Mac OS"],
  [20, "desktop", "Edge", "Windows"],
  [15, "desktop", "Firefox", "Windows"],
  [5, "desktop", "Firefox", "Linux"],
  [10, null, null, null],
];
const REFERERS = [
  [300, "instagram.com"],
  [120, "l.instagram.com"],
  [200, "tiktok.com"],
  [110, "youtube.com"],
  [50, "t.co"],
  [50, "facebook.com"],
  [30, "google.com"],
  [25, "pinterest.com"],
  [20, "reddit.com"],
  [15, "linktr.ee"],
  [10, "snapchat.com"],
  [70, null],
];

async function createValueTable(db, name, columns, weighted) {
  const total = weighted.reduce((sum, [weight]) => sum + weight, 0);
  if (total !== 1000) throw new Error(`${name}: the shares add up to ${total}, not 1000`);
  await db.prepare(`CREATE TABLE ${name} (n INTEGER PRIMARY KEY, ${columns.join(", ")})`).run();
  const rows = weighted.flatMap(([weight, ...values]) => Array.from({ length: weight }, () => values));
  const statements = [];
  // D1 allows 100 bound parameters a statement.
  const perStatement = Math.floor(100 / (columns.length + 1));
  for (let low = 0; low < rows.length; low += perStatement) {
    const slice = rows.slice(low, low + perStatement);
    statements.push(
      db
        .prepare(
          `INSERT INTO ${name} VALUES ${slice.map(() => `(${["?", ...columns.map(() => "?")].join(", ")})`).join(", ")}`,
        )
        .bind(...slice.flatMap((values, k) => [low + k, ...values])),
    );
  }
  await db.batch(statements);
}

// The bench-only tables the generators join: the links numbered (the measured campaign's first),
// each campaign's currency, and the audience's values.
// The local days of every campaign from ?from to ?to (ms): each day's first instant. Events are
// written with their campaign's local day, as the API writes them (the zones here change offset on
// whole UTC hours, so stepping by the hour finds every midnight).
async function createZoneDays(db, from, to) {
  await db
    .prepare(
      "CREATE TABLE bench_zone_days (campaign_id TEXT, from_ms INTEGER, day TEXT, PRIMARY KEY (campaign_id, from_ms))",
    )
    .run();
  const { results: campaigns } = await db.prepare("SELECT id, timezone FROM campaigns").all();
  const rows = [];
  for (const { id, timezone } of campaigns) {
    const format = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    let last = "";
    for (let at = from - (from % 3_600_000); at <= to; at += 3_600_000) {
      const day = format.format(new Date(at));
      if (day !== last) rows.push([id, at, day]);
      last = day;
    }
  }
  for (let i = 0; i < rows.length; i += 30) {
    const slice = rows.slice(i, i + 30);
    await db
      .prepare(`INSERT INTO bench_zone_days VALUES ${slice.map(() => "(?, ?, ?)").join(", ")}`)
      .bind(...slice.flat())
      .run();
  }
}

// The campaign's local day of an instant (SQL expressions).
const localDayOf = (campaignId, ms) =>
  `(SELECT z.day FROM bench_zone_days z WHERE z.campaign_id = ${campaignId} AND z.from_ms <= ${ms}
    ORDER BY z.from_ms DESC LIMIT 1)`;

export async function createBenchTables(db, { from, to }) {
  await createZoneDays(db, from, to);
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
  await createValueTable(db, "bench_countries", ["country", "region", "city"], COUNTRIES);
  await createValueTable(db, "bench_agents", ["device", "browser", "os"], AGENTS);
  await createValueTable(db, "bench_referers", ["host"], REFERERS);
}

// Clicks [?1, ?2], spread evenly from ?3 (ms) with ?4 ms between them, in time order as the queue
// would write them. Visitors are shared out 85 / 15 between the measured campaign's ?5 links
// (numbered first) and the other campaigns' ?6; within the measured campaign a link's share falls
// with its number (a few influencers bring most of the traffic, as they do).
export const INSERT_CLICKS = `${seq},
visitors AS (
  SELECT i, i / 3 AS v,
         ((i / 3) * 2654435761 % 4294967296) / 4294967296.0 AS x,
         ((i / 3) * 40503 % 65536) / 65536.0 AS y
  FROM seq)
INSERT INTO clicks (id, link_id, campaign_id, influencer_id, clicked_at, day, country, region, city,
                    device, browser, os, referer_host, is_bot, visitor_hash, received_at)
SELECT printf('clk_bench%012d', s.i), l.link_id, l.campaign_id, l.influencer_id, ?3 + s.i * ?4,
       ${localDayOf("l.campaign_id", "?3 + s.i * ?4")}, c.country, c.region, c.city,
       a.device, a.browser, a.os, r.host, s.v % 20 = 0, printf('%064d', s.v), ?3 + s.i * ?4 + 2000
FROM visitors s
JOIN bench_links l ON l.n = CASE WHEN s.y < 0.85 THEN CAST(s.x * s.x * ?5 AS INTEGER)
                                 ELSE ?5 + CAST(s.x * ?6 AS INTEGER) END
JOIN bench_countries c ON c.n = (s.v * 7919 + 13) % 1000
JOIN bench_agents a ON a.n = (s.v * 104729 + 7) % 1000
JOIN bench_referers r ON r.n = (s.v * 1299709 + 3) % 1000`;

// Leads of visitors [?1, ?2]: 1 human visitor in 33 signs up 10 minutes after its first click,
// attributed by that click.
export const INSERT_LEADS = `${seq}
INSERT INTO conversions (id, type, source, order_id, campaign_id, influencer_id, attribution, link_id, click_id,
                         customer_id, occurred_at, request_hash, key_id, created_at)
SELECT printf('cnv_bench_l%09d', s.i), 'lead', 'default', NULL, k.campaign_id, k.influencer_id, 'click',
       k.link_id, k.id, printf('cust-%d', s.i), k.clicked_at + 600000, 'bench', 'bench', k.clicked_at + 600000
FROM seq s JOIN clicks k ON k.id = printf('clk_bench%012d', 3 * s.i)
WHERE s.i % 33 = 1 AND s.i % 20 <> 0`;

// Sales [?1, ?2], sale i anchored on visitor ?3 + (i - ?5) × ?4, so sales follow the clicks in
// time. By i % 20: 8 in 20 by click id (the visitor's second click, half an hour later), 7 by
// the promo code of the visitor's influencer in that campaign (no click: the code decides), 5 by a
// lead's customer buying six hours after the lead (a lead visitor nearby; the sale carries the
// lead's click, as the API records it). Amounts 15.00–162.50 in the campaign's currency.
export const INSERT_SALES = `${seq},
anchored AS (
  SELECT i, CASE WHEN i % 20 < 8 THEN 'click' WHEN i % 20 < 15 THEN 'code' ELSE 'customer' END AS kind,
         ?3 + CAST((i - ?5) * ?4 AS INTEGER) AS v
  FROM seq),
picked AS (
  SELECT i, kind,
         CASE WHEN kind = 'customer' THEN (v / 33) * 33 + 1 + CASE WHEN ((v / 33) * 33 + 1) % 20 = 0 THEN 33 ELSE 0 END
              WHEN v % 20 = 0 THEN v + 1 ELSE v END AS v
  FROM anchored)
INSERT INTO conversions (id, type, source, order_id, campaign_id, influencer_id, attribution, code_id, code,
                         link_id, click_id, customer_id, amount, currency, occurred_at, request_hash, key_id,
                         created_at)
SELECT printf('cnv_bench_s%09d', p.i), 'sale', 'default', printf('ord-bench-%09d', p.i), k.campaign_id,
       k.influencer_id, p.kind, CASE WHEN p.kind = 'code' THEN pc.id END, CASE WHEN p.kind = 'code' THEN pc.code END,
       CASE WHEN p.kind <> 'code' THEN k.link_id END, CASE WHEN p.kind <> 'code' THEN k.id END,
       CASE WHEN p.kind = 'customer' THEN printf('cust-%d', p.v) ELSE printf('buyer-%d', p.i) END,
       1500 + (p.i * 7919 % 60) * 250, cmp.currency,
       k.clicked_at + CASE p.kind WHEN 'click' THEN 1800000 WHEN 'code' THEN 7200000 ELSE 21600000 END,
       'bench', 'bench',
       k.clicked_at + CASE p.kind WHEN 'click' THEN 1800000 WHEN 'code' THEN 7200000 ELSE 21600000 END
FROM picked p
JOIN clicks k ON k.id = printf('clk_bench%012d', 3 * p.v + CASE WHEN p.kind = 'click' THEN 1 ELSE 0 END)
JOIN campaigns cmp ON cmp.id = k.campaign_id
LEFT JOIN promo_codes pc ON pc.campaign_id = k.campaign_id AND pc.influencer_id = k.influencer_id`;

// Refunds of the sales among conversions rowids (?1, ?2]: about 6 in 100, a third of them
// half the amount, three days after the sale (or at ?3, now, if that is sooner).
export const INSERT_REFUNDS = `
INSERT INTO refunds (id, source, refund_id, order_id, conversion_id, campaign_id, influencer_id, amount,
                     currency, occurred_at, request_hash, key_id, created_at)
SELECT 'rfd_' || id, 'default', 'rf-' || order_id, order_id, id, campaign_id, influencer_id,
       CASE WHEN rowid % 3 = 0 THEN amount / 2 ELSE amount END, currency, MIN(occurred_at + 3 * ${DAY_MS}, ?3),
       'bench', 'bench', MIN(occurred_at + 3 * ${DAY_MS}, ?3)
FROM conversions WHERE rowid > ?1 AND rowid <= ?2 AND type = 'sale' AND rowid * 7919 % 100 < 6`;

const POST_COUNTERS = ["impressions", "reach", "views", "likes", "comments", "shares", "saves"];

// A snapshot of every post each day from the day it was published until ?1 (now): running
// counters that grow fast, then level off. Not every figure is reported, as on the platforms: a
// post in four never reports impressions, reach and saves (a video platform's), and one snapshot
// in three reports only likes and comments. The levels are set after, by SET_POST_LEVELS.
export const INSERT_POST_SNAPSHOTS = `
WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 400),
counted AS (
  SELECT p.id AS post_id, p.rowid % 4 = 0 AS video, d.k, p.published_at + d.k * ${DAY_MS} + 3600000 AS at,
         (2000 + (p.rowid * 7919 % 50) * 1000) * 30 * (d.k + 1) / (d.k + 10) AS impressions
  FROM posts p CROSS JOIN d
  WHERE p.published_at + d.k * ${DAY_MS} + 3600000 <= ?1),
figures AS (
  SELECT post_id, k, at,
         CASE WHEN NOT video AND k % 3 <> 1 THEN impressions END AS impressions,
         CASE WHEN NOT video AND k % 3 <> 1 THEN impressions * 6 / 10 END AS reach,
         CASE WHEN k % 3 <> 1 THEN impressions * 4 / 10 END AS views,
         impressions / 25 AS likes, impressions / 400 AS comments,
         CASE WHEN k % 3 <> 1 THEN impressions / 600 END AS shares,
         CASE WHEN NOT video AND k % 3 <> 1 THEN impressions / 300 END AS saves
  FROM counted)
INSERT INTO post_metrics (id, post_id, captured_at, impressions, reach, views, likes, comments, shares, saves,
                          created_at)
SELECT printf('pm_bench_%s_%d', post_id, k), post_id, at, impressions, reach, views, likes, comments, shares, saves, at
FROM figures`;

// Each snapshot's levels, the latest value reported for each figure by then, as the migration
// that brought levels in sets them (schema/migrations/0026_carried_post_levels.sql: keep in step).
export const SET_POST_LEVELS = `
UPDATE post_metrics SET ${POST_COUNTERS.map((f) => `level_${f} = l.${f}`).join(", ")}
FROM (SELECT id, ${POST_COUNTERS.map((f) => `MAX(${f}) OVER (PARTITION BY post_id, group_${f}) AS ${f}`).join(", ")}
  FROM (SELECT id, post_id, ${POST_COUNTERS.map((f) => `${f}, COUNT(${f}) OVER run AS group_${f}`).join(", ")}
    FROM post_metrics
    WINDOW run AS (PARTITION BY post_id ORDER BY captured_at, created_at, id))) l
WHERE post_metrics.id = l.id`;

// Dates the snapshots just inserted in their campaign's zone and writes their daily growth, as the
// API does when a snapshot is posted (src/posts/post-growth.ts, rebuildPostGrowth: keep in step).
export async function datePostSnapshots(db) {
  const { results } = await db
    .prepare(
      `SELECT m.id, m.captured_at, c.timezone FROM post_metrics m JOIN posts p ON p.id = m.post_id
       JOIN campaigns c ON c.id = p.campaign_id WHERE m.day IS NULL`,
    )
    .all();
  const formats = new Map();
  const dayOf = (at, zone) => {
    if (!formats.has(zone)) {
      formats.set(
        zone,
        new Intl.DateTimeFormat("en-CA", {
          timeZone: zone,
          year: "numeric",
          month: "2-digit",
          day: "2-digit",
        }),
      );
    }
    return formats.get(zone).format(new Date(at));
  };
  for (let i = 0; i < results.length; i += 5000) {
    const days = results.slice(i, i + 5000).map((r) => [r.id, dayOf(r.captured_at, r.timezone)]);
    await db
      .prepare(
        "UPDATE post_metrics SET day = d.value ->> '$[1]' FROM json_each(?1) d WHERE post_metrics.id = d.value ->> '$[0]'",
      )
      .bind(JSON.stringify(days))
      .run();
  }
  const growth = POST_COUNTERS.map(
    (f) =>
      `CASE WHEN m.${f} IS NULL THEN 0 ELSE m.${f} - COALESCE(LAG(m.${f}) OVER (PARTITION BY m.post_id, m.${f} IS NULL ORDER BY m.captured_at, m.created_at, m.id), 0) END AS ${f}`,
  ).join(", ");
  await db
    .prepare(
      `INSERT INTO post_growth_daily (campaign_id, influencer_id, day, ${POST_COUNTERS.join(", ")})
       SELECT campaign_id, influencer_id, day, ${POST_COUNTERS.map((f) => `SUM(${f})`).join(", ")}
       FROM (SELECT p.campaign_id, p.influencer_id, m.day, ${growth} FROM post_metrics m JOIN posts p ON p.id = m.post_id)
       GROUP BY campaign_id, influencer_id, day`,
    )
    .run();
  return results.length;
}

// A follower count of every influencer each week from ?1 to ?2, growing a little each time.
export const INSERT_FOLLOWER_SNAPSHOTS = `
WITH RECURSIVE w(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM w WHERE ?1 + (k + 1) * 7 * ${DAY_MS} <= ?2)
INSERT INTO follower_snapshots (id, influencer_id, count, captured_at, created_at)
SELECT printf('fs_bench_%s_%d', i.id, w.k), i.id, COALESCE(i.followers, 0) + w.k * (50 + i.rowid * 13 % 400),
       ?1 + w.k * 7 * ${DAY_MS}, ?1 + w.k * 7 * ${DAY_MS}
FROM influencers i CROSS JOIN w`;

export async function maxRowid(db, tableName) {
  return (await db.prepare(`SELECT COALESCE(MAX(rowid), 0) AS n FROM ${tableName}`).first()).n;
}

// Rows [from, to) of a generator, a statement at a time, with progress. `bind(low, high)` gives the
// statement's parameters for the range.
export async function generate(db, label, sql, from, to, bind) {
  const started = performance.now();
  for (let low = from; low < to; low += ROWS_PER_STATEMENT) {
    const high = Math.min(to, low + ROWS_PER_STATEMENT) - 1;
    await db
      .prepare(sql)
      .bind(...bind(low, high))
      .run();
    const done = high + 1 - from;
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `\r  ${label}: ${fmt.int(done)} / ${fmt.int(to - from)} (${fmt.int(Math.round(done / seconds))} rows/s)   `,
    );
  }
  process.stdout.write("\n");
}

// One slice of traffic: `clicks` clicks from click number `firstClick`, spread evenly over
// [start, start + span), their visitors' leads, `sales` sales anchored on those visitors from
// sale number `firstSale`, and the refunds of those sales. Returns the events written.
export async function generateTraffic(db, t) {
  const before = {
    clicks: await maxRowid(db, "clicks"),
    conversions: await maxRowid(db, "conversions"),
    refunds: await maxRowid(db, "refunds"),
  };
  const spacing = Math.floor(t.span / t.clicks);
  const start = t.start - t.firstClick * spacing;
  const { mainLinks, otherLinks } = t;
  await generate(db, `${t.label} clicks`, INSERT_CLICKS, t.firstClick, t.firstClick + t.clicks, (lo, hi) => [
    lo,
    hi,
    start,
    spacing,
    mainLinks,
    otherLinks,
  ]);
  const firstVisitor = Math.ceil(t.firstClick / 3);
  const lastVisitor = Math.floor((t.firstClick + t.clicks) / 3) - 1;
  await generate(
    db,
    `${t.label} leads (of visitors)`,
    INSERT_LEADS,
    firstVisitor,
    lastVisitor + 1,
    (lo, hi) => [lo, hi],
  );
  // Anchors stay two visitors short of the slice's end: a sale's click is its visitor's second,
  // and a customer's sale may move on to the next lead visitor.
  const visitorsPerSale = Math.max(0, lastVisitor - firstVisitor - 35) / t.sales;
  await generate(db, `${t.label} sales`, INSERT_SALES, t.firstSale, t.firstSale + t.sales, (lo, hi) => [
    lo,
    hi,
    firstVisitor,
    visitorsPerSale,
    t.firstSale,
  ]);
  const conversionsNow = await maxRowid(db, "conversions");
  await db.prepare(INSERT_REFUNDS).bind(before.conversions, conversionsNow, Date.now()).run();
  for (const table of ["conversions", "refunds"]) {
    await db
      .prepare(
        `UPDATE ${table} SET day = ${localDayOf(`${table}.campaign_id`, `${table}.occurred_at`)} WHERE rowid > ?1`,
      )
      .bind(before[table])
      .run();
  }
  const count = async (sql, ...params) =>
    (
      await db
        .prepare(sql)
        .bind(...params)
        .first()
    ).n;
  return {
    clicks: (await maxRowid(db, "clicks")) - before.clicks,
    leads: await count(
      "SELECT COUNT(*) AS n FROM conversions WHERE rowid > ?1 AND type = 'lead'",
      before.conversions,
    ),
    sales: await count(
      "SELECT COUNT(*) AS n FROM conversions WHERE rowid > ?1 AND type = 'sale'",
      before.conversions,
    ),
    refunds: (await maxRowid(db, "refunds")) - before.refunds,
  };
}
