import { errorMessage, log } from "../log";
import type { Clock } from "../time";

// Each source is read by rowid ranges; a chunk's sums are added to rollup_daily in the same D1
// batch (one transaction) that moves the source's watermark, so a chunk is counted exactly once:
// a run that dies before the batch commits leaves nothing, a repeated run finds the watermark
// moved on, and an overlapping run that read the same watermark fails the guard and rolls back.
const DAY = "strftime('%Y-%m-%d', ?/1000, 'unixepoch')";
const dayOf = (column: string) => DAY.replace("?", column);

type Source = { name: string; table: string; sum: string };

export const SOURCES: Source[] = [
  {
    name: "clicks",
    table: "clicks",
    sum: `INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, clicks, bot_clicks)
          SELECT day, campaign_id, influencer_id, link_id, SUM(is_bot = 0), SUM(is_bot = 1)
          FROM clicks WHERE rowid > ?1 AND rowid <= ?2
          GROUP BY day, campaign_id, influencer_id, link_id
          ON CONFLICT DO UPDATE SET clicks = clicks + excluded.clicks, bot_clicks = bot_clicks + excluded.bot_clicks`,
  },
  {
    // A unique click is a row of click_uniques: a later, earlier click of the same visitor
    // updates the row in place, so each row is added once.
    name: "click_uniques",
    table: "click_uniques",
    sum: `INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, unique_clicks)
          SELECT u.day, l.campaign_id, l.influencer_id, u.link_id, COUNT(*)
          FROM click_uniques u JOIN links l ON l.id = u.link_id
          WHERE u.rowid > ?1 AND u.rowid <= ?2
          GROUP BY u.day, l.campaign_id, l.influencer_id, u.link_id
          ON CONFLICT DO UPDATE SET unique_clicks = unique_clicks + excluded.unique_clicks`,
  },
  {
    name: "conversions",
    table: "conversions",
    sum: `INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, leads, conversions, revenue)
          SELECT ${dayOf("occurred_at")}, campaign_id, influencer_id, COALESCE(link_id, ''),
                 SUM(type = 'lead'), SUM(type = 'sale'), SUM(CASE WHEN type = 'sale' THEN amount ELSE 0 END)
          FROM conversions WHERE rowid > ?1 AND rowid <= ?2
          GROUP BY 1, 2, 3, 4
          ON CONFLICT DO UPDATE SET leads = leads + excluded.leads, conversions = conversions + excluded.conversions,
                                    revenue = revenue + excluded.revenue`,
  },
  {
    name: "refunds",
    table: "refunds",
    sum: `INSERT INTO rollup_daily (day, campaign_id, influencer_id, link_id, refunds)
          SELECT ${dayOf("r.occurred_at")}, r.campaign_id, r.influencer_id, COALESCE(c.link_id, ''), SUM(r.amount)
          FROM refunds r LEFT JOIN conversions c ON c.id = r.conversion_id
          WHERE r.rowid > ?1 AND r.rowid <= ?2
          GROUP BY 1, 2, 3, 4
          ON CONFLICT DO UPDATE SET refunds = refunds + excluded.refunds`,
  },
];

export type RollupOptions = { chunkRows: number; maxChunks: number };
export const DEFAULT_ROLLUP_OPTIONS: RollupOptions = { chunkRows: 5000, maxChunks: 40 };

// rows: the span of rowids read (rows deleted in the meantime leave gaps, so it is an upper bound).
export type SourceReport = { rows: number; chunks: number; watermark: number; caught_up: boolean };
export type RollupReport = { as_of: string; caught_up: boolean; sources: Record<string, SourceReport> };

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
export async function rollUpChunk(d1: D1Database, source: Source, from: number, to: number, now: number) {
  await d1.batch([
    d1
      .prepare("UPDATE rollup_state SET watermark = ?2, updated_at = ?3 WHERE source = ?1 AND watermark = ?4")
      .bind(source.name, to, now, from),
    d1.prepare("INSERT INTO rollup_guard (ok) VALUES (changes())"),
    d1.prepare("DELETE FROM rollup_guard"),
    d1.prepare(source.sum).bind(from, to),
  ]);
}

export function sourceNamed(name: string): Source {
  const source = SOURCES.find((s) => s.name === name);
  if (!source) throw new Error(`no rollup source ${name}`);
  return source;
}

// Rolls up what arrived since the last run, a bounded number of chunks per source, so one run
// stays well inside a Worker's limits; the next run continues where this one stopped.
export async function runRollup(
  d1: D1Database,
  clock: Clock,
  options: RollupOptions = DEFAULT_ROLLUP_OPTIONS,
): Promise<RollupReport> {
  const sources: Record<string, SourceReport> = {};
  for (const source of SOURCES) {
    let watermark = await watermarkOf(d1, source.name, clock());
    const max = await d1
      .prepare(`SELECT COALESCE(MAX(rowid), 0) AS max FROM ${source.table}`)
      .first<{ max: number }>();
    const end = max?.max ?? 0;
    let rows = 0;
    let chunks = 0;
    while (watermark < end && chunks < options.maxChunks) {
      const to = Math.min(end, watermark + options.chunkRows);
      try {
        await rollUpChunk(d1, source, watermark, to, clock());
      } catch (error) {
        // Another run moved this source on first: leave it to that run.
        log.warn("rollup_chunk_skipped", {
          source: source.name,
          from: watermark,
          error: errorMessage(error),
        });
        break;
      }
      rows += to - watermark;
      chunks += 1;
      watermark = to;
    }
    sources[source.name] = { rows, chunks, watermark, caught_up: watermark >= end };
  }
  const report = {
    as_of: new Date(clock()).toISOString(),
    caught_up: Object.values(sources).every((s) => s.caught_up),
    sources,
  };
  log.info("rollup_run", {
    caught_up: report.caught_up,
    rows: Object.values(sources).reduce((n, s) => n + s.rows, 0),
  });
  return report;
}
