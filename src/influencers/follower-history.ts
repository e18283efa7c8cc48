// An influencer's follower counts over time, oldest first, for a chart: their latest `limit`
// snapshots by the time they were captured, and the count they were created with (their base, see
// src/summaries/audience.ts) at their creation when it comes before every snapshot shown.
export async function followerHistory(
  d1: D1Database,
  influencer: { id: string; followers: number | null; createdAt: Date },
  limit = 120,
): Promise<{ at: number; count: number }[]> {
  const { results } = await d1
    .prepare(
      `SELECT captured_at AS at, count FROM follower_snapshots WHERE influencer_id = ?
       ORDER BY captured_at DESC, created_at DESC, id DESC LIMIT ?`,
    )
    .bind(influencer.id, limit)
    .all<{ at: number; count: number }>();
  const points = results.reverse();
  const created = influencer.createdAt.getTime();
  if (influencer.followers !== null && results.length < limit && (points[0]?.at ?? Infinity) > created) {
    points.unshift({ at: created, count: influencer.followers });
  }
  return points;
}
