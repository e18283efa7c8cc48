import { eq } from "drizzle-orm";
import { enrolments, influencers } from "../../schema";
import { findCampaign } from "../campaigns/campaigns";
import type { Db } from "../db";
import { ApiError } from "../errors";
import { computeMetrics, influencerCost, type Metrics, type RawTotals } from "../metrics/formulas";
import type { MetricField } from "../metrics/metric-fields";
import { type Clock, toIso, utcDay } from "../time";

export type Period = { from?: Date | undefined; to?: Date | undefined };

type Sums = Omit<RawTotals, "cost" | "followers">;
const ZERO: Sums = {
  impressions: 0,
  reach: 0,
  views: 0,
  likes: 0,
  comments: 0,
  shares: 0,
  saves: 0,
  clicks: 0,
  uniqueClicks: 0,
  botClicks: 0,
  leads: 0,
  conversions: 0,
  revenue: 0,
  refunds: 0,
};

function add(a: Sums, b: Partial<Sums>): Sums {
  const out = { ...a };
  for (const key of Object.keys(ZERO) as (keyof Sums)[]) out[key] += Number(b[key] ?? 0);
  return out;
}

// The rollup's figures per influencer over the days of the period (UTC days, both ends included),
// from the per-influencer table (schema/rollups.ts): one range scan of the campaign's rows.
async function rolledUpByInfluencer(d1: D1Database, campaignId: string, period: Period) {
  const { results } = await d1
    .prepare(
      `SELECT influencer_id, SUM(clicks) AS clicks, SUM(unique_clicks) AS uniqueClicks, SUM(bot_clicks) AS botClicks,
              SUM(leads) AS leads, SUM(conversions) AS conversions, SUM(revenue) AS revenue, SUM(refunds) AS refunds
       FROM rollup_influencer_daily
       WHERE campaign_id = ?1 AND day >= ?2 AND day <= ?3
       GROUP BY influencer_id`,
    )
    .bind(
      campaignId,
      period.from ? utcDay(period.from.getTime()) : "0000-00-00",
      period.to ? utcDay(period.to.getTime()) : "9999-99-99",
    )
    .all<{ influencer_id: string } & Partial<Sums>>();
  return new Map(results.map((r) => [r.influencer_id, r]));
}

// Post figures are latest values, not sums: each post's latest snapshot captured by the end of
// the period, summed per influencer.
async function postsByInfluencer(d1: D1Database, campaignId: string, period: Period) {
  const { results } = await d1
    .prepare(
      `SELECT p.influencer_id, SUM(m.impressions) AS impressions, SUM(m.reach) AS reach, SUM(m.views) AS views,
              SUM(m.likes) AS likes, SUM(m.comments) AS comments, SUM(m.shares) AS shares, SUM(m.saves) AS saves
       FROM posts p
       JOIN post_metrics m ON m.id = (
         SELECT id FROM post_metrics WHERE post_id = p.id AND captured_at <= ?2
         ORDER BY captured_at DESC, created_at DESC LIMIT 1)
       WHERE p.campaign_id = ?1
       GROUP BY p.influencer_id`,
    )
    .bind(campaignId, period.to ? period.to.getTime() : Number.MAX_SAFE_INTEGER)
    .all<{ influencer_id: string } & Partial<Sums>>();
  return new Map(results.map((r) => [r.influencer_id, r]));
}

async function followersOf(d1: D1Database, influencerIds: string[]) {
  if (influencerIds.length === 0) return new Map<string, number>();
  const { results } = await d1
    .prepare(
      `SELECT i.id, COALESCE((SELECT count FROM follower_snapshots s WHERE s.influencer_id = i.id
                               ORDER BY captured_at DESC LIMIT 1), i.followers, 0) AS followers
       FROM influencers i WHERE i.id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(influencerIds))
    .all<{ id: string; followers: number }>();
  return new Map(results.map((r) => [r.id, r.followers]));
}

export const SORTABLE: readonly MetricField[] = [
  "revenue",
  "net_revenue",
  "conversions",
  "clicks",
  "roi",
  "roas",
  "cpa",
  "ctr",
];

export async function campaignSummary(
  db: Db,
  campaignId: string,
  period: Period,
  options: { sort?: MetricField | undefined },
  clock: Clock,
) {
  if (period.from && period.to && period.from > period.to) {
    throw new ApiError("validation_failed", "from must not be after to.", [
      { path: "from", message: "After to." },
    ]);
  }
  const campaign = await findCampaign(db, campaignId);
  const d1 = db.$client;
  const enrolled = await db
    .select({ enrolment: enrolments, influencer: influencers })
    .from(enrolments)
    .innerJoin(influencers, eq(influencers.id, enrolments.influencerId))
    .where(eq(enrolments.campaignId, campaignId));
  const ids = enrolled.map((e) => e.influencer.id);
  const [rolled, postFigures, followers, state] = await Promise.all([
    rolledUpByInfluencer(d1, campaignId, period),
    postsByInfluencer(d1, campaignId, period),
    followersOf(d1, ids),
    d1.prepare("SELECT MAX(updated_at) AS at FROM rollup_state").first<{ at: number | null }>(),
  ]);

  let totalSums = ZERO;
  let totalCost = 0;
  let totalFollowers = 0;
  const rows = enrolled.map(({ enrolment, influencer }) => {
    const sums = add(add(ZERO, rolled.get(influencer.id) ?? {}), postFigures.get(influencer.id) ?? {});
    const cost = influencerCost(enrolment, sums.revenue - sums.refunds);
    const audience = followers.get(influencer.id) ?? 0;
    totalSums = add(totalSums, sums);
    totalCost += cost;
    totalFollowers += audience;
    return {
      influencer_id: influencer.id,
      handle: influencer.handle,
      ...computeMetrics({ ...sums, cost, followers: audience }, campaign.emvCpm),
    };
  });
  const sort = options.sort ?? "revenue";
  // Highest first; influencers without the figure (null) last.
  rows.sort((a, b) => (b[sort] ?? Number.NEGATIVE_INFINITY) - (a[sort] ?? Number.NEGATIVE_INFINITY));
  const totals = computeMetrics(
    { ...totalSums, cost: totalCost, followers: totalFollowers },
    campaign.emvCpm,
  );
  const now = clock();
  return {
    campaign_id: campaign.id,
    currency: campaign.currency,
    as_of: toIso(state?.at ?? null),
    from: toIso(period.from ?? null),
    to: toIso(period.to ?? null),
    totals,
    influencers: rows,
    goals: campaign.goals.map((goal) =>
      goalProgress(
        goal,
        totals,
        campaign.startsAt?.getTime() ?? null,
        campaign.endsAt?.getTime() ?? null,
        now,
      ),
    ),
  };
}

// progress = value ÷ target; on_track compares it with the share of the time from the campaign's
// start to the goal's due date (else the campaign's end) that has passed. Without both, null.
export function goalProgress(
  goal: { metric: string; target: number; due: string | null },
  totals: Metrics,
  startsAt: number | null,
  endsAt: number | null,
  now: number,
) {
  const value = totals[goal.metric as MetricField] ?? null;
  const progress = value === null ? null : value / goal.target;
  const due = goal.due ? Date.parse(goal.due) : endsAt;
  let onTrack: boolean | null = null;
  if (progress !== null && startsAt !== null && due !== null && due > startsAt) {
    const elapsed = Math.min(1, Math.max(0, (now - startsAt) / (due - startsAt)));
    onTrack = progress >= elapsed;
  }
  return { metric: goal.metric, target: goal.target, value, progress, due: toIso(due), on_track: onTrack };
}
