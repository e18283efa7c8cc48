import { MAX_ATTRIBUTION_WINDOW_DAYS } from "../campaigns/campaigns";
import { log } from "../log";
import { type Clock, DAY_MS, utcDay } from "../time";
import { SOURCES } from "./rollup";

// Raw click rows are kept for a while (for raw-click reads and re-checks) and then pruned. Only
// rows the rollup has already read go, so the figures, which come from the rollup tables, do not
// change when they do.
//
// Why the floor is the longest attribution window plus a day: the rollup's breakdowns give a sale
// the values (country, device, …) of the click it came through, read from the click's row when the
// sale is rolled up. A sale by click id may come up to MAX_ATTRIBUTION_WINDOW_DAYS after its click,
// so that row must still be there. (A sale attributed through a customer's earlier lead has no
// window: one coming after its lead's click was pruned is in the totals, in no breakdown row.)
// Also, a click whose row is gone is no longer recognised as a repeat: a redelivery of it, or a
// late click for a pruned day, would count again; Queues keep a message at most 14 days, far less.
// Attribution itself does not need the row: a click id carries its link and time (click-id.ts).
export const DEFAULT_RETENTION_DAYS = 400;
export const MIN_RETENTION_DAYS = MAX_ATTRIBUTION_WINDOW_DAYS + 1;

// A bad value is refused rather than replaced: the retention task fails with this message in
// job_runs and the logs, nothing is deleted, and the rollup (an earlier task) still runs.
export function retentionDaysFrom(configured: string | undefined): number {
  if (configured === undefined || configured.trim() === "") return DEFAULT_RETENTION_DAYS;
  const days = Number(configured);
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS) {
    throw new Error(
      `CLICK_RETENTION_DAYS must be a whole number of days, at least ${MIN_RETENTION_DAYS}; got ${JSON.stringify(configured)}. Nothing was pruned.`,
    );
  }
  return days;
}

export type RetentionOptions = { retentionDays: number; batchRows: number; maxBatches: number };
export const DEFAULT_RETENTION_BATCHES = { batchRows: 2000, maxBatches: 10 };

export type TablePrune = { deleted: number; batches: number; caught_up: boolean };
export type RetentionReport = {
  retention_days: number;
  before_day: string;
  clicks: TablePrune;
  click_uniques: TablePrune;
};

// The rollup may read a table through several sources (each with its own watermark): a row is
// rolled up once the slowest of them has passed it. A source that never ran counts as 0.
async function rolledUpTo(d1: D1Database, table: string): Promise<number> {
  const names = SOURCES.filter((s) => s.table === table).map((s) => s.name);
  if (names.length === 0) return 0;
  const row = await d1
    .prepare(
      `SELECT MIN(COALESCE(s.watermark, 0)) AS watermark
       FROM json_each(?1) j LEFT JOIN rollup_state s ON s.source = j.value`,
    )
    .bind(JSON.stringify(names))
    .first<{ watermark: number }>();
  return row?.watermark ?? 0;
}

// Deletes the table's rows of days before `beforeDay` that are rolled up, in bounded batches.
// Each batch looks only at the oldest `batchRows` rows by rowid (the order rows arrived in, so
// nearly the order of their days): rows read per run stay bounded however big the table is, and
// once the oldest rows are young enough a batch deletes nothing and the run stops. The table's
// newest row is never deleted: the tables have no AUTOINCREMENT, so SQLite would hand its rowid
// out again, at or below the rollup's watermark, and the rollup would never read that new row.
async function pruneTable(
  d1: D1Database,
  table: string,
  beforeDay: string,
  options: RetentionOptions,
): Promise<TablePrune> {
  const watermark = await rolledUpTo(d1, table);
  let deleted = 0;
  let batches = 0;
  let caughtUp = false;
  while (batches < options.maxBatches) {
    const result = await d1
      .prepare(
        `DELETE FROM ${table}
         WHERE rowid IN (SELECT rowid FROM ${table} WHERE rowid <= ?1 ORDER BY rowid LIMIT ?2)
           AND day < ?3
           AND rowid < (SELECT MAX(rowid) FROM ${table})`,
      )
      .bind(watermark, options.batchRows, beforeDay)
      .run();
    batches += 1;
    deleted += result.meta.changes;
    if (result.meta.changes === 0) {
      caughtUp = true;
      break;
    }
  }
  return { deleted, batches, caught_up: caughtUp };
}

// Prunes raw clicks and unique-click claims of UTC days entirely older than the retention age.
export async function pruneRolledUpClicks(
  d1: D1Database,
  clock: Clock,
  options: RetentionOptions,
): Promise<RetentionReport> {
  const beforeDay = utcDay(clock() - options.retentionDays * DAY_MS);
  const report = {
    retention_days: options.retentionDays,
    before_day: beforeDay,
    clicks: await pruneTable(d1, "clicks", beforeDay, options),
    click_uniques: await pruneTable(d1, "click_uniques", beforeDay, options),
  };
  log.info("clicks_pruned", {
    before_day: beforeDay,
    clicks: report.clicks.deleted,
    click_uniques: report.click_uniques.deleted,
  });
  return report;
}

// Visitor sessions and their page views are kept as long as clicks, then pruned: a session goes
// once the rollup has added it as it is (to_roll = 0, so all it counts is in the rollup tables) and
// its day (the first page view's; the click's UTC day for a session without one) is older than the
// retention age. Its page views go in the same batch. Like clicks, a batch looks only at the
// oldest `batchRows` sessions by rowid (the order they arrived in), so a run reads a bounded number
// of rows however big the table is.
//
// What pruning gives up: a session is final once pruned. A report for it arriving later would
// start it again, and a sale through its click no longer makes it engaged; neither happens inside
// the retention age (at least the longest attribution window plus a day; queue messages live 14
// days). Its breakdown values were copied onto the session (src/rollup/session-rollup.ts), so no
// figure needs its click either.
const PRUNABLE_SESSIONS = `
  SELECT id FROM visitor_sessions
  WHERE rowid IN (SELECT rowid FROM visitor_sessions ORDER BY rowid LIMIT ?1)
    AND to_roll = 0 AND COALESCE(day, strftime('%Y-%m-%d', clicked_at / 1000, 'unixepoch')) < ?2`;

export type SessionPrune = TablePrune & { page_views: number };

export async function pruneRolledUpSessions(
  d1: D1Database,
  clock: Clock,
  options: RetentionOptions,
): Promise<{ visitor_sessions: SessionPrune }> {
  const beforeDay = utcDay(clock() - options.retentionDays * DAY_MS);
  const report: SessionPrune = { deleted: 0, batches: 0, caught_up: false, page_views: 0 };
  while (report.batches < options.maxBatches) {
    const [views, sessions] = await d1.batch([
      d1
        .prepare(`DELETE FROM page_views WHERE session_id IN (${PRUNABLE_SESSIONS})`)
        .bind(options.batchRows, beforeDay),
      d1
        .prepare(`DELETE FROM visitor_sessions WHERE id IN (${PRUNABLE_SESSIONS})`)
        .bind(options.batchRows, beforeDay),
    ]);
    report.batches += 1;
    report.page_views += views?.meta.changes ?? 0;
    report.deleted += sessions?.meta.changes ?? 0;
    if ((sessions?.meta.changes ?? 0) === 0) {
      report.caught_up = true;
      break;
    }
  }
  log.info("sessions_pruned", {
    before_day: beforeDay,
    sessions: report.deleted,
    page_views: report.page_views,
  });
  return { visitor_sessions: report };
}
