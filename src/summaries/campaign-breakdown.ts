import { type BreakdownDimension, NO_CLICK_VALUE } from "../../schema";
import { findCampaign } from "../campaigns/campaigns";
import type { Db } from "../db";
import { type BehaviourSums, behaviourMetrics } from "../metrics/formulas";
import type { Period } from "./campaign-summary";
import { lastRollupAt } from "./figures";
import { checkPeriod, periodDays, periodEcho } from "./periods";

export { BREAKDOWN_DIMENSIONS, type BreakdownDimension, UNKNOWN_VALUE } from "../../schema";

type Figures = { clicks: number; unique_clicks: number; conversions: number; revenue: number } & ReturnType<
  typeof behaviourMetrics
>;
type StoredRow = Omit<Figures, keyof ReturnType<typeof behaviourMetrics>> & BehaviourSums & { value: string };
// A value of the dimension, or null with the reason: "no_click" for the sales no click explains
// (by code, or without a click id), which have no country, device… to be counted under.
export type BreakdownRow = Figures & { value: string | null; reason: "no_click" | null };

// A campaign's human clicks, unique clicks, sales and revenue, and its visitor sessions' figures,
// per value of one dimension over the campaign's local days of the period, from the breakdown
// rollup only (never the raw clicks): rollup_breakdown_campaign_daily for the whole campaign,
// rollup_breakdown_daily (per influencer) for one influencer. A session counts under its click's values,
// "unknown" while its click row has not been rolled up (see src/rollup/session-rollup.ts). Most clicks
// first, then by value, the no-click row last. A sale counts under its click's values; sales by code
// (or without a click id) in the no-click row. A sale whose click row has not been rolled up yet is
// in no row yet: one still in the queue and one that never arrives cannot be told apart, so neither
// is put in the no-click row. Refunds are not broken down.
export async function campaignBreakdown(
  db: Db,
  campaignId: string,
  by: BreakdownDimension,
  period: Period,
  filter: { influencerId?: string | undefined } = {},
) {
  const { campaign, asOf, rows } = await breakdownRows(db, campaignId, [by], period, filter);
  return {
    campaign_id: campaign.id,
    currency: campaign.currency,
    by,
    as_of: asOf,
    ...periodEcho(period),
    rows: rows[by],
  };
}

// The same for several dimensions at once (a report page shows them all): one read of the
// campaign and one query, rather than one of each per dimension.
export async function campaignBreakdowns<D extends BreakdownDimension>(
  db: Db,
  campaignId: string,
  dimensions: readonly D[],
  period: Period,
  filter: { influencerId?: string | undefined } = {},
): Promise<Record<D, BreakdownRow[]>> {
  return (await breakdownRows(db, campaignId, dimensions, period, filter)).rows;
}

async function breakdownRows<D extends BreakdownDimension>(
  db: Db,
  campaignId: string,
  dimensions: readonly D[],
  period: Period,
  filter: { influencerId?: string | undefined },
) {
  const campaign = await findCampaign(db, campaignId);
  checkPeriod(period, campaign.timezone);
  const d1 = db.$client;
  const days = periodDays(period, campaign.timezone);
  const [stored, asOf] = await Promise.all([
    d1
      .prepare(
        `SELECT dimension, value, SUM(clicks) AS clicks, SUM(unique_clicks) AS unique_clicks,
                SUM(conversions) AS conversions, SUM(revenue) AS revenue, SUM(sessions) AS sessions,
                SUM(engaged_sessions) AS engagedSessions, SUM(returning_sessions) AS returningSessions,
                SUM(page_views) AS pageViews, SUM(engaged_seconds) AS engagedSeconds
         FROM ${filter.influencerId === undefined ? "rollup_breakdown_campaign_daily" : "rollup_breakdown_daily"}
         WHERE campaign_id = ?1 AND dimension IN (SELECT value FROM json_each(?2))
           AND day >= ?3 AND day <= ?4 ${filter.influencerId === undefined ? "AND ?5 IS NULL" : "AND influencer_id = ?5"}
         GROUP BY dimension, value
         HAVING SUM(clicks) <> 0 OR SUM(unique_clicks) <> 0 OR SUM(conversions) <> 0 OR SUM(sessions) <> 0
         ORDER BY dimension, value = ?6, clicks DESC, value`,
      )
      .bind(
        campaign.id,
        JSON.stringify(dimensions),
        days.from,
        days.to,
        filter.influencerId ?? null,
        NO_CLICK_VALUE,
      )
      .all<StoredRow & { dimension: D }>(),
    lastRollupAt(d1),
  ]);
  const rows = Object.fromEntries(dimensions.map((d) => [d, [] as BreakdownRow[]])) as Record<
    D,
    BreakdownRow[]
  >;
  for (const {
    dimension,
    value,
    clicks,
    unique_clicks,
    conversions,
    revenue,
    ...sessions
  } of stored.results) {
    const row = { clicks, unique_clicks, conversions, revenue, ...behaviourMetrics(sessions) };
    rows[dimension].push(
      value === NO_CLICK_VALUE
        ? { value: null, reason: "no_click", ...row }
        : { value, reason: null, ...row },
    );
  }
  return { campaign, asOf, rows };
}
