import { findCampaign } from "../campaigns/campaigns";
import { localDay } from "../campaigns/time-zones";
import type { Db } from "../db";
import { DomainError } from "../errors";
import { findInfluencer } from "../influencers/influencers";
import { computeMetrics } from "../metrics/formulas";
import { addDays, type Clock, daysFrom } from "../time";
import { followerGrowthByInterval } from "./audience";
import { fixedCostSpread } from "./costs";
import {
  addSums,
  enrolmentsIn,
  followersOf,
  lastRollupAt,
  ledgerCommission,
  postGrowthByDay,
  rolledUp,
  type Sums,
  ZERO_SUMS,
} from "./figures";
import { checkPeriod, type DayRange, type Period, periodDays } from "./periods";

export const MAX_TIMESERIES_DAYS = 366;

export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

// The first day of the interval a day belongs to: the day itself, the Monday of its week (weeks
// start on Monday, ISO-8601), or the first of its month. Calendar arithmetic on the date alone.
export function intervalStart(day: string, interval: Interval): string {
  if (interval === "day") return day;
  if (interval === "month") return `${day.slice(0, 7)}-01`;
  const sinceMonday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -sinceMonday);
}

const daysBetween = (range: DayRange) => daysFrom(range.from, range.to) + 1;

// The campaign's local days to chart. Given: the days of `from` and `to` (at most MAX_TIMESERIES_DAYS, else
// refused). Missing `to`: today. Missing `from`: the campaign's start, else its first rolled-up day,
// else `to`; a default start more than MAX_TIMESERIES_DAYS back is moved up to fit.
async function chartDays(
  d1: D1Database,
  campaign: { id: string; startsAt: Date | null; timezone: string },
  period: Period,
  clock: Clock,
): Promise<DayRange> {
  const zone = campaign.timezone;
  const bounded = { from: period.from, to: period.to ?? new Date(clock()) };
  checkPeriod(bounded, zone);
  const { to } = periodDays(bounded, zone);
  let from: string;
  if (period.from) {
    from = periodDays(bounded, zone).from;
    if (daysBetween({ from, to }) > MAX_TIMESERIES_DAYS) {
      throw new DomainError(
        "validation_failed",
        `A timeseries covers at most ${MAX_TIMESERIES_DAYS} days; ask for a shorter range.`,
        [{ path: "from", message: `More than ${MAX_TIMESERIES_DAYS} days before to.` }],
      );
    }
    return { from, to };
  }
  const first = await d1
    .prepare("SELECT MIN(day) AS day FROM rollup_influencer_daily WHERE campaign_id = ?")
    .bind(campaign.id)
    .first<{ day: string | null }>();
  from = campaign.startsAt ? localDay(campaign.startsAt.getTime(), zone) : (first?.day ?? to);
  const earliest = addDays(to, -(MAX_TIMESERIES_DAYS - 1));
  if (from < earliest) from = earliest;
  if (from > to) from = to;
  return { from, to };
}

// Counted, not walked by comparing names: the day after 9999-12-31 has no YYYY-MM-DD name and
// would sort before it.
function eachDay(range: DayRange): string[] {
  return Array.from({ length: daysFrom(range.from, range.to) + 1 }, (_, i) => addDays(range.from, i));
}

// A campaign's figures per local day, week or month (optionally one influencer's), every interval
// of the range present, empty ones as zeros. Counts and money are that interval's flows, from the
// rollup; a week or a month is the sum of its days within the range (its point is dated by the
// interval's first day, and the first and last may be cut by the range), and its ratios are
// computed from those sums, never averaged. Post figures are the growth within the interval (see
// postGrowthByDay), so ctr and emv are per interval too, and so are followers gained (see
// followerGrowthByInterval). The audience (for engagement_rate) is the current one. Cost is the
// interval's as the summary counts a period's (fees spread by costs.ts, the ledger's commission on
// its days), so the points' costs add up to the summary's over the same days, to the cent.
export async function campaignTimeseries(
  db: Db,
  campaignId: string,
  period: Period,
  clock: Clock,
  filter: { influencerId?: string | undefined; interval?: Interval | undefined } = {},
) {
  const interval = filter.interval ?? "day";
  const d1 = db.$client;
  const scope = { campaignId, influencerId: filter.influencerId };
  // Three rounds of reads, each in parallel: what the range depends on, the range, its figures.
  const [campaign, enrolled, asOf] = await Promise.all([
    findCampaign(db, campaignId),
    enrolmentsIn(db, scope),
    lastRollupAt(d1),
    filter.influencerId === undefined ? undefined : findInfluencer(db, filter.influencerId),
  ]);
  const days = await chartDays(d1, campaign, period, clock);
  const influencerIds = enrolled.map((e) => e.influencer.id);
  const intervalOf = (day: string) => intervalStart(day, interval);
  const [rolled, commission, growth, followers, audienceGrowth] = await Promise.all([
    rolledUp(d1, scope, days, ["day"]),
    ledgerCommission(d1, scope, days, ["day"]),
    postGrowthByDay(d1, scope, days),
    followersOf(d1, influencerIds),
    followerGrowthByInterval(
      d1,
      influencerIds,
      days,
      campaign.timezone,
      [...new Set(eachDay(days).map(intervalOf))],
      intervalOf,
    ),
  ]);
  const audience = [...followers.values()].reduce((a, b) => a + b, 0);
  const growthByDay = new Map(growth.map((row) => [row.day, row]));
  const rolledByDay = new Map(rolled.map((row) => [row.day, row]));
  const commissionByDay = new Map(commission.map((row) => [row.day, Number(row.commission)]));
  // Each interval's sums, its days within the range and the ledger's commission on them.
  const intervals = new Map<string, { sums: Sums; days: DayRange; commission: number }>();
  for (const day of eachDay(days)) {
    const start = intervalOf(day);
    const current = intervals.get(start) ?? { sums: ZERO_SUMS, days: { from: day, to: day }, commission: 0 };
    current.days.to = day;
    current.sums = addSums(addSums(current.sums, growthByDay.get(day)), rolledByDay.get(day));
    current.commission += commissionByDay.get(day) ?? 0;
    intervals.set(start, current);
  }
  // Fee and other costs of each interval's days, enrolment by enrolment, plus its commission.
  const spreads = enrolled.map(fixedCostSpread);
  const costOf = ({ days: span, commission: earned }: { days: DayRange; commission: number }) =>
    spreads.reduce((total, spread) => total + spread(span), earned);
  return {
    campaign_id: campaign.id,
    currency: campaign.currency,
    interval,
    as_of: asOf,
    from: days.from,
    to: days.to,
    points: [...intervals].map(([date, interval]) => {
      const { sums } = interval;
      const grown = audienceGrowth.get(date);
      return {
        date,
        ...computeMetrics(
          {
            ...sums,
            cost: costOf(interval),
            followers: audience,
            followersGained: grown?.gained ?? 0,
            followersAtStart: grown?.atStart ?? 0,
          },
          campaign.emvCpm,
        ),
      };
    }),
  };
}
