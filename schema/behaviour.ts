import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestampMs } from "./columns";

// What visitors do after a click, as the shop's script (sl.js) reports it through the EVENTS
// queue: one row per browser session, one per page view. Like `clicks`, no foreign keys: an event
// table takes every well-formed event without failing the batch it came in.
//
// The rollup adds each session to rollup_daily once, however late its page views, its engaged
// time or its sale arrive: it keeps, on the row, what it has added so far (`rolled_*`), and adds
// only the difference when the session changes (src/rollup/session-rollup.ts).
export const visitorSessions = sqliteTable(
  "visitor_sessions",
  {
    // The script's session id: random, from the visitor's browser.
    id: text().primaryKey(),
    clickId: text().notNull(),
    linkId: text().notNull(),
    campaignId: text().notNull(),
    influencerId: text().notNull(),
    clickedAt: timestampMs().notNull(),
    // The earliest page view (null while only engaged time has arrived) and its local day in the
    // campaign's zone: the day the session counts on.
    startedAt: timestampMs(),
    day: text(),
    // The visitor's cookie was there before this session.
    returningVisitor: integer({ mode: "boolean" }).notNull(),
    receivedAt: timestampMs().notNull(),
    // 1: changed since the rollup last added it; 2: inside the rollup's chunk being written
    // (only ever within one transaction); 0: rolled up as it is.
    toRoll: integer().notNull().default(1),
    rolledDay: text(),
    rolledPageViews: integer().notNull().default(0),
    rolledEngagedSeconds: integer().notNull().default(0),
    rolledEngaged: integer().notNull().default(0),
    rolledReturning: integer().notNull().default(0),
    // The breakdown values of the session's click (as rollup_breakdown_daily stores them: "unknown"
    // for a field the click lacks), copied by the rollup the first time it sees the click row, and
    // then kept: the click may arrive after the session was first rolled up, and is pruned after
    // CLICK_RETENTION_DAYS. All null while the click row has not been seen: the session counts
    // under "unknown" until then, and is rolled again (moved) when its click is rolled up.
    country: text(),
    device: text(),
    browser: text(),
    os: text(),
    refererHost: text(),
  },
  (t) => [
    // Partial: a rolled-up session leaves the index, so the rollup finds the changed ones only.
    index("visitor_sessions_to_roll").on(t.toRoll).where(sql`${t.toRoll} <> 0`),
    // A sale by click makes the click's sessions engaged (the rollup marks them to roll again).
    index("visitor_sessions_click").on(t.clickId),
  ],
);

// One row per page view of a session. An engagement report may arrive before its page view (or
// without it): the row then has no path or time yet, only engaged seconds.
export const pageViews = sqliteTable(
  "page_views",
  {
    sessionId: text().notNull(),
    viewId: text().notNull(),
    path: text(),
    viewedAt: timestampMs(),
    // The most the script reported for this page view: its reports are cumulative.
    engagedSeconds: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.viewId] })],
);
