import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestampMs } from "./columns";

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
    clicks: integer().notNull().default(0),
    botClicks: integer().notNull().default(0),
    uniqueClicks: integer().notNull().default(0),
    leads: integer().notNull().default(0),
    conversions: integer().notNull().default(0),
    revenue: integer().notNull().default(0),
    refunds: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.campaignId, t.influencerId, t.linkId] }),
    // The summaries read one campaign's (or one influencer's) days; the key leads with the day,
    // so without these every summary would scan all campaigns' rows.
    index("rollup_daily_campaign_day").on(t.campaignId, t.day),
    index("rollup_daily_influencer_day").on(t.influencerId, t.day),
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
