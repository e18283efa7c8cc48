import { findCampaign } from "../../src/campaigns/campaigns";
import type { Db } from "../../src/db";
import { METRIC_FIELDS, type MetricField } from "../../src/metrics/metric-fields";
import { campaignBreakdown } from "../../src/summaries/campaign-breakdown";
import { campaignSummary } from "../../src/summaries/campaign-summary";
import { campaignTimeseries } from "../../src/summaries/campaign-timeseries";
import { systemClock } from "../../src/time";
import type { CampaignReport } from "./campaign-page";

export function sortField(value: string | undefined): MetricField {
  return (METRIC_FIELDS as readonly string[]).includes(value ?? "") ? (value as MetricField) : "revenue";
}

// A campaign's report from the same functions the API's figures come from.
export async function loadCampaignReport(
  db: Db,
  campaignId: string,
  sort: MetricField,
): Promise<CampaignReport> {
  const campaign = await findCampaign(db, campaignId);
  const [summary, timeseries, byCountry, byDevice] = await Promise.all([
    campaignSummary(db, campaignId, {}, { sort }, systemClock),
    campaignTimeseries(db, campaignId, {}, systemClock),
    campaignBreakdown(db, campaignId, "country", {}),
    campaignBreakdown(db, campaignId, "device", {}),
  ]);
  return {
    campaign: {
      id: campaign.id,
      name: campaign.name,
      currency: campaign.currency,
      objective: campaign.objective,
    },
    asOf: summary.as_of,
    totals: summary.totals,
    influencers: summary.influencers,
    goals: summary.goals,
    sort,
    daily: timeseries.points,
    breakdowns: { country: byCountry.rows, device: byDevice.rows },
  };
}
