import { findCampaign } from "../../src/campaigns/campaigns";
import type { Db } from "../../src/db";
import { METRIC_FIELDS, type MetricField } from "../../src/metrics/metric-fields";
import { campaignSummary } from "../../src/summaries/campaign-summary";
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
  const summary = await campaignSummary(db, campaignId, {}, { sort }, systemClock);
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
  };
}
