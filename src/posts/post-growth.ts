import { localDay } from "../campaigns/time-zones";
import { METRIC_COUNTERS } from "./metric-counters";

// A figure a snapshot leaves out is not reported (null): the post's level of each figure is the
// latest value reported for it, figure by figure. Snapshots are ordered by (captured_at,
// created_at, id), as the summaries' "latest snapshot" reads them.
//
// Two things are kept as snapshots are written, so that no read has to look back for the last
// reported value: each snapshot's levels (the level_* columns, see schema/posts.ts), and the post
// figures' growth per local day in post_growth_daily. A snapshot's growth, for each figure it
// reports, is its value minus the value the post last reported for that figure before it (none:
// from 0), booked on the snapshot's day; over a day these add up to the level at its end minus
// the level at the end of the day before, whatever order the snapshots arrive in.

const COLUMNS = METRIC_COUNTERS.join(", ");
const ADD_ON_CONFLICT = METRIC_COUNTERS.map((f) => `${f} = ${f} + excluded.${f}`).join(", ");
const ORDER = (alias: string) => `(${alias}.captured_at, ${alias}.created_at, ${alias}.id)`;

// Each snapshot's level of a figure, set in one pass over the snapshots from `starts` on (one
// start per post) rather than one look-back per snapshot and figure: a look-back for a figure the
// post never reports would read its whole history, for every snapshot. Counting a figure's
// reported values along the snapshots gives each snapshot the group of the last value reported by
// it, the group's one value is its level, and a snapshot before any value reported from the start
// on keeps the level of the snapshot just before the start (the snapshots before a start are not
// changed by what was written from it on, so theirs are right).
const BEFORE_START = `(SELECT b.id FROM post_metrics b WHERE b.post_id = s.post_id AND ${ORDER("b")} < ${ORDER("s")}
    ORDER BY b.captured_at DESC, b.created_at DESC, b.id DESC LIMIT 1)`;
const CARRY = `WITH starts AS (
    SELECT s.post_id, s.captured_at, s.created_at, s.id, ${BEFORE_START} AS before_id
    FROM (SELECT m.post_id, m.captured_at, m.created_at, m.id,
                 ROW_NUMBER() OVER (PARTITION BY m.post_id ORDER BY m.captured_at, m.created_at, m.id) AS n
          FROM post_metrics m WHERE m.id IN (SELECT value FROM json_each(?1))) s
    WHERE s.n = 1),
  reported AS (
    SELECT x.id, x.post_id, ${METRIC_COUNTERS.map((f) => `x.${f}, b.level_${f} AS before_${f}, COUNT(x.${f}) OVER run AS group_${f}`).join(",\n      ")}
    FROM starts s
    JOIN post_metrics x ON x.post_id = s.post_id AND ${ORDER("x")} >= ${ORDER("s")}
    LEFT JOIN post_metrics b ON b.id = s.before_id
    WINDOW run AS (PARTITION BY x.post_id ORDER BY x.captured_at, x.created_at, x.id)),
  levels AS (
    SELECT id, ${METRIC_COUNTERS.map((f) => `COALESCE(MAX(${f}) OVER (PARTITION BY post_id, group_${f}), before_${f}) AS ${f}`).join(",\n      ")}
    FROM reported)
UPDATE post_metrics SET ${METRIC_COUNTERS.map((f) => `level_${f} = levels.${f}`).join(", ")}
FROM levels WHERE post_metrics.id = levels.id`;

// Sets the levels of the snapshots ?1 (a JSON array of ids) and of every later snapshot of their
// posts: a snapshot landing before others changes their levels of the figures it reports, up to
// the next one reporting each. An import's many snapshots of one post are carried once, from its
// earliest. Idempotent: each level is read afresh from the reported values.
export function carryLevels(d1: D1Database, snapshotIds: string[]): D1PreparedStatement {
  return d1.prepare(CARRY).bind(JSON.stringify(snapshotIds));
}

// The value of figure `f` the post reported in the dated snapshot just before `s`, and the day of
// the dated snapshot reporting it just after.
const reportedBefore = (f: string) =>
  `(SELECT x.${f} FROM post_metrics x WHERE x.post_id = s.post_id AND x.day IS NOT NULL AND x.${f} IS NOT NULL
      AND ${ORDER("x")} < ${ORDER("s")}
    ORDER BY x.captured_at DESC, x.created_at DESC, x.id DESC LIMIT 1)`;
const dayReportedAfter = (f: string) =>
  `(SELECT x.day FROM post_metrics x WHERE x.post_id = s.post_id AND x.day IS NOT NULL AND x.${f} IS NOT NULL
      AND ${ORDER("x")} > ${ORDER("s")}
    ORDER BY x.captured_at, x.created_at, x.id LIMIT 1)`;

// One row per snapshot `s`: for each figure it reports, its growth (`f`) and the day of the next
// dated snapshot reporting that figure (`next_f`); null for a figure it leaves out.
const GROWTH = METRIC_COUNTERS.map(
  (f) => `CASE WHEN s.${f} IS NOT NULL THEN s.${f} - COALESCE(${reportedBefore(f)}, 0) END AS ${f},
          CASE WHEN s.${f} IS NOT NULL THEN ${dayReportedAfter(f)} END AS next_${f}`,
).join(",\n");
// Where a snapshot's growth is booked, one booking per slot: all of it on the snapshot's own day ?2
// (slot 0), and, taken back, each figure's on the day of the next snapshot reporting it (slot i + 1
// for the i-th figure), whose growth is now counted from this one's value. Slots rather than a
// UNION of selects: D1 caps a compound SELECT at a few terms (a multi-row VALUES is not one).
const BOOKING_SLOTS = `(VALUES ${Array.from({ length: METRIC_COUNTERS.length + 1 }, (_, k) => `(${k})`).join(", ")}) booking_slot`;
const BOOKINGS = `SELECT CASE booking_slot.column1 WHEN 0 THEN ?2 ${METRIC_COUNTERS.map((f, i) => `WHEN ${i + 1} THEN growth.next_${f}`).join(" ")} END AS day,
  ${METRIC_COUNTERS.map(
    (f, i) =>
      `CASE booking_slot.column1 WHEN 0 THEN COALESCE(growth.${f}, 0) WHEN ${i + 1} THEN -growth.${f} ELSE 0 END AS ${f}`,
  ).join(",\n  ")}
  FROM growth, ${BOOKING_SLOTS}`;

// Dates snapshot ?1 on local day ?2 and books its growth (its levels are carryLevels'). Only an undated
// snapshot is booked, and the last statement dates it, so the statements count a snapshot once
// however often they run; post_growth_daily stays the sum over the dated snapshots, whatever order
// they are dated in. Run them in one batch (a transaction), right after the snapshot's insert: a
// snapshot of the same post written at the same moment cannot slip between the reads and the
// writes.
export function dateSnapshot(d1: D1Database, snapshotId: string, day: string): D1PreparedStatement[] {
  return [
    d1
      .prepare(
        `WITH s AS (SELECT m.*, p.campaign_id, p.influencer_id FROM post_metrics m JOIN posts p ON p.id = m.post_id
                    WHERE m.id = ?1 AND m.day IS NULL),
              growth AS (SELECT s.campaign_id, s.influencer_id, ${GROWTH} FROM s),
              bookings AS (${BOOKINGS})
         INSERT INTO post_growth_daily (campaign_id, influencer_id, day, ${COLUMNS})
         SELECT growth.campaign_id, growth.influencer_id, bookings.day, ${METRIC_COUNTERS.map((f) => `SUM(bookings.${f})`).join(", ")}
         FROM growth, bookings WHERE bookings.day IS NOT NULL GROUP BY bookings.day
         ON CONFLICT (campaign_id, influencer_id, day) DO UPDATE SET ${ADD_ON_CONFLICT}`,
      )
      .bind(snapshotId, day),
    d1.prepare("UPDATE post_metrics SET day = ?2 WHERE id = ?1 AND day IS NULL").bind(snapshotId, day),
  ];
}

// Each snapshot's growth per figure over a whole post's history: its value minus the previous
// value reported for that figure (the window runs over the snapshots that report it: a partition
// per post and per whether the figure is there), 0 for a figure it leaves out. The migration that
// introduced reported-only levels backfills post_growth_daily with the same expression.
const GROWTH_OVER_HISTORY = METRIC_COUNTERS.map(
  (f) =>
    `CASE WHEN m.${f} IS NULL THEN 0 ELSE m.${f} - COALESCE(LAG(m.${f}) OVER (PARTITION BY m.post_id, m.${f} IS NULL ORDER BY m.captured_at, m.created_at, m.id), 0) END AS ${f}`,
).join(", ");

// Dates every snapshot of a campaign's posts in the campaign's zone and writes its daily growth
// afresh, in one batch. For a campaign whose zone changed (allowed only before its first click or
// conversion) and for snapshots written before days were kept. Idempotent: run twice, same rows.
export async function rebuildPostGrowth(d1: D1Database, campaignId: string): Promise<number> {
  const campaign = await d1
    .prepare("SELECT timezone FROM campaigns WHERE id = ?")
    .bind(campaignId)
    .first<{ timezone: string }>();
  if (!campaign) return 0;
  const { results: snapshots } = await d1
    .prepare(
      `SELECT m.id, m.captured_at FROM post_metrics m JOIN posts p ON p.id = m.post_id
       WHERE p.campaign_id = ?`,
    )
    .bind(campaignId)
    .all<{ id: string; captured_at: number }>();
  const days = snapshots.map((s) => [s.id, localDay(s.captured_at, campaign.timezone)]);
  await d1.batch([
    d1
      .prepare(
        `UPDATE post_metrics SET day = d.value ->> '$[1]'
         FROM json_each(?1) d WHERE post_metrics.id = d.value ->> '$[0]'`,
      )
      .bind(JSON.stringify(days)),
    d1.prepare("DELETE FROM post_growth_daily WHERE campaign_id = ?").bind(campaignId),
    d1
      .prepare(
        `INSERT INTO post_growth_daily (campaign_id, influencer_id, day, ${COLUMNS})
         SELECT campaign_id, influencer_id, day, ${METRIC_COUNTERS.map((f) => `SUM(${f})`).join(", ")}
         FROM (SELECT p.campaign_id, p.influencer_id, m.day, ${GROWTH_OVER_HISTORY}
               FROM post_metrics m JOIN posts p ON p.id = m.post_id WHERE p.campaign_id = ?1)
         GROUP BY campaign_id, influencer_id, day`,
      )
      .bind(campaignId),
  ]);
  return snapshots.length;
}

export type DatingReport = { campaigns: number; snapshots: number };

// The scheduled worker's task: snapshots kept from before days were stored have none; date them
// in their campaign's zone, a few campaigns a run (the partial index finds them without a scan).
export async function dateUndatedSnapshots(d1: D1Database, campaignsPerRun = 20): Promise<DatingReport> {
  const { results } = await d1
    .prepare(
      `SELECT DISTINCT p.campaign_id AS id FROM post_metrics m JOIN posts p ON p.id = m.post_id
       WHERE m.day IS NULL LIMIT ?`,
    )
    .bind(campaignsPerRun)
    .all<{ id: string }>();
  let snapshots = 0;
  for (const { id } of results) snapshots += await rebuildPostGrowth(d1, id);
  return { campaigns: results.length, snapshots };
}
