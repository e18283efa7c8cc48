import { lastInstantOfLocalDay, localDay, startOfLocalDay } from "../campaigns/time-zones";
import type { DayRange } from "./periods";

// Audience growth from follower snapshots. An influencer's level at an instant is their latest
// snapshot captured by then, else their base: the `followers` field they were created with, else
// their earliest snapshot. Since both ends of a period fall back to the same base, the growth of
// adjacent periods telescopes: any partition of days into periods adds up to the whole.

export type AudienceGrowth = { gained: number; atStart: number };

const BASE_SQL = `COALESCE(i.followers, (SELECT count FROM follower_snapshots s WHERE s.influencer_id = i.id
                                        ORDER BY captured_at, created_at, id LIMIT 1), 0)`;

// Each influencer's level at the instant `at` (included).
export async function followerLevels(d1: D1Database, influencerIds: string[], at: number) {
  if (influencerIds.length === 0) return new Map<string, number>();
  const { results } = await d1
    .prepare(
      `SELECT i.id, COALESCE((SELECT count FROM follower_snapshots s WHERE s.influencer_id = i.id AND captured_at <= ?2
                               ORDER BY captured_at DESC, created_at DESC, id DESC LIMIT 1), ${BASE_SQL}) AS level
       FROM influencers i WHERE i.id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(influencerIds), at)
    .all<{ id: string; level: number }>();
  return new Map(results.map((r) => [r.id, r.level]));
}

// Each influencer's growth from the level just before `start` to the level at `end`.
export async function followerGrowth(
  d1: D1Database,
  influencerIds: string[],
  start: number,
  end: number,
): Promise<Map<string, AudienceGrowth>> {
  const [before, after] = await Promise.all([
    followerLevels(d1, influencerIds, start - 1),
    followerLevels(d1, influencerIds, end),
  ]);
  return new Map(
    [...after].map(([id, level]) => {
      const atStart = before.get(id) ?? 0;
      return [id, { gained: level - atStart, atStart }];
    }),
  );
}

// Growth per interval of a campaign's local days (keyed by `intervalOf` a day), every influencer
// once: each snapshot adds its difference from the level before it to its local day's interval,
// so an interval gains its last level minus the level at its start. `atStart` of an interval is
// the level at the range's start plus what the earlier intervals gained.
export async function followerGrowthByInterval(
  d1: D1Database,
  influencerIds: string[],
  days: DayRange,
  zone: string,
  intervals: string[],
  intervalOf: (day: string) => string,
): Promise<Map<string, AudienceGrowth>> {
  const start = startOfLocalDay(days.from, zone);
  const end = lastInstantOfLocalDay(days.to, zone);
  const [levels, { results }] = await Promise.all([
    followerLevels(d1, influencerIds, start - 1),
    d1
      .prepare(
        `SELECT influencer_id, count, captured_at FROM follower_snapshots
         WHERE influencer_id IN (SELECT value FROM json_each(?1)) AND captured_at >= ?2 AND captured_at <= ?3
         ORDER BY captured_at, created_at, id`,
      )
      .bind(JSON.stringify(influencerIds), start, end)
      .all<{ influencer_id: string; count: number; captured_at: number }>(),
  ]);
  let level = [...levels.values()].reduce((a, b) => a + b, 0);
  const gainedBy = new Map<string, number>();
  for (const row of results) {
    const key = intervalOf(localDay(row.captured_at, zone));
    gainedBy.set(key, (gainedBy.get(key) ?? 0) + row.count - (levels.get(row.influencer_id) ?? 0));
    levels.set(row.influencer_id, row.count);
  }
  const growth = new Map<string, AudienceGrowth>();
  for (const key of intervals) {
    const gained = gainedBy.get(key) ?? 0;
    growth.set(key, { gained, atStart: level });
    level += gained;
  }
  return growth;
}
