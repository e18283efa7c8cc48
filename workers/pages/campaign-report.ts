import { findCampaign } from "../../src/campaigns/campaigns";
import type { Db } from "../../src/db";
import { isMetricField, type MetricField } from "../../src/metrics/metric-fields";
import { campaignBreakdown } from "../../src/summaries/campaign-breakdown";
import { campaignSummary, type Period } from "../../src/summaries/campaign-summary";
import { campaignTimeseries } from "../../src/summaries/campaign-timeseries";
import { DAY_MS, systemClock } from "../../src/time";
import type { CampaignReport } from "./campaign-page";

export function sortField(value: string | undefined): MetricField {
  return isMetricField(value) ? value : "revenue";
}

// The periods a page offers (?days=): the last 7, 30 or 90 UTC days including today, else all.
export const PERIOD_DAYS = [7, 30, 90] as const;
export type PeriodDays = (typeof PERIOD_DAYS)[number];

export function periodDays(value: string | undefined): PeriodDays | null {
  return PERIOD_DAYS.find((days) => String(days) === value) ?? null;
}

export function periodOf(days: PeriodDays | null, now: number): Period {
  if (days === null) return {};
  return { from: new Date(Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS) };
}

export type ReportView = { sort: MetricField; days: PeriodDays | null };

export function reportView(query: (name: string) => string | undefined): ReportView {
  return { sort: sortField(query("sort")), days: periodDays(query("days")) };
}

// A campaign's report from the same functions the API's figures come from.
export async function loadCampaignReport(
  db: Db,
  campaignId: string,
  view: ReportView,
): Promise<CampaignReport> {
  const campaign = await findCampaign(db, campaignId);
  const period = periodOf(view.days, systemClock());
  const [summary, timeseries, byCountry, byDevice] = await Promise.all([
    campaignSummary(db, campaignId, period, { sort: view.sort }, systemClock),
    campaignTimeseries(db, campaignId, period, systemClock),
    campaignBreakdown(db, campaignId, "country", period),
    campaignBreakdown(db, campaignId, "device", period),
  ]);
  return {
    campaign: {
      id: campaign.id,
      name: campaign.name,
      currency: campaign.currency,
      objective: campaign.objective,
      goals: campaign.goals,
    },
    asOf: summary.as_of,
    totals: summary.totals,
    influencers: summary.influencers,
    goals: summary.goals,
    view,
    daily: timeseries.points,
    breakdowns: { country: byCountry.rows, device: byDevice.rows },
  };
}
