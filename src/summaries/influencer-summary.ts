import type { Db } from "../db";
import { findInfluencer } from "../influencers/influencers";
import { enrolmentFigures, lastRollupAt, metricsOf, totalsOf } from "./figures";
import { checkPeriod, type Period, periodEcho } from "./periods";

// One influencer's figures in each of their campaigns (enrolments), and in total. The totals'
// money is in `currency`, the campaigns' common one; when they differ it is null, and so is every
// money figure of the totals (each campaign's row keeps its own).
export async function influencerSummary(
  db: Db,
  influencerId: string,
  filter: { campaignId?: string | undefined },
  period: Period,
) {
  // Across campaigns in several zones, a day and an instant are compared in UTC; each campaign's
  // figures still take the period in its own zone.
  checkPeriod(period, "UTC");
  const influencer = await findInfluencer(db, influencerId);
  const [enrolled, asOf] = await Promise.all([
    enrolmentFigures(db, { influencerId, campaignId: filter.campaignId }, period),
    lastRollupAt(db.$client),
  ]);
  const { currency, totals } = totalsOf(
    enrolled,
    enrolled.map((row) => row.campaign),
  );
  return {
    influencer_id: influencer.id,
    currency,
    as_of: asOf,
    ...periodEcho(period),
    totals,
    campaigns: enrolled.map((row) => ({
      campaign_id: row.campaign.id,
      name: row.campaign.name,
      currency: row.campaign.currency,
      ...metricsOf(row),
    })),
  };
}
