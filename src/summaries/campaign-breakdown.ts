import type { BreakdownDimension } from "../../schema";
import { findCampaign } from "../campaigns/campaigns";
import type { Db } from "../db";
import type { Period } from "./campaign-summary";
import { checkPeriod, lastRollupAt, periodDays, periodEcho } from "./figures";

export { BREAKDOWN_DIMENSIONS, type BreakdownDimension, UNKNOWN_VALUE } from "../../schema";

export type BreakdownRow = {
  value: string;
  clicks: number;
  unique_clicks: number;
  conversions: number;
  revenue: number;
};

// A campaign's human clicks, unique clicks, sales and revenue per value of one dimension over the
// UTC days of the period, from rollup_breakdown_daily only (never the raw clicks). Most clicks
// first, then by value. A sale counts under its click's values ("unknown" for sales by code); a sale
// whose click row has not been rolled up yet is not in any row yet. Refunds are not broken down.
export async function campaignBreakdown(
  db: Db,
  campaignId: string,
  by: BreakdownDimension,
  period: Period,
  filter: { influencerId?: string | undefined } = {},
) {
  checkPeriod(period);
  const campaign = await findCampaign(db, campaignId);
  const d1 = db.$client;
  const days = periodDays(period);
  const [rows, asOf] = await Promise.all([
    d1
      .prepare(
        `SELECT value, SUM(clicks) AS clicks, SUM(unique_clicks) AS unique_clicks,
                SUM(conversions) AS conversions, SUM(revenue) AS revenue
         FROM rollup_breakdown_daily
         WHERE campaign_id = ?1 AND dimension = ?2 AND day >= ?3 AND day <= ?4
           AND (?5 IS NULL OR influencer_id = ?5)
         GROUP BY value
         ORDER BY clicks DESC, value`,
      )
      .bind(campaign.id, by, days.from, days.to, filter.influencerId ?? null)
      .all<BreakdownRow>(),
    lastRollupAt(d1),
  ]);
  return {
    campaign_id: campaign.id,
    currency: campaign.currency,
    by,
    as_of: asOf,
    ...periodEcho(period),
    rows: rows.results,
  };
}
