import type { CampaignGoal } from "../../schema";
import { findCampaign } from "../../src/campaigns/campaigns";
import { localDay } from "../../src/campaigns/time-zones";
import type { Db } from "../../src/db";
import type { Metrics } from "../../src/metrics/formulas";
import {
  BREAKDOWN_DIMENSIONS,
  type BreakdownDimension,
  campaignBreakdowns,
} from "../../src/summaries/campaign-breakdown";
import { campaignSummary } from "../../src/summaries/campaign-summary";
import { campaignTimeseries, MAX_TIMESERIES_DAYS } from "../../src/summaries/campaign-timeseries";
import type { Period } from "../../src/summaries/periods";
import { type Clock, toIso } from "../../src/time";
import type { BreakdownRow, DailyPoint, GoalRow, LeaderboardRow } from "./report-sections";
import { chartPeriod, type ReportView, viewPeriod } from "./report-view";

export type CampaignReport = {
  // goals: as stored (the figures' `goals` below fill in a missing due date with the campaign's end).
  campaign: {
    id: string;
    name: string;
    currency: string;
    objective: string;
    timezone: string;
    goals: CampaignGoal[];
    starts_at: string | null;
    ends_at: string | null;
    budget: number | null;
    archived_at: string | null;
  };
  asOf: string | null;
  totals: Metrics;
  influencers: LeaderboardRow[];
  goals: GoalRow[];
  view: ReportView;
  daily: DailyPoint[];
  breakdowns: Breakdowns;
  // When the report was made: goals whose due date is before it are met or missed.
  now: number;
};

export type Breakdowns = Record<BreakdownDimension, BreakdownRow[]>;

// A campaign's clicks by every dimension the rollup keeps (one influencer's with the filter).
export async function loadBreakdowns(
  db: Db,
  campaignId: string,
  period: Period,
  filter: { influencerId?: string | undefined } = {},
): Promise<Breakdowns> {
  return campaignBreakdowns(db, campaignId, BREAKDOWN_DIMENSIONS, period, filter);
}

// A campaign's report from the same functions the API's figures come from.
export async function loadCampaignReport(
  db: Db,
  campaignId: string,
  view: ReportView,
  clock: Clock,
): Promise<CampaignReport> {
  const campaign = await findCampaign(db, campaignId);
  const now = clock();
  const period = viewPeriod(view, now, campaign.timezone);
  const allTime = period.from === undefined && period.to === undefined;
  const [summary, timeseries, breakdowns, wholeCampaign] = await Promise.all([
    campaignSummary(db, campaign, period, { sort: view.sort }, clock),
    campaignTimeseries(
      db,
      campaignId,
      chartPeriod(period, MAX_TIMESERIES_DAYS, localDay(now, campaign.timezone)),
      clock,
    ),
    loadBreakdowns(db, campaignId, period),
    // A goal is the whole campaign's: its progress is over all time, whatever period is shown.
    allTime ? undefined : campaignSummary(db, campaign, {}, {}, clock),
  ]);
  return {
    campaign: {
      id: campaign.id,
      name: campaign.name,
      currency: campaign.currency,
      objective: campaign.objective,
      timezone: campaign.timezone,
      goals: campaign.goals,
      starts_at: toIso(campaign.startsAt),
      ends_at: toIso(campaign.endsAt),
      budget: campaign.budget,
      archived_at: toIso(campaign.archivedAt),
    },
    asOf: summary.as_of,
    totals: summary.totals,
    influencers: summary.influencers,
    goals: (wholeCampaign ?? summary).goals,
    view,
    daily: timeseries.points,
    breakdowns,
    now: clock(),
  };
}
