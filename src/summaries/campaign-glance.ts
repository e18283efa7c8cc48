import type { campaigns } from "../../schema";
import { computeMetrics, ratio } from "../metrics/formulas";
import { rolledUpEntry, ZERO_SUMS } from "./figures";

// A campaign's key figures over all time, as the campaign list shows them: the same sums and costs
// as the all-time campaign summary, for a whole page of campaigns in one query.
export type CampaignGlance = {
  clicks: number;
  conversions: number;
  revenue: number;
  cost: number;
  roi: number | null;
  // cost ÷ budget: how much of the budget is spent; null without a budget.
  spent_share: number | null;
};

type CampaignFacts = Pick<typeof campaigns.$inferSelect, "id" | "budget">;

// One row per enrolment with its all-time rollup sums. The ids travel as one JSON parameter (D1
// allows 100 bound parameters; a page holds 100 campaigns). All time, an enrolment costs its fee
// and other costs whole, plus the commission ledger's entries: what the summary's spread and
// commission add up to over the whole campaign, as of the same rollup.
export async function campaignGlances(
  d1: D1Database,
  list: CampaignFacts[],
): Promise<Map<string, CampaignGlance>> {
  const glances = new Map<string, CampaignGlance>();
  if (list.length === 0) return glances;
  const { results } = await d1
    .prepare(
      `SELECT e.campaign_id, e.fee, e.other_costs,
              (SELECT COALESCE(SUM(c.amount), 0) FROM commission_entries c
               WHERE c.campaign_id = e.campaign_id AND c.influencer_id = e.influencer_id
                 AND c.kind IN ('sale', 'lead', 'clawback') AND ${rolledUpEntry("c")}) AS commission,
              COALESCE(SUM(r.clicks), 0) AS clicks, COALESCE(SUM(r.conversions), 0) AS conversions,
              COALESCE(SUM(r.revenue), 0) AS revenue, COALESCE(SUM(r.refunds), 0) AS refunds
       FROM enrolments e
       LEFT JOIN rollup_influencer_daily r ON r.campaign_id = e.campaign_id AND r.influencer_id = e.influencer_id
       WHERE e.campaign_id IN (SELECT value FROM json_each(?1))
       GROUP BY e.campaign_id, e.influencer_id`,
    )
    .bind(JSON.stringify(list.map((c) => c.id)))
    .all<{
      campaign_id: string;
      fee: number;
      other_costs: number;
      commission: number;
      clicks: number;
      conversions: number;
      revenue: number;
      refunds: number;
    }>();
  const sums = new Map<
    string,
    { clicks: number; conversions: number; revenue: number; refunds: number; cost: number }
  >();
  for (const row of results) {
    const sum = sums.get(row.campaign_id) ?? { clicks: 0, conversions: 0, revenue: 0, refunds: 0, cost: 0 };
    sum.clicks += row.clicks;
    sum.conversions += row.conversions;
    sum.revenue += row.revenue;
    sum.refunds += row.refunds;
    sum.cost += row.fee + row.other_costs + row.commission;
    sums.set(row.campaign_id, sum);
  }
  for (const campaign of list) {
    const sum = sums.get(campaign.id) ?? { clicks: 0, conversions: 0, revenue: 0, refunds: 0, cost: 0 };
    const metrics = computeMetrics(
      {
        ...ZERO_SUMS,
        clicks: sum.clicks,
        conversions: sum.conversions,
        revenue: sum.revenue,
        refunds: sum.refunds,
        cost: sum.cost,
        followers: 0,
        followersGained: 0,
        followersAtStart: 0,
      },
      null,
    );
    glances.set(campaign.id, {
      clicks: sum.clicks,
      conversions: sum.conversions,
      revenue: sum.revenue,
      cost: sum.cost,
      roi: metrics.roi,
      spent_share: campaign.budget ? ratio(sum.cost, campaign.budget) : null,
    });
  }
  return glances;
}
