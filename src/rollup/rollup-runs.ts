import { type RollupRunStatus, type RollupTrigger, rollupRuns } from "../../schema";
import type { Db } from "../db";
import { mapPage, type Page, type PageResult, pageQuery, toPage } from "../pagination";
import { DAY_MS, toIso } from "../time";
import type { LeaseHeld } from "./rollup-lease";

// rows: events read (the span of rowids read; rows deleted in the meantime would leave gaps, so it
// is an upper bound). rows_written: what D1 reports the sum statements wrote (index entries count).
export type SourceReport = {
  rows: number;
  chunks: number;
  rows_written: number;
  watermark: number;
  caught_up: boolean;
};

// What one run did: the answer of POST /rollup, an item of GET /rollup/runs, the cron's job_runs detail.
export type RollupReport = {
  id: string;
  trigger: RollupTrigger;
  status: RollupRunStatus;
  skipped: "lease_held" | null;
  lease_holder: LeaseHeld | null;
  as_of: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  caught_up: boolean;
  chunks: number;
  rows: number;
  rows_written: number;
  sources: Record<string, SourceReport>;
  error: string | null;
};

type Detail = Pick<RollupReport, "sources" | "skipped" | "lease_holder" | "error">;

// A run is recorded as it starts, so one that is killed stays visible as "running".
export async function recordRunStart(
  d1: D1Database,
  run: { id: string; trigger: RollupTrigger; startedAt: number },
) {
  await d1
    .prepare("INSERT INTO rollup_runs (id, trigger, status, started_at) VALUES (?, ?, 'running', ?)")
    .bind(run.id, run.trigger, run.startedAt)
    .run();
}

// Runs are kept this long (the cron alone makes 288 a day), pruned as each run ends.
export const RUNS_KEPT_MS = 30 * DAY_MS;

export async function recordRunEnd(d1: D1Database, report: RollupReport) {
  const detail: Detail = {
    sources: report.sources,
    skipped: report.skipped,
    lease_holder: report.lease_holder,
    error: report.error,
  };
  const startedAt = Date.parse(report.started_at);
  await d1.batch([
    d1
      .prepare(
        `UPDATE rollup_runs SET status = ?2, finished_at = ?3, duration_ms = ?4, chunks = ?5, rows = ?6,
                rows_written = ?7, caught_up = ?8, detail = ?9
         WHERE id = ?1`,
      )
      .bind(
        report.id,
        report.status,
        report.finished_at ? Date.parse(report.finished_at) : null,
        report.duration_ms,
        report.chunks,
        report.rows,
        report.rows_written,
        report.caught_up ? 1 : 0,
        JSON.stringify(detail),
      ),
    d1.prepare("DELETE FROM rollup_runs WHERE started_at < ?").bind(startedAt - RUNS_KEPT_MS),
  ]);
}

function toReport(row: typeof rollupRuns.$inferSelect): RollupReport {
  const detail = (row.detail ?? {}) as Partial<Detail>;
  const finishedAt = toIso(row.finishedAt);
  const startedAt = row.startedAt.toISOString();
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    skipped: detail.skipped ?? null,
    lease_holder: detail.lease_holder ?? null,
    as_of: finishedAt ?? startedAt,
    started_at: startedAt,
    finished_at: finishedAt,
    duration_ms: row.durationMs,
    caught_up: row.caughtUp,
    chunks: row.chunks,
    rows: row.rows,
    rows_written: row.rowsWritten,
    sources: detail.sources ?? {},
    error: detail.error ?? null,
  };
}

// Newest first, by when the run started.
export async function listRollupRuns(db: Db, page: Page): Promise<PageResult<RollupReport>> {
  const q = pageQuery({ createdAt: rollupRuns.startedAt, id: rollupRuns.id }, page);
  const rows = await db
    .select()
    .from(rollupRuns)
    .where(q.after)
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return mapPage(
    toPage(
      rows.map((row) => ({ ...row, createdAt: row.startedAt })),
      page,
    ),
    toReport,
  );
}
