#!/usr/bin/env node
// Summaries benchmark: what do the rollup_daily indexes (campaign_id, day) and (influencer_id, day)
// buy the figures routes, when rollup_daily holds many campaigns' days?
//
//   npm run bench:summaries -- [--campaigns 200] [--influencers 20] [--days 365] [--rounds 3] [--requests 15]
//
// Method
// - The real Worker, built as deployed (`wrangler deploy --dry-run`), in workerd through the
//   miniflare API with a fresh D1 holding the real migrations (bench/lib/harness.mjs).
// - Through the Worker's API: one campaign with --influencers influencers enrolled. Straight into
//   rollup_daily (the rollup's own table, as the rollup would leave it): --days days of figures for
//   every one of its influencers, and as many for --campaigns − 1 other campaigns (other influencer
//   ids), so the measured campaign is a small part of the table, as in a real deployment.
// - Measured, --requests times each, one after another: GET /campaigns/:id/summary (all days),
//   GET /campaigns/:id/summary for the last 30 days, GET /campaigns/:id/timeseries for the last 90
//   days, GET /influencers/:id/summary (all days), GET /campaigns/:id/report.csv.
// - Rounds alternate "indexed" (as migrated) and "baseline" (both indexes dropped; the table's key
//   leads with the day, so only day ranges help), --rounds of each; each route's figure is the
//   median latency over all its requests on that side. Reported: baseline ÷ indexed.
// - Each answer is checked against the figures written (clicks and revenue), on both sides.

import { join } from "node:path";
import { Miniflare } from "miniflare";
import {
  ADMIN_API_KEY,
  api,
  applyMigrations,
  benchManifest,
  buildWorker,
  COMPATIBILITY_DATE,
  COMPATIBILITY_FLAGS,
  createSession,
  fmt,
  mark,
  median,
  parseBenchArgs,
  runContext,
  sharedOptions,
  step,
  swaylineEnv,
  table,
  writeResults,
} from "./lib/harness.mjs";

const USAGE =
  "npm run bench:summaries -- [--campaigns 200] [--influencers 20] [--days 365] [--rounds 3] [--requests 15]";
const {
  args,
  positiveInt,
  rounds: ROUNDS,
} = parseBenchArgs(USAGE, {
  campaigns: { type: "string", default: "200" },
  influencers: { type: "string", default: "20" },
  days: { type: "string", default: "365" },
  requests: { type: "string", default: "15" },
});
const CAMPAIGNS = positiveInt("campaigns");
const INFLUENCERS = positiveInt("influencers");
const DAYS = positiveInt("days");
const REQUESTS = positiveInt("requests");
const INDEXES = [
  "CREATE INDEX rollup_daily_campaign_day ON rollup_daily (campaign_id, day)",
  "CREATE INDEX rollup_daily_influencer_day ON rollup_daily (influencer_id, day)",
];

const session = createSession();
let failed = false;
try {
  const { bundlePath, bundle } = buildWorker(session.tmp, args.bundle);
  const mf = new Miniflare({
    ...sharedOptions(join(session.tmp, "state"), undefined),
    workers: [
      {
        config: {
          name: "swayline",
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: COMPATIBILITY_FLAGS,
          manifest: benchManifest(
            join(bundlePath, ".."),
            'export { default } from "./index.js";\n',
            "index.js",
            bundle,
          ),
          env: swaylineEnv(),
        },
      },
    ],
  });
  session.instances.push(mf);
  const base = await mf.ready;
  const db = await mf.getD1Database("DB");
  await applyMigrations(db);

  const campaign = await api(base, "POST", "/api/v1/campaigns", {
    name: "Bench",
    objective: "sales",
    currency: "EUR",
  });
  const influencers = [];
  for (let i = 0; i < INFLUENCERS; i++) {
    const influencer = await api(base, "POST", "/api/v1/influencers", {
      handle: `bench${i}`,
      platform: "instagram",
      followers: 1000,
    });
    await api(base, "PUT", `/api/v1/campaigns/${campaign.id}/influencers/${influencer.id}`, { fee: 100 });
    influencers.push(influencer.id);
  }

  // Every campaign's influencers × days, one statement per campaign: 3 clicks and 1.00 a day each.
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const firstDay = new Date(today - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const fill = db.prepare(
    `WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n + 1 < ?3),
          i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < ?4)
     INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, clicks, unique_clicks, conversions, revenue)
     SELECT date(?2, '+' || d.n || ' days'), ?1,
            CASE WHEN ?1 = ?5 THEN json_extract(?6, '$[' || i.n || ']') ELSE ?1 || '_inf' || i.n END,
            '', 3, 2, 1, 100
     FROM d, i`,
  );
  const started = performance.now();
  for (let c = 0; c < CAMPAIGNS; c++) {
    const id = c === 0 ? campaign.id : `cmp_bench${c}`;
    await fill.bind(id, firstDay, DAYS, INFLUENCERS, campaign.id, JSON.stringify(influencers)).run();
  }
  await db.prepare("ANALYZE").run();
  const rows = (await db.prepare("SELECT COUNT(*) AS n FROM rollup_daily").first()).n;
  step(`rollup_daily: ${fmt.int(rows)} rows in ${fmt.int(performance.now() - started)} ms`);

  const from = (days) => new Date(today - (days - 1) * 86_400_000).toISOString();
  const id = campaign.id;
  // Each route with what its answer must say: clicks and revenue over its days.
  const routes = [
    [
      "campaign summary, all days",
      `/campaigns/${id}/summary`,
      (b) => b.totals.clicks === 3 * DAYS * INFLUENCERS,
    ],
    [
      "campaign summary, 30 days",
      `/campaigns/${id}/summary?from=${from(30)}`,
      (b) => b.totals.revenue === 100 * Math.min(30, DAYS) * INFLUENCERS,
    ],
    [
      "timeseries, 90 days",
      `/campaigns/${id}/timeseries?from=${from(90)}`,
      (b) => b.points.at(-1).clicks === 3 * INFLUENCERS,
    ],
    [
      "influencer summary, all days",
      `/influencers/${influencers[0]}/summary`,
      (b) => b.totals.clicks === 3 * DAYS,
    ],
    [
      "CSV report, all days",
      `/campaigns/${id}/report.csv`,
      (text) => text.split("\r\n").length === INFLUENCERS + 3,
    ],
  ];

  const timings = { indexed: new Map(), baseline: new Map() };
  for (let round = 0; round < 2 * ROUNDS; round++) {
    const side = round % 2 === 0 ? "indexed" : "baseline";
    if (side === "baseline") {
      for (const name of ["rollup_daily_campaign_day", "rollup_daily_influencer_day"]) {
        await db.prepare(`DROP INDEX ${name}`).run();
      }
    } else if (round > 0) {
      for (const sql of INDEXES) await db.prepare(sql).run();
      await db.prepare("ANALYZE").run();
    }
    for (const [name, path, check] of routes) {
      const list = timings[side].get(name) ?? [];
      timings[side].set(name, list);
      for (let r = 0; r < REQUESTS + 1; r++) {
        const t0 = performance.now();
        const res = await fetch(new URL(`/api/v1${path}`, base), {
          headers: { Authorization: `Bearer ${ADMIN_API_KEY}` },
        });
        const body = path.endsWith(".csv") ? await res.text() : await res.json();
        const ms = performance.now() - t0;
        if (res.status !== 200 || !check(body)) {
          failed = true;
          console.error(`${side} ${name}: ${res.status} or wrong figures`);
        }
        if (r > 0) list.push(ms); // the first of each is a warm-up
      }
    }
    step(`round ${round + 1}/${2 * ROUNDS} (${side}) done`);
  }

  const summary = routes.map(([name]) => {
    const indexed = median(timings.indexed.get(name));
    const baseline = median(timings.baseline.get(name));
    return { route: name, indexed_ms: indexed, baseline_ms: baseline, ratio: baseline / indexed };
  });
  console.log(
    `\n${fmt.int(rows)} rollup rows: ${CAMPAIGNS} campaigns × ${INFLUENCERS} influencers × ${DAYS} days; ` +
      `median of ${ROUNDS * REQUESTS} requests per route and side\n`,
  );
  console.log(
    table([
      ["route", "indexed p50 ms", "baseline p50 ms", "baseline ÷ indexed"],
      ...summary.map((s) => [
        s.route,
        s.indexed_ms.toFixed(1),
        s.baseline_ms.toFixed(1),
        `${s.ratio.toFixed(1)}×`,
      ]),
    ]),
  );
  console.log(`\nanswers checked against the figures written: ${mark(!failed)}`);
  writeResults("summaries", {
    context: runContext(),
    setup: {
      campaigns: CAMPAIGNS,
      influencers: INFLUENCERS,
      days: DAYS,
      rows,
      rounds: ROUNDS,
      requests: REQUESTS,
    },
    summary,
    correct: !failed,
  });
} finally {
  await session.dispose();
}
process.exit(failed ? 1 : 0);
