import { sql } from "drizzle-orm";
import { check, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestampMs } from "./columns";

// The sums the rollup keeps (a function: each table needs its own column builders).
const rolledUpFigures = () => ({
  clicks: integer().notNull().default(0),
  botClicks: integer().notNull().default(0),
  uniqueClicks: integer().notNull().default(0),
  leads: integer().notNull().default(0),
  conversions: integer().notNull().default(0),
  revenue: integer().notNull().default(0),
  refunds: integer().notNull().default(0),
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
  (t) => [primaryKey({ columns: [t.day, t.campaignId, t.influencerId, t.linkId] })],
);

// The same figures per UTC day × campaign × influencer, without the link: what the campaign
// summary reads. A campaign with 1,000 links has ten times fewer rows here than in rollup_daily
// (bench:rollup measured the summary at 90 k link-day rows: over 200 ms; here 9 k). Kept equal
// to rollup_daily's sums by triggers on rollup_daily, in the same transaction as every change
// there, so the rollup itself does not know it exists. WITHOUT ROWID in the migration: the
// primary key is then the table's own order, and reading one campaign is one range scan with no
// lookups (drizzle cannot say WITHOUT ROWID; the migration adds it).
export const rollupInfluencerDaily = sqliteTable(
  "rollup_influencer_daily",
  {
    campaignId: text().notNull(),
    influencerId: text().notNull(),
    day: text().notNull(),
    ...rolledUpFigures(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.influencerId, t.day] })],
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
