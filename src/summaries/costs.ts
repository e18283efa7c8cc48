import type { campaigns, enrolments } from "../../schema";
import { localDay } from "../campaigns/time-zones";
import { periodCommission, spreadShare } from "../metrics/formulas";
import { daysFrom } from "../time";
import { BEFORE_ALL_DAYS, type DayRange, PAST_ALL_DAYS } from "./periods";

// What an influencer costs over some of a campaign's local days: the summaries' periods and the
// timeseries' points read it from here, so that they agree and any partition adds up.

type Costed = {
  campaign: Pick<typeof campaigns.$inferSelect, "timezone" | "startsAt" | "endsAt">;
  enrolment: Pick<typeof enrolments.$inferSelect, "fee" | "otherCosts" | "commissionRate" | "createdAt">;
};
// What was sold: revenue and refunds in minor units.
export type Sold = { revenue: number; refunds: number };

// Fee and other costs booked on the local days `days` (open ends as BEFORE_ALL_DAYS and
// PAST_ALL_DAYS). Spread over the campaign's local days from starts_at's to ends_at's, both
// included, so that any partition of those days adds up to the whole exactly; without both
// dates, all on the local day the influencer was enrolled.
export function fixedCost({ campaign, enrolment }: Costed, days: DayRange): number {
  const total = enrolment.fee + enrolment.otherCosts;
  const zone = campaign.timezone;
  if (!campaign.startsAt || !campaign.endsAt) {
    const enrolled = localDay(enrolment.createdAt.getTime(), zone);
    return enrolled >= days.from && enrolled <= days.to ? total : 0;
  }
  const first = localDay(campaign.startsAt.getTime(), zone);
  const n = Math.max(1, daysFrom(first, localDay(campaign.endsAt.getTime(), zone)) + 1);
  const start = days.from === BEFORE_ALL_DAYS ? 0 : daysFrom(first, days.from);
  const end = days.to === PAST_ALL_DAYS ? n : daysFrom(first, days.to) + 1;
  return spreadShare(total, start, end, n);
}

// The cost of the days: fixed costs spread onto them, and the commission on what was sold in
// them (`before`: everything sold before them, which the commission's rounding telescopes over).
export function costOfDays(costed: Costed, days: DayRange, before: Sold, during: Sold): number {
  const netBefore = before.revenue - before.refunds;
  const net = during.revenue - during.refunds;
  return (
    fixedCost(costed, days) + periodCommission(costed.enrolment.commissionRate, netBefore, netBefore + net)
  );
}
