import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestampMs } from "./columns";

// The sums the rollup keeps (a function: each table needs its own column builders).
const rolledUpFigures = () => ({
  clicks: integer().notNull().default(0),
  botClicks: integer().notNull().default(0),
  uniqueClicks: integer().notNull().default(0),
  leads: integer().notNull().default(0),
  conversions: integer().notNull().default(0),
  // conversions by path: attributed by a promo code, or by a click (its id, or the customer's
  // earliest lead's). Always conversions = code_conversions + click_conversions.
  codeConversions: integer().notNull().default(0),
  clickConversions: integer().notNull().default(0),
  revenue: integer().notNull().default(0),
  refunds: integer().notNull().default(0),
  // Visitor behaviour (src/rollup/session-rollup.ts): sessions on the day they started, those
  // engaged and returning, their page views and engaged seconds.
  sessions: integer().notNull().default(0),
  engagedSessions: integer().notNull().default(0),
  returningSessions: integer().notNull().default(0),
  pageViews: integer().notNull().default(0),
  engagedSeconds: integer().notNull().default(0),
});

// Figures per UTC day × campaign × influencer × link ('' for orders that came by code or customer
// rather than through a link). Built only by adding chunk sums, so the same events give the same
// figures however they are split across runs and in whatever order they arrived.
export const rollupDaily = sqliteTable(
  "rollup_daily",
  {
    day: text().notNull(),
    campaignId: text().notNull(),
    influencerId: text().notNull(),
    linkId: text().notNull(),
    ...rolledUpFigures(),
  },
  // No secondary index: the summaries read rollup_influencer_daily (below), and every index here
  // would be one more entry written for each row the rollup changes.
  (t) => [primaryKey({ columns: [t.day, t.campaignId, t.influencerId, t.linkId] })],
);

// The same figures per UTC day × campaign × influencer, without the link: what every summary
// reads (src/summaries/figures.ts; none of them groups by link). A campaign with 1,000 links has a
// tenth of rollup_daily's rows here (bench:rollup: see the README). Kept equal to rollup_daily's
// sums by triggers on rollup_daily, in the same transaction as every change there, so the rollup
// itself does not know it exists. WITHOUT ROWID in the migration (drizzle cannot say it): the
// primary key is the table's own order, so one campaign's rows are one range scan, no lookups.
export const rollupInfluencerDaily = sqliteTable(
  "rollup_influencer_daily",
  {
    campaignId: text().notNull(),
    influencerId: text().notNull(),
    day: text().notNull(),
    ...rolledUpFigures(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.influencerId, t.day] }),
    // An influencer's figures across campaigns (GET /influencers/:id/summary, /me/summary).
    index("rollup_influencer_daily_influencer").on(t.influencerId, t.day),
  ],
);

// How far the rollup has read each source table, by rowid (SQLite hands rowids out in insertion
// order, so "rowid > watermark" is exactly what arrived since).
export const rollupState = sqliteTable("rollup_state", {
  source: text().primaryKey(),
  watermark: integer().notNull(),
  updatedAt: timestampMs().notNull(),
});

// Written in every chunk's batch right after the watermark moves: the CHECK fails, and the whole
// batch rolls back, when the watermark did not move from where this run read it (another run got
// there first). Always emptied again in the same batch.
export const rollupGuard = sqliteTable("rollup_guard", { ok: integer().notNull() }, (t) => [
  check("rollup_guard_ok", sql`${t.ok} = 1`),
]);

// The breakdown dimensions of a click: GET /campaigns/:id/breakdown?by=…
export const BREAKDOWN_DIMENSIONS = ["country", "device", "browser", "os", "referer"] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];
// The value of a click without the field (no referrer, no country from Cloudflare, an agent the
// parser does not know).
export const UNKNOWN_VALUE = "unknown";
// The value stored for sales that no click explains (by code, or without a click id): the empty
// string, which no click's value is (the rollup reads an empty one as UNKNOWN_VALUE). The API
// shows it as value null, reason "no_click".
export const NO_CLICK_VALUE = "";

// Figures per UTC day × campaign × influencer × dimension × value, added by the same chunk
// batches as rollup_daily (see src/rollup/rollup.ts for how a sale gets its click's values).
// Keyed campaign first: the breakdown route reads one campaign's one dimension over a range of days.
export const rollupBreakdownDaily = sqliteTable(
  "rollup_breakdown_daily",
  {
    campaignId: text().notNull(),
    dimension: text().$type<BreakdownDimension>().notNull(),
    day: text().notNull(),
    influencerId: text().notNull(),
    value: text().notNull(),
    clicks: integer().notNull().default(0),
    uniqueClicks: integer().notNull().default(0),
    conversions: integer().notNull().default(0),
    revenue: integer().notNull().default(0),
    // Visitor sessions under their click's values, added by difference like rollup_daily's
    // (src/rollup/session-rollup.ts).
    sessions: integer().notNull().default(0),
    engagedSessions: integer().notNull().default(0),
    returningSessions: integer().notNull().default(0),
    pageViews: integer().notNull().default(0),
    engagedSeconds: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.dimension, t.day, t.influencerId, t.value] })],
);

// rollup_breakdown_daily without the influencer: the same sums per campaign × dimension × day ×
// value, kept equal to them by triggers on rollup_breakdown_daily (migration 0024). A campaign's
// breakdown reads days × values rows here rather than days × influencers × values there; the
// breakdown of one influencer (the portal) still reads the table above.
export const rollupBreakdownCampaignDaily = sqliteTable(
  "rollup_breakdown_campaign_daily",
  {
    campaignId: text().notNull(),
    dimension: text().$type<BreakdownDimension>().notNull(),
    day: text().notNull(),
    value: text().notNull(),
    clicks: integer().notNull().default(0),
    uniqueClicks: integer().notNull().default(0),
    conversions: integer().notNull().default(0),
    revenue: integer().notNull().default(0),
    sessions: integer().notNull().default(0),
    engagedSessions: integer().notNull().default(0),
    returningSessions: integer().notNull().default(0),
    pageViews: integer().notNull().default(0),
    engagedSeconds: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.dimension, t.day, t.value] })],
);

export type RollupTrigger = "cron" | "api";
export type RollupRunStatus = "running" | "ok" | "skipped" | "failed";

// One row per rollup run (cron or POST /rollup): what it read and wrote, where it left each
// source. A row still "running" long after started_at is a run that was killed.
export const rollupRuns = sqliteTable(
  "rollup_runs",
  {
    id: text().primaryKey(),
    trigger: text().$type<RollupTrigger>().notNull(),
    status: text().$type<RollupRunStatus>().notNull(),
    startedAt: timestampMs().notNull(),
    finishedAt: timestampMs(),
    durationMs: integer(),
    chunks: integer().notNull().default(0),
    rows: integer().notNull().default(0),
    rowsWritten: integer().notNull().default(0),
    caughtUp: integer({ mode: "boolean" }).notNull().default(false),
    // { sources: {name: {rows, chunks, rows_written, watermark, caught_up}}, skipped?, error? }
    detail: text({ mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("rollup_runs_started").on(t.startedAt, t.id)],
);

// Who is rolling up now: one row, taken by a conditional upsert only when free or expired, renewed
// with each chunk and deleted at the end. It keeps two runs from doing the same work; it is not
// what makes the figures exact (the guard above is), so a lease that expires under a slow run is
// harmless.
export const rollupLease = sqliteTable("rollup_lease", {
  name: text().primaryKey(),
  holder: text().notNull(),
  expiresAt: timestampMs().notNull(),
});
