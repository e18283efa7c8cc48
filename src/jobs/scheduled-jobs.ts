import { errorMessage, log } from "../log";
import type { Clock } from "../time";

export type ScheduledRun = { cron: string; scheduledTime: number };
export type ScheduledTask = {
  name: string;
  // `previous`: what this task reported in the last finished run, for a task that carries
  // something from one run to the next.
  run: (d1: D1Database, run: ScheduledRun, previous: unknown) => Promise<Record<string, unknown>>;
};

// The details of the last finished run. By rowid, newest first: the run just claimed is still
// unfinished, so this reads a row or two, never the whole table.
async function lastDetail(d1: D1Database): Promise<Record<string, unknown>> {
  const row = await d1
    .prepare("SELECT detail FROM job_runs WHERE finished_at IS NOT NULL ORDER BY rowid DESC LIMIT 1")
    .first<{ detail: string | null }>();
  return row?.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {};
}

// Cron deliveries can repeat; a run is keyed by (cron, scheduledTime) and a repeat is skipped.
// Each run records what it did in job_runs, so an operator can see the worker is alive and what
// it has been doing. The rollup (issue #4) plugs in as a task.
export async function runScheduledTasks(
  d1: D1Database,
  run: ScheduledRun,
  tasks: ScheduledTask[],
  clock: Clock,
): Promise<{ id: string; status: "ok" | "failed" | "skipped"; detail: Record<string, unknown> }> {
  const id = `run_${run.scheduledTime}_${run.cron.replaceAll(" ", "_")}`;
  const claimed = await d1
    .prepare(
      `INSERT INTO job_runs (id, cron, scheduled_at, started_at, status) VALUES (?, ?, ?, ?, 'running')
       ON CONFLICT (id) DO NOTHING`,
    )
    .bind(id, run.cron, run.scheduledTime, clock())
    .run();
  if (claimed.meta.changes === 0) {
    log.info("scheduled_run_skipped", { id, reason: "already ran" });
    return { id, status: "skipped", detail: {} };
  }
  const previous = await lastDetail(d1);
  const detail: Record<string, unknown> = {};
  let status: "ok" | "failed" = "ok";
  for (const task of tasks) {
    const started = clock();
    try {
      detail[task.name] = {
        ...(await task.run(d1, run, previous[task.name])),
        duration_ms: clock() - started,
      };
    } catch (error) {
      status = "failed";
      detail[task.name] = { error: errorMessage(error), duration_ms: clock() - started };
      log.error("scheduled_task_failed", { id, task: task.name, error: errorMessage(error) });
    }
  }
  await d1
    .prepare("UPDATE job_runs SET finished_at = ?, status = ?, detail = ? WHERE id = ?")
    .bind(clock(), status, JSON.stringify(detail), id)
    .run();
  log.info("scheduled_run_finished", { id, status });
  return { id, status, detail };
}
