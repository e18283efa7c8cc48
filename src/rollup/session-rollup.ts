import { UNKNOWN_VALUE } from "../../schema";
import { errorMessage, log } from "../log";
import type { Clock } from "../time";
import { CLICK_COLUMNS, DIMENSIONS, dimensionValue } from "./dimensions";
import { type Lease, renewLease } from "./rollup-lease";
import type { SourceReport } from "./rollup-runs";

// Visitor sessions are not events that happen once: a session's page views, engaged time and sale
// keep arriving after it started, in any order, possibly after it was rolled up. So a session is
// not read once past a watermark like clicks are. Each session row keeps what the rollup has added
// for it so far (`rolled_*`, on `rolled_day`); every write to the session marks it (`to_roll`),
// and the rollup adds the difference between the session's figures now and what it added before:
// minus the old figures on the old day, plus the new ones on the new day (the day moves when an
// earlier page view arrives late). However often and late it changes, a session ends counted once,
// with its final figures, on the day it started. Its breakdown rows move the same way, from the
// values it was added under to its click's values now.
//
// Why not roll a session only once it is over (say 30 minutes after its last event)? A page view
// or engagement report can come later than any such wait (a beacon retried, a tab left open), and a
// sale can make a session engaged days later: a closed session would be counted wrong for good.
// And figures would lag by the wait. The difference costs a few columns a session.
//
// The chunk is one D1 batch (one transaction): it marks the sessions it takes (to_roll = 2), adds
// their differences, records what it added and unmarks them. D1 runs transactions one at a time,
// so two runs cannot add the same difference twice, and a consumer write lands wholly before the
// chunk (then rolled) or after it (marked again): no watermark or guard is needed.

// Marked sessions are found through the partial index visitor_sessions_to_roll, which SQLite
// uses only when the query repeats the index's own condition (to_roll <> 0): without it, every
// chunk would scan all sessions ever written.
const marked = (alias: string, mark: 1 | 2) => `${alias}to_roll <> 0 AND ${alias}to_roll = ${mark}`;

// The session's click's breakdown values once its row has been seen: the session's copy, else the
// click row's (each as its breakdown value), else null (not seen yet; counted under "unknown").
// The copy is kept, so a session rolled again after its click was pruned keeps its values.
const knownValues = (session: string) =>
  CLICK_COLUMNS.map(
    (c) =>
      `COALESCE(${session}.${c}, CASE WHEN k.id IS NOT NULL THEN COALESCE(NULLIF(k.${c}, ''), '${UNKNOWN_VALUE}') END) AS ${c}`,
  ).join(", ");

// A session's figures as they are now. It counts only once it has a page view (a day), and not at
// all when its click was a bot's (every count leaves bots out; a bot click seen late takes back
// what its session added, as a late click moves it); it is engaged with 10 s or more engaged, or 2
// or more page views, or a sale through its click (by the click id itself or through the
// customer's lead that came through it; not by promo code).
const FIGURES_NOW = `
  SELECT *, (page_views >= 2 OR engaged_seconds >= 10 OR sold) AS engaged
  FROM (
    SELECT s.id, s.day, s.campaign_id, s.influencer_id, s.link_id, s.returning_visitor AS is_returning,
           (SELECT COUNT(p.viewed_at) FROM page_views p WHERE p.session_id = s.id) AS page_views,
           (SELECT COALESCE(SUM(p.engaged_seconds), 0) FROM page_views p WHERE p.session_id = s.id)
             AS engaged_seconds,
           EXISTS (SELECT 1 FROM conversions c
                   WHERE c.click_id = s.click_id AND c.type = 'sale' AND c.attribution <> 'code') AS sold,
           ${knownValues("s")}
    FROM visitor_sessions s LEFT JOIN clicks k ON k.id = s.click_id
    WHERE ${marked("s.", 2)} AND s.day IS NOT NULL AND COALESCE(k.is_bot, 0) = 0)`;

const FIGURES = ["sessions", "engaged_sessions", "returning_sessions", "page_views", "engaged_seconds"];

const TAKE = `UPDATE visitor_sessions SET to_roll = 2
              WHERE id IN (SELECT id FROM visitor_sessions WHERE ${marked("", 1)} LIMIT ?1)`;

// Sessions unchanged since they were added (a redelivered message marks them too) add zeros: no
// row is written for them.
const ADD_DIFFERENCES = `
  INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, ${FIGURES.join(", ")})
  SELECT day, campaign_id, influencer_id, link_id, ${FIGURES.map((f) => `SUM(${f})`).join(", ")}
  FROM (
    SELECT rolled_day AS day, campaign_id, influencer_id, link_id, -1 AS sessions,
           -rolled_engaged AS engaged_sessions, -rolled_returning AS returning_sessions,
           -rolled_page_views AS page_views, -rolled_engaged_seconds AS engaged_seconds
    FROM visitor_sessions WHERE ${marked("", 2)} AND rolled_day IS NOT NULL
    UNION ALL
    SELECT day, campaign_id, influencer_id, link_id, 1, engaged, is_returning, page_views, engaged_seconds
    FROM (${FIGURES_NOW})
  )
  GROUP BY 1, 2, 3, 4
  HAVING ${FIGURES.map((f) => `SUM(${f}) <> 0`).join(" OR ")}
  ON CONFLICT DO UPDATE SET ${FIGURES.map((f) => `${f} = ${f} + excluded.${f}`).join(", ")}`;

// The same differences under each breakdown dimension: minus the old figures under the values the
// session was added with (its copy as it was; "unknown" before its click was seen), plus the new
// ones under its click's values now. A session whose click arrives late moves from "unknown" to
// its values, as a late earlier page view moves it to its day.
const ADD_BREAKDOWN_DIFFERENCES = `
  WITH n AS MATERIALIZED (${FIGURES_NOW})
  INSERT INTO rollup_breakdown_daily (day, campaign_id, influencer_id, dimension, value, ${FIGURES.join(", ")})
  SELECT day, campaign_id, influencer_id, dimension, value, ${FIGURES.map((f) => `SUM(${f})`).join(", ")}
  FROM (
    SELECT s.rolled_day AS day, s.campaign_id, s.influencer_id, d.dimension, ${dimensionValue("s")} AS value,
           -1 AS sessions, -s.rolled_engaged AS engaged_sessions, -s.rolled_returning AS returning_sessions,
           -s.rolled_page_views AS page_views, -s.rolled_engaged_seconds AS engaged_seconds
    FROM visitor_sessions s CROSS JOIN ${DIMENSIONS}
    WHERE ${marked("s.", 2)} AND s.rolled_day IS NOT NULL
    UNION ALL
    SELECT n.day, n.campaign_id, n.influencer_id, d.dimension, ${dimensionValue("n")},
           1, n.engaged, n.is_returning, n.page_views, n.engaged_seconds
    FROM n CROSS JOIN ${DIMENSIONS}
  )
  GROUP BY 1, 2, 3, 4, 5
  HAVING ${FIGURES.map((f) => `SUM(${f}) <> 0`).join(" OR ")}
  ON CONFLICT DO UPDATE SET ${FIGURES.map((f) => `${f} = ${f} + excluded.${f}`).join(", ")}`;

// A session without a page view yet added nothing: its rolled figures are none. Its click's
// values are copied as soon as the click row is seen, page view or not.
const RECORD_ADDED = `
  UPDATE visitor_sessions AS s
  SET to_roll = 0, rolled_day = f.day, rolled_page_views = COALESCE(f.page_views, 0),
      rolled_engaged_seconds = COALESCE(f.engaged_seconds, 0), rolled_engaged = COALESCE(f.engaged, 0),
      rolled_returning = COALESCE(f.is_returning, 0), ${CLICK_COLUMNS.map((c) => `${c} = f.${c}`).join(", ")}
  FROM (SELECT t.id, n.day, n.page_views, n.engaged_seconds, n.engaged, n.is_returning, ${knownValues("t")}
        FROM visitor_sessions t LEFT JOIN clicks k ON k.id = t.click_id LEFT JOIN (${FIGURES_NOW}) n ON n.id = t.id
        WHERE ${marked("t.", 2)}) AS f
  WHERE s.id = f.id`;

// Marks again the sessions rolled up before their click row was seen, whose click is in a clicks
// chunk (rows (?1, ?2]): the next session chunk copies the click's values and moves the session
// to them. Goes into the clicks chunk's batch (src/rollup/rollup.ts): the chunk that reads a
// click commits after the click was written, so a session rolled without it is always marked.
export const MARK_SESSIONS_OF_CLICKS = `
  UPDATE visitor_sessions SET to_roll = 1
  WHERE to_roll = 0 AND country IS NULL AND click_id IN (SELECT id FROM clicks WHERE rowid > ?1 AND rowid <= ?2)`;

// Marks again the sessions whose click has a sale in a conversions chunk (rows (?1, ?2]): such a
// sale makes them engaged. Goes into the conversions chunk's batch (src/rollup/rollup.ts).
export const MARK_SESSIONS_OF_SALES = `
  UPDATE visitor_sessions SET to_roll = 1
  WHERE to_roll = 0 AND click_id IN (
    SELECT click_id FROM conversions
    WHERE rowid > ?1 AND rowid <= ?2 AND type = 'sale' AND attribution <> 'code' AND click_id IS NOT NULL)`;

// One chunk: at most `size` changed sessions added. How many it took, and whether the lease held.
export async function rollUpSessionChunk(d1: D1Database, size: number, now: number, lease?: Lease) {
  const renewal = lease ? [renewLease(d1, lease, now)] : [];
  const results = await d1.batch([
    d1.prepare(TAKE).bind(size),
    d1.prepare(ADD_DIFFERENCES),
    d1.prepare(ADD_BREAKDOWN_DIFFERENCES),
    d1.prepare(RECORD_ADDED),
    ...renewal,
  ]);
  return {
    sessions: results[0]?.meta.changes ?? 0,
    rowsWritten: (results[1]?.meta.rows_written ?? 0) + (results[2]?.meta.rows_written ?? 0),
    rowsRead: results.reduce((n, r) => n + (r.meta.rows_read ?? 0), 0),
    leaseKept: !lease || results.at(-1)?.meta.changes === 1,
  };
}

// Adds the changed sessions, a bounded number of chunks; the next run continues. Sessions have no
// watermark (they are taken by mark, not by rowid): the report's is 0.
export async function rollUpSessions(
  d1: D1Database,
  clock: Clock,
  options: { chunkRows: number; maxChunks: number },
  lease: Lease,
): Promise<{ report: SourceReport; leaseKept: boolean }> {
  const report: SourceReport = { rows: 0, chunks: 0, rows_written: 0, watermark: 0, caught_up: false };
  let leaseKept = true;
  while (report.chunks < options.maxChunks && leaseKept) {
    let chunk: Awaited<ReturnType<typeof rollUpSessionChunk>>;
    try {
      chunk = await rollUpSessionChunk(d1, options.chunkRows, clock(), lease);
    } catch (error) {
      log.warn("rollup_chunk_skipped", { source: "sessions", error: errorMessage(error) });
      break;
    }
    leaseKept = chunk.leaseKept;
    if (chunk.sessions === 0) {
      report.caught_up = true;
      break;
    }
    report.chunks += 1;
    report.rows += chunk.sessions;
    report.rows_written += chunk.rowsWritten;
    if (chunk.sessions < options.chunkRows) {
      report.caught_up = true;
      break;
    }
  }
  return { report, leaseKept };
}
