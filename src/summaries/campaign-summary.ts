import type { campaigns } from "../../schema";
import type { Db } from "../db";
import type { Metrics } from "../metrics/formulas";
import type { MetricField } from "../metrics/metric-fields";
import { type Clock, toIso } from "../time";
import { enrolmentFigures, lastRollupAt, metricsOf, totalsOf } from "./figures";
import { checkPeriod, type Period, periodEcho } from "./periods";

export type { Period } from "./periods";

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

// The campaign is passed in as its caller loaded it (findCampaign), so that a report made of
// several summaries reads its row once.
export async function campaignSummary(
  db: Db,
  campaign: typeof campaigns.$inferSelect,
  period: Period,
  options: { sort?: MetricField | undefined },
  clock: Clock,
) {
  checkPeriod(period, campaign.timezone);
  const [enrolled, asOf] = await Promise.all([
    enrolmentFigures(db, { campaignId: campaign.id }, period),
    lastRollupAt(db.$client),
  ]);
  const rows = enrolled.map((row) => ({
    influencer_id: row.influencer.id,
    handle: row.influencer.handle,
    ...metricsOf(row),
  }));
  const sort = options.sort ?? "revenue";
  // Highest first; influencers without the figure (null) last.
  rows.sort((a, b) => (b[sort] ?? Number.NEGATIVE_INFINITY) - (a[sort] ?? Number.NEGATIVE_INFINITY));
  const { totals } = totalsOf(enrolled, [campaign]);
  const now = clock();
  return {
    campaign_id: campaign.id,
    currency: campaign.currency,
    as_of: asOf,
    ...periodEcho(period),
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
  // A target as small as 5e-324 would make it Infinity: a ratio that is no number is null.
  const quotient = value === null ? null : value / goal.target;
  const progress = quotient !== null && Number.isFinite(quotient) ? quotient : null;
  const due = goal.due ? Date.parse(goal.due) : endsAt;
  const elapsed = elapsedShare(startsAt, due, now);
  const onTrack = progress !== null && elapsed !== null ? progress >= elapsed : null;
  return { metric: goal.metric, target: goal.target, value, progress, due: toIso(due), on_track: onTrack };
}

// The share of the time from `startsAt` to `endsAt` that has passed at `now`, from 0 to 1: what a
// goal's progress (or a budget's spend) would be by now at an even pace. Null without both ends.
export function elapsedShare(startsAt: number | null, endsAt: number | null, now: number): number | null {
  if (startsAt === null || endsAt === null || endsAt <= startsAt) return null;
  return Math.min(1, Math.max(0, (now - startsAt) / (endsAt - startsAt)));
}
