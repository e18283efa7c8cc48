import type { MetricField } from "./metric-fields";

// The one place the contract's metric formulas live. Inputs are sums over events (counts, and
// money in the campaign's minor units); every ratio whose denominator is zero is null.

export type RawTotals = {
  impressions: number;
  reach: number;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  followers: number;
  // Audience growth over the period, summed over the influencers (each once), and their follower
  // count at its start (see src/summaries/audience.ts).
  followersGained: number;
  followersAtStart: number;
  clicks: number;
  uniqueClicks: number;
  botClicks: number;
  // Visitor behaviour after the click (the shop's script): sessions on the day they started, those
  // engaged (10 s or more engaged, 2 or more page views, or a sale through the click) and
  // returning, and their page views and engaged seconds.
  sessions: number;
  engagedSessions: number;
  returningSessions: number;
  pageViews: number;
  engagedSeconds: number;
  leads: number;
  // All sales, and the same split by path: attributed by a promo code, or by a click (its id, or
  // the customer's earliest lead, which came through one).
  conversions: number;
  codeConversions: number;
  clickConversions: number;
  revenue: number;
  refunds: number;
  // What the influencer(s) cost (fee and other costs by spreadShare, and the commission ledger's
  // entries): summed per influencer, since each has their own terms. null where no cost can be
  // told; then every figure made from it is null too.
  cost: number | null;
};

export type Metrics = Record<MetricField, number | null>;

export const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

// The part of `total` (minor units) booked on days [0..k) of an N-day spread: floor(total × k ÷ N).
// Floors of the running share telescope, so any partition of the days into periods adds up to
// `total` exactly. In BigInt: total × k may pass 2^53.
export function spreadThrough(total: number, k: number, days: number): number {
  const product = BigInt(total) * BigInt(k);
  const n = BigInt(days);
  // BigInt division truncates toward zero; a floor for negative products too.
  const quotient = product / n;
  return Number(product % n !== 0n && product < 0n ? quotient - 1n : quotient);
}

// What a period books of a spread over N days: it covers the spread's days [start..end) (clamped).
export function spreadShare(total: number, start: number, end: number, days: number): number {
  const clamp = (k: number) => Math.min(days, Math.max(0, k));
  const [s, e] = [clamp(start), clamp(end)];
  return e <= s ? 0 : spreadThrough(total, e, days) - spreadThrough(total, s, days);
}

// Earned media value: impressions ÷ 1000 × the campaign's emv_cpm, in its minor units (rounded);
// null when the campaign has no emv_cpm.
export const emvOf = (impressions: number, emvCpm: number | null): number | null =>
  emvCpm === null ? null : Math.round((impressions / 1000) * emvCpm);

export type BehaviourSums = Pick<
  RawTotals,
  "sessions" | "engagedSessions" | "returningSessions" | "pageViews" | "engagedSeconds"
>;

// The behaviour figures of some sessions' sums: a summary's, a breakdown row's.
export const behaviourMetrics = (sums: BehaviourSums) => ({
  sessions: sums.sessions,
  engaged_sessions: sums.engagedSessions,
  bounce_rate: sums.sessions === 0 ? null : 1 - sums.engagedSessions / sums.sessions,
  pages_per_session: ratio(sums.pageViews, sums.sessions),
  avg_engaged_seconds: ratio(sums.engagedSeconds, sums.sessions),
  returning_sessions: sums.returningSessions,
});

export function computeMetrics(totals: RawTotals, emvCpm: number | null): Metrics {
  const engagements = totals.likes + totals.comments + totals.shares + totals.saves;
  const netRevenue = totals.revenue - totals.refunds;
  const { cost } = totals;
  return {
    impressions: totals.impressions,
    reach: totals.reach,
    views: totals.views,
    engagements,
    engagement_rate: ratio(engagements, totals.followers),
    followers_gained: totals.followersGained,
    follower_growth_rate: ratio(totals.followersGained, totals.followersAtStart),
    clicks: totals.clicks,
    unique_clicks: totals.uniqueClicks,
    bot_clicks: totals.botClicks,
    ctr: ratio(totals.clicks, totals.impressions),
    ...behaviourMetrics(totals),
    leads: totals.leads,
    conversions: totals.conversions,
    code_conversions: totals.codeConversions,
    click_conversions: totals.clickConversions,
    // Only sales a click explains: a code order by someone who never clicked is no click's outcome.
    conversion_rate: ratio(totals.clickConversions, totals.uniqueClicks),
    revenue: totals.revenue,
    refunds: totals.refunds,
    net_revenue: netRevenue,
    aov: ratio(totals.revenue, totals.conversions),
    cost,
    roi: cost === null ? null : ratio(netRevenue - cost, cost),
    roas: cost === null ? null : ratio(netRevenue, cost),
    cpa: cost === null ? null : ratio(cost, totals.conversions),
    cpl: cost === null ? null : ratio(cost, totals.leads),
    cpc: cost === null ? null : ratio(cost, totals.clicks),
    emv: emvOf(totals.impressions, emvCpm),
  };
}
