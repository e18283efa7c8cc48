import { localDay } from "../campaigns/time-zones";
import { METRIC_COUNTERS } from "./metric-counters";

// Post figures per local day are kept as growth in post_growth_daily (see schema/posts.ts). A
// snapshot's growth is its counters minus the post's previous snapshot's (a missing counter
// reads 0), booked on the snapshot's day; over a day these add up to the level at its end minus
// the level at the end of the day before, whatever order the snapshots arrive in. Snapshots are
// ordered by (captured_at, created_at, id), as the summaries' "latest snapshot" reads them.

const COLUMNS = METRIC_COUNTERS.join(", ");
const ADD_ON_CONFLICT = METRIC_COUNTERS.map((f) => `${f} = ${f} + excluded.${f}`).join(", ");
const difference = (a: string, b: string) =>
  METRIC_COUNTERS.map((f) => `COALESCE(${a}.${f}, 0) - COALESCE(${b}.${f}, 0)`).join(", ");

// The dated snapshot just before / just after `s` of the same post.
const neighbour = (side: "before" | "after") => {
  const [op, order] = side === "before" ? ["<", "DESC"] : [">", "ASC"];
  return `(SELECT x.id FROM post_metrics x WHERE x.post_id = s.post_id AND x.day IS NOT NULL
      AND (x.captured_at, x.created_at, x.id) ${op} (s.captured_at, s.created_at, s.id)
    ORDER BY x.captured_at ${order}, x.created_at ${order}, x.id ${order} LIMIT 1)`;
};

// Dates snapshot ?1 on local day ?2 and books its growth: what it grew since the post's previous
// dated snapshot, on its day, and, when it lands before a later dated snapshot, as much taken from
// that one's day. Only an undated snapshot is booked, and the last statement dates it, so the
// statements count a snapshot once however often they run; post_growth_daily stays the sum over
// the dated snapshots, whatever order they are dated in. Run them in one batch (a transaction),
// right after the snapshot's insert: a snapshot of the same post written at the same moment
// cannot slip between the reads and the writes.
export function dateSnapshot(d1: D1Database, snapshotId: string, day: string): D1PreparedStatement[] {
  return [
    d1
      .prepare(
        `INSERT INTO post_growth_daily (campaign_id, influencer_id, day, ${COLUMNS})
         SELECT p.campaign_id, p.influencer_id, ?2, ${difference("s", "prev")}
         FROM post_metrics s JOIN posts p ON p.id = s.post_id
         LEFT JOIN post_metrics prev ON prev.id = ${neighbour("before")}
         WHERE s.id = ?1 AND s.day IS NULL
         ON CONFLICT (campaign_id, influencer_id, day) DO UPDATE SET ${ADD_ON_CONFLICT}`,
      )
      .bind(snapshotId, day),
    d1
      .prepare(
        `INSERT INTO post_growth_daily (campaign_id, influencer_id, day, ${COLUMNS})
         SELECT p.campaign_id, p.influencer_id, next.day, ${difference("prev", "s")}
         FROM post_metrics s JOIN posts p ON p.id = s.post_id
         JOIN post_metrics next ON next.id = ${neighbour("after")}
         LEFT JOIN post_metrics prev ON prev.id = ${neighbour("before")}
         WHERE s.id = ?1 AND s.day IS NULL
         ON CONFLICT (campaign_id, influencer_id, day) DO UPDATE SET ${ADD_ON_CONFLICT}`,
      )
      .bind(snapshotId),
    d1.prepare("UPDATE post_metrics SET day = ?2 WHERE id = ?1 AND day IS NULL").bind(snapshotId, day),
  ];
}

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
  const growth = METRIC_COUNTERS.map(
    (f) =>
      `COALESCE(m.${f}, 0) - COALESCE(LAG(m.${f}) OVER (PARTITION BY m.post_id ORDER BY m.captured_at, m.created_at, m.id), 0) AS ${f}`,
  ).join(", ");
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
         FROM (SELECT p.campaign_id, p.influencer_id, m.day, ${growth}
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
