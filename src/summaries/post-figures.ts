import { METRIC_COUNTERS, type MetricCounter } from "../posts/metric-counters";

// Each post's own figures over a period, as the summaries count them (docs/metrics.md): its level
// of each figure is the latest value reported for it by the period's end, and its growth that
// level minus the latest value reported before the period's start (none before: growth from
// zero). Both are read from the levels kept on the latest snapshot by each instant.

export type Counters = Record<MetricCounter, number | null>;
export type PostFigures = {
  id: string;
  campaign_id: string;
  campaign_name: string;
  influencer_id: string;
  handle: string;
  url: string;
  platform: string;
  published_at: number | null;
  // When the latest snapshot by the end was captured; null when there is none.
  captured_at: number | null;
  level: Counters;
  growth: Counters;
};

// At most this many posts, newest first: one page's worth.
export const POSTS_SHOWN = 100;

const latestBy = (bound: string) =>
  `(SELECT id FROM post_metrics WHERE post_id = p.id AND captured_at <= ${bound}
     ORDER BY captured_at DESC, created_at DESC, id DESC LIMIT 1)`;

// The posts of a campaign or of an influencer with their figures between `start` and `end`
// (instants, both included), in one query.
export async function postFigures(
  d1: D1Database,
  scope: { campaignId: string } | { influencerId: string },
  start: number,
  end: number,
): Promise<PostFigures[]> {
  const [column, id] =
    "campaignId" in scope ? ["p.campaign_id", scope.campaignId] : ["p.influencer_id", scope.influencerId];
  const counters = METRIC_COUNTERS.flatMap((f) => [
    `e.level_${f} AS end_${f}`,
    `b.level_${f} AS before_${f}`,
  ]).join(", ");
  const { results } = await d1
    .prepare(
      `SELECT p.id, p.campaign_id, c.name AS campaign_name, p.influencer_id, i.handle, p.url, p.platform,
              p.published_at, e.captured_at, ${counters}
       FROM posts p
       JOIN campaigns c ON c.id = p.campaign_id
       JOIN influencers i ON i.id = p.influencer_id
       LEFT JOIN post_metrics e ON e.id = ${latestBy("?2")}
       LEFT JOIN post_metrics b ON b.id = ${latestBy("?3")}
       WHERE ${column} = ?1
       ORDER BY p.created_at DESC, p.id DESC
       LIMIT ${POSTS_SHOWN}`,
    )
    .bind(id, end, start - 1)
    .all<Record<string, string | number | null>>();
  return results.map((row) => {
    const level = {} as Counters;
    const growth = {} as Counters;
    for (const field of METRIC_COUNTERS) {
      const atEnd = row[`end_${field}`] as number | null;
      const before = row[`before_${field}`] as number | null;
      level[field] = atEnd;
      growth[field] = atEnd === null ? null : atEnd - (before ?? 0);
    }
    return {
      id: row.id as string,
      campaign_id: row.campaign_id as string,
      campaign_name: row.campaign_name as string,
      influencer_id: row.influencer_id as string,
      handle: row.handle as string,
      url: row.url as string,
      platform: row.platform as string,
      published_at: row.published_at as number | null,
      captured_at: row.captured_at as number | null,
      level,
      growth,
    };
  });
}
