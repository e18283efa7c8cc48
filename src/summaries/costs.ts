import type { campaigns, enrolments } from "../../schema";
import { campaignDayNumber, localDay } from "../campaigns/time-zones";
import { spreadShare } from "../metrics/formulas";
import { daysFrom } from "../time";
import { BEFORE_ALL_DAYS, type DayRange, PAST_ALL_DAYS } from "./periods";

// Fee and other costs over some of a campaign's local days: the summaries' periods and the
// timeseries' points read them from here, so that they agree and any partition adds up. (The
// commission is the ledger's entries on those days: see ledgerCommission.)

type Costed = {
  campaign: Pick<typeof campaigns.$inferSelect, "timezone" | "startsAt" | "endsAt">;
  enrolment: Pick<typeof enrolments.$inferSelect, "fee" | "otherCosts" | "createdAt">;
};

// How an enrolment's fee and other costs are laid on the campaign's local days: spread over the
// days from starts_at's to ends_at's, both included, so that any partition of those days adds up
// to the whole exactly; without both dates, all on the local day the influencer was enrolled.
// Worked out once per enrolment (local days cost an Intl call each), then asked per period.
export function fixedCostSpread({ campaign, enrolment }: Costed): (days: DayRange) => number {
  const total = enrolment.fee + enrolment.otherCosts;
  const zone = campaign.timezone;
  if (!campaign.startsAt || !campaign.endsAt) {
    const enrolled = localDay(enrolment.createdAt.getTime(), zone);
    return (days) => (enrolled >= days.from && enrolled <= days.to ? total : 0);
  }
  const first = localDay(campaign.startsAt.getTime(), zone);
  const n = Math.max(1, campaignDayNumber(campaign.startsAt.getTime(), campaign.endsAt.getTime(), zone));
  return (days) => {
    const start = days.from === BEFORE_ALL_DAYS ? 0 : daysFrom(first, days.from);
    const end = days.to === PAST_ALL_DAYS ? n : daysFrom(first, days.to) + 1;
    return spreadShare(total, start, end, n);
  };
}
