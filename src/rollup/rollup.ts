import { NO_CLICK_VALUE, type RollupTrigger } from "../../schema";
import { randomAlphanumeric } from "../ids";
import { errorMessage, log } from "../log";
import type { Clock } from "../time";
import { DIMENSIONS, dimensionValue } from "./dimensions";
import { type Lease, releaseLease, renewLease, takeLease } from "./rollup-lease";
import { type RollupReport, recordRunEnd, recordRunStart, type SourceReport } from "./rollup-runs";
import { MARK_SESSIONS_OF_CLICKS, MARK_SESSIONS_OF_SALES, rollUpSessions } from "./session-rollup";
import { watermarkNow } from "./watermarks";

// Each source is read by rowid ranges; a chunk's sums are added to rollup_daily and
// rollup_breakdown_daily in the same D1 batch (one transaction) that moves the source's watermark,
// so a chunk is counted exactly once: a run that dies before the batch commits leaves nothing, a
// repeated run finds the watermark moved on, and an overlapping run that read the same watermark
// fails the guard and rolls back.
// Every event's day is the campaign's local day, stored with the event when it was written (a
// zone Intl knows and SQLite does not; see docs/architecture.md): the rollup only groups by it.

// select: day, campaign_id, influencer_id, dimension, value, then the figures, in that order.
function breakdownSum(figures: string[], select: string) {
  return `INSERT INTO rollup_breakdown_daily (day, campaign_id, influencer_id, dimension, value, ${figures.join(", ")})
          ${select}
          GROUP BY 1, 2, 3, 4, 5
          ON CONFLICT DO UPDATE SET ${figures.map((f) => `${f} = ${f} + excluded.${f}`).join(", ")}`;
}

// A sale takes the breakdown values of the click it came through: attributed by that click, or by
// the customer whose lead came through it (the sale carries the lead's click id). A sale by code
// (click id or not: the code made the attribution) or without a click id is explained by no click:
// it goes under NO_CLICK_VALUE, added by the conversions chunk alone (SALE_WITHOUT_CLICK).
//
// The click row may reach D1 (through the queue) after the sale, and either may be rolled up
// first, so the sale is added by whichever of the two chunks commits SECOND: the conversions
// chunk adds it when its click is already below the clicks watermark, the clicks chunk when the
// sale is already below the conversions watermark. Chunks commit one at a time, each moving its
// own watermark in its batch, so exactly one of the two sees the other's row below the other's
// watermark. A sale whose click row never arrives (or was pruned before the sale came) is in the
// totals but in no breakdown row.
const SALE_THROUGH_CLICK = "v.type = 'sale' AND v.attribution <> 'code'";
const SALE_WITHOUT_CLICK = "(v.attribution = 'code' OR v.click_id IS NULL)";

export type Source = { name: string; table: string; sums: string[] };

export const SOURCES: Source[] = [
  {
    name: "clicks",
    table: "clicks",
    sums: [
      `INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, clicks, bot_clicks)
       SELECT day, campaign_id, influencer_id, link_id, SUM(is_bot = 0), SUM(is_bot = 1)
       FROM clicks WHERE rowid > ?1 AND rowid <= ?2
       GROUP BY day, campaign_id, influencer_id, link_id
       ON CONFLICT DO UPDATE SET clicks = clicks + excluded.clicks, bot_clicks = bot_clicks + excluded.bot_clicks`,
      breakdownSum(
        ["clicks"],
        `SELECT k.day, k.campaign_id, k.influencer_id, d.dimension, ${dimensionValue("k")}, COUNT(*)
         FROM clicks k CROSS JOIN ${DIMENSIONS}
         WHERE k.rowid > ?1 AND k.rowid <= ?2 AND k.is_bot = 0`,
      ),
      // Sales already rolled up whose click is in this chunk (see SALE_THROUGH_CLICK).
      breakdownSum(
        ["conversions", "revenue"],
        `SELECT v.day, v.campaign_id, v.influencer_id, d.dimension, ${dimensionValue("k")},
                COUNT(*), COALESCE(SUM(v.amount), 0)
         FROM clicks k JOIN conversions v ON v.click_id = k.id CROSS JOIN ${DIMENSIONS}
         WHERE k.rowid > ?1 AND k.rowid <= ?2 AND ${SALE_THROUGH_CLICK}
           AND v.rowid <= ${watermarkNow("conversions")}`,
      ),
      // Sessions rolled up before their click arrived take its values now.
      MARK_SESSIONS_OF_CLICKS,
    ],
  },
  {
    // A unique click is a row of click_uniques: a later, earlier click of the same visitor
    // updates the row in place, so each row is added once.
    name: "click_uniques",
    table: "click_uniques",
    sums: [
      `INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, unique_clicks)
       SELECT u.local_day, l.campaign_id, l.influencer_id, u.link_id, COUNT(*)
       FROM click_uniques u JOIN links l ON l.id = u.link_id
       WHERE u.rowid > ?1 AND u.rowid <= ?2
       GROUP BY u.local_day, l.campaign_id, l.influencer_id, u.link_id
       ON CONFLICT DO UPDATE SET unique_clicks = unique_clicks + excluded.unique_clicks`,
      // The values are those of the click holding the row when it is rolled up (written in the
      // same batch as the row, so it is there, unless retention has pruned it: UNKNOWN_VALUE). A
      // late, earlier click of the visitor that takes the row over afterwards has the same IP and
      // user agent, so the same device, browser, OS and, nearly always, country; only its referrer
      // may differ, and the unique click stays under the referrer it was counted with.
      breakdownSum(
        ["unique_clicks"],
        `SELECT u.local_day, l.campaign_id, l.influencer_id, d.dimension, ${dimensionValue("k")}, COUNT(*)
         FROM click_uniques u JOIN links l ON l.id = u.link_id LEFT JOIN clicks k ON k.id = u.click_id
              CROSS JOIN ${DIMENSIONS}
         WHERE u.rowid > ?1 AND u.rowid <= ?2`,
      ),
    ],
  },
  {
    name: "conversions",
    table: "conversions",
    sums: [
      `INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, leads, conversions, code_conversions,
                                click_conversions, revenue)
       SELECT day, campaign_id, influencer_id, COALESCE(link_id, ''),
              SUM(type = 'lead'), SUM(type = 'sale'), SUM(type = 'sale' AND attribution = 'code'),
              SUM(type = 'sale' AND attribution <> 'code'), SUM(CASE WHEN type = 'sale' THEN amount ELSE 0 END)
       FROM conversions WHERE rowid > ?1 AND rowid <= ?2
       GROUP BY 1, 2, 3, 4
       ON CONFLICT DO UPDATE SET leads = leads + excluded.leads, conversions = conversions + excluded.conversions,
                                 code_conversions = code_conversions + excluded.code_conversions,
                                 click_conversions = click_conversions + excluded.click_conversions,
                                 revenue = revenue + excluded.revenue`,
      // Sales without a click, and sales whose click is already rolled up (see SALE_THROUGH_CLICK).
      breakdownSum(
        ["conversions", "revenue"],
        `SELECT v.day, v.campaign_id, v.influencer_id, d.dimension,
                CASE WHEN ${SALE_WITHOUT_CLICK} THEN '${NO_CLICK_VALUE}' ELSE ${dimensionValue("k")} END,
                COUNT(*), COALESCE(SUM(v.amount), 0)
         FROM conversions v LEFT JOIN clicks k ON k.id = v.click_id AND v.attribution <> 'code'
              CROSS JOIN ${DIMENSIONS}
         WHERE v.rowid > ?1 AND v.rowid <= ?2 AND v.type = 'sale'
           AND (${SALE_WITHOUT_CLICK} OR k.rowid <= ${watermarkNow("clicks")})`,
      ),
      // A sale by click makes its click's visitor sessions engaged: they are rolled up again.
      MARK_SESSIONS_OF_SALES,
    ],
  },
  {
    // Refunds are in rollup_daily only: the breakdown's rows have no refunds figure.
    name: "refunds",
    table: "refunds",
    sums: [
      `INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, refunds)
       SELECT r.day, r.campaign_id, r.influencer_id, COALESCE(c.link_id, ''), SUM(r.amount)
       FROM refunds r LEFT JOIN conversions c ON c.id = r.conversion_id
       WHERE r.rowid > ?1 AND r.rowid <= ?2
       GROUP BY 1, 2, 3, 4
       ON CONFLICT DO UPDATE SET refunds = refunds + excluded.refunds`,
    ],
  },
];

export type RollupOptions = {
  chunkRows: number;
  maxChunks: number;
  // How long a run's lease lasts without a chunk renewing it: how long a killed run blocks others.
  leaseMs: number;
  trigger: RollupTrigger;
  // The cron's scheduledTime: names the run, so its rollup_runs row matches its job_runs row.
  scheduledTime?: number | undefined;
};
export const DEFAULT_ROLLUP_OPTIONS: RollupOptions = {
  chunkRows: 5000,
  maxChunks: 40,
  leaseMs: 60_000,
  trigger: "api",
};

async function watermarkOf(d1: D1Database, source: string, now: number): Promise<number> {
  await d1
    .prepare(
      "INSERT INTO rollup_state (source, watermark, updated_at) VALUES (?, 0, ?) ON CONFLICT DO NOTHING",
    )
    .bind(source, now)
    .run();
  const row = await d1
    .prepare("SELECT watermark FROM rollup_state WHERE source = ?")
    .bind(source)
    .first<{ watermark: number }>();
  return row?.watermark ?? 0;
}

// One chunk: rows (from, to] of the source, added and the watermark moved, or nothing at all.
// With a lease, the batch also renews it; leaseKept false means another run has taken it over.
export async function rollUpChunk(
  d1: D1Database,
  source: Source,
  from: number,
  to: number,
  now: number,
  lease?: Lease,
): Promise<{ rowsWritten: number; leaseKept: boolean }> {
  const guarded = [
    d1
      .prepare("UPDATE rollup_state SET watermark = ?2, updated_at = ?3 WHERE source = ?1 AND watermark = ?4")
      .bind(source.name, to, now, from),
    d1.prepare("INSERT INTO rollup_guard (ok) VALUES (changes())"),
    d1.prepare("DELETE FROM rollup_guard"),
  ];
  const sums = source.sums.map((sql) => d1.prepare(sql).bind(from, to));
  const renewal = lease ? [renewLease(d1, lease, now)] : [];
  const results = await d1.batch([...guarded, ...sums, ...renewal]);
  const sumResults = results.slice(guarded.length, guarded.length + sums.length);
  return {
    rowsWritten: sumResults.reduce((n, r) => n + (r.meta.rows_written ?? 0), 0),
    leaseKept: !lease || results.at(-1)?.meta.changes === 1,
  };
}

export function sourceNamed(name: string): Source {
  const source = SOURCES.find((s) => s.name === name);
  if (!source) throw new Error(`no rollup source ${name}`);
  return source;
}

function runId(options: RollupOptions, startedAt: number): string {
  return options.trigger === "cron" && options.scheduledTime !== undefined
    ? `rlr_cron_${options.scheduledTime}`
    : `rlr_${options.trigger}_${startedAt}_${randomAlphanumeric(8)}`;
}

// Rolls up what arrived since the last run, a bounded number of chunks per source, so one run
// stays well inside a Worker's limits; the next run continues where this one stopped. Only one run
// at a time holds the lease; one that finds it held does nothing and says so (skipped). Every run,
// skipped or not, is recorded in rollup_runs.
export async function runRollup(
  d1: D1Database,
  clock: Clock,
  overrides: Partial<RollupOptions> = {},
): Promise<RollupReport> {
  const options = { ...DEFAULT_ROLLUP_OPTIONS, ...overrides };
  const startedAt = clock();
  const id = runId(options, startedAt);
  const lease: Lease = { holder: id, ttlMs: options.leaseMs };
  await recordRunStart(d1, { id, trigger: options.trigger, startedAt });
  const report: RollupReport = {
    id,
    trigger: options.trigger,
    status: "ok",
    skipped: null,
    lease_holder: null,
    as_of: "",
    started_at: new Date(startedAt).toISOString(),
    finished_at: null,
    duration_ms: null,
    caught_up: false,
    chunks: 0,
    rows: 0,
    rows_written: 0,
    sources: {},
    error: null,
  };
  const finish = async () => {
    const finishedAt = clock();
    report.finished_at = new Date(finishedAt).toISOString();
    report.as_of = report.finished_at;
    report.duration_ms = finishedAt - startedAt;
    await recordRunEnd(d1, report);
    log.info("rollup_run", {
      id,
      status: report.status,
      caught_up: report.caught_up,
      rows: report.rows,
      rows_written: report.rows_written,
      duration_ms: report.duration_ms,
    });
    return report;
  };

  const held = await takeLease(d1, lease, startedAt);
  if (held) {
    report.status = "skipped";
    report.skipped = "lease_held";
    report.lease_holder = held;
    return finish();
  }
  try {
    await rollUpSources(d1, clock, options, lease, report);
  } catch (error) {
    report.status = "failed";
    report.error = errorMessage(error);
    await finish();
    throw error;
  } finally {
    await releaseLease(d1, lease);
  }
  return finish();
}

async function rollUpSources(
  d1: D1Database,
  clock: Clock,
  options: RollupOptions,
  lease: Lease,
  report: RollupReport,
) {
  let leaseKept = true;
  for (const source of SOURCES) {
    let watermark = await watermarkOf(d1, source.name, clock());
    const max = await d1
      .prepare(`SELECT COALESCE(MAX(rowid), 0) AS max FROM ${source.table}`)
      .first<{ max: number }>();
    const end = max?.max ?? 0;
    const figures: SourceReport = { rows: 0, chunks: 0, rows_written: 0, watermark, caught_up: false };
    while (leaseKept && watermark < end && figures.chunks < options.maxChunks) {
      const to = Math.min(end, watermark + options.chunkRows);
      try {
        const chunk = await rollUpChunk(d1, source, watermark, to, clock(), lease);
        figures.rows_written += chunk.rowsWritten;
        leaseKept = chunk.leaseKept;
      } catch (error) {
        // Another run moved this source on first: leave it to that run.
        log.warn("rollup_chunk_skipped", {
          source: source.name,
          from: watermark,
          error: errorMessage(error),
        });
        break;
      }
      figures.rows += to - watermark;
      figures.chunks += 1;
      watermark = to;
    }
    if (!leaseKept) log.warn("rollup_lease_lost", { id: lease.holder, source: source.name });
    figures.watermark = watermark;
    figures.caught_up = watermark >= end;
    report.sources[source.name] = figures;
    report.chunks += figures.chunks;
    report.rows += figures.rows;
    report.rows_written += figures.rows_written;
  }
  if (leaseKept) {
    const sessions = await rollUpSessions(d1, clock, options, lease);
    if (!sessions.leaseKept) log.warn("rollup_lease_lost", { id: lease.holder, source: "sessions" });
    report.sources.sessions = sessions.report;
    report.chunks += sessions.report.chunks;
    report.rows += sessions.report.rows;
    report.rows_written += sessions.report.rows_written;
  }
  report.caught_up = Object.values(report.sources).every((s) => s.caught_up);
}
