import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestampMs } from "./columns";

// One row per redirect, written by the queue consumer. No foreign keys on purpose: D1 enforces
// them, and an event table must accept every well-formed event without failing the whole batch.
// No secondary index either: each is paid for on every click (D1 bills index entries as rows
// written, and the consumer waits on the B-tree work), and raw clicks are only read by id
// (conversions) or by rowid, which SQLite assigns in insertion order (the rollup, the retention).
// The one there was, campaign and time for raw-click reads that never came, went in migration 0012.
export const clicks = sqliteTable("clicks", {
  // The click id handed to the visitor as `sl_cid`; the idempotency key of at-least-once delivery.
  id: text().primaryKey(),
  linkId: text().notNull(),
  campaignId: text().notNull(),
  influencerId: text().notNull(),
  clickedAt: timestampMs().notNull(),
  // The campaign's local day of `clickedAt` (YYYY-MM-DD): the rollup's day.
  day: text().notNull(),
  country: text(),
  region: text(),
  city: text(),
  device: text(),
  browser: text(),
  os: text(),
  refererHost: text(),
  isBot: integer({ mode: "boolean" }).notNull(),
  visitorHash: text().notNull(),
  receivedAt: timestampMs().notNull(),
});

// The first human click of each visitor on each link per UTC day: one row per unique click.
// Kept apart from `clicks` so uniqueness is decided once, in SQL, whatever order and however
// often the events arrive (an isolate only sees its own clicks, so it cannot decide it). Written
// only by the clicks_claim_unique trigger on `clicks` (migration 0011, SQL drizzle does not model):
// each inserted human click offers its (link, day, visitor), and the earliest stays.
export const clickUniques = sqliteTable(
  "click_uniques",
  {
    linkId: text().notNull(),
    day: text().notNull(),
    visitorHash: text().notNull(),
    clickId: text().notNull(),
    clickedAt: timestampMs().notNull(),
    // The campaign's local day of the claiming click: the day the unique click counts on. `day`
    // stays the UTC day, the visitor hash's salt's, so a visitor is one unique click a UTC day.
    localDay: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.day, t.visitorHash] })],
);
