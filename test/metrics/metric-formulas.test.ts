import { describe, expect, it } from "vitest";
import { computeMetrics, type RawTotals, spreadShare } from "../../src/metrics/formulas";
import { NO_SESSIONS } from "../support/behaviour-helpers";

const zero: RawTotals = {
  impressions: 0,
  reach: 0,
  views: 0,
  likes: 0,
  comments: 0,
  shares: 0,
  saves: 0,
  followers: 0,
  followersGained: 0,
  followersAtStart: 0,
  clicks: 0,
  uniqueClicks: 0,
  botClicks: 0,
  sessions: 0,
  engagedSessions: 0,
  returningSessions: 0,
  pageViews: 0,
  engagedSeconds: 0,
  leads: 0,
  conversions: 0,
  codeConversions: 0,
  clickConversions: 0,
  revenue: 0,
  refunds: 0,
  cost: 0,
};

describe("metric formulas", () => {
  it("work out a small campaign by hand", () => {
    // An influencer paid 500.00 + 50.00 other costs + 10 % commission. 20,000 impressions,
    // 400 clicks (320 unique), 3 leads, 8 orders (2 by code, 6 by click) for 1,200.00, 100.00
    // refunded.
    // All time: the whole fee and other costs, and the commission the ledger booked (10 % of the
    // net revenue, 1,100.00: 110.00).
    const cost = spreadShare(50_000 + 5_000, 0, 30, 30) + 11_000;
    expect(cost).toBe(66_000); // 500 + 50 + 110 = 660.00
    const m = computeMetrics(
      {
        ...zero,
        impressions: 20_000,
        reach: 15_000,
        views: 9_000,
        likes: 900,
        comments: 60,
        shares: 30,
        saves: 10,
        followers: 50_000,
        followersGained: 2_000,
        followersAtStart: 48_000,
        clicks: 400,
        uniqueClicks: 320,
        botClicks: 25,
        leads: 3,
        conversions: 8,
        codeConversions: 2,
        clickConversions: 6,
        revenue: 120_000,
        refunds: 10_000,
        cost,
      },
      1_500, // EMV: 15.00 per 1000 impressions
    );
    expect(m).toEqual({
      impressions: 20_000,
      reach: 15_000,
      views: 9_000,
      engagements: 1_000,
      engagement_rate: 0.02, // 1,000 / 50,000
      followers_gained: 2_000,
      follower_growth_rate: 2_000 / 48_000,
      clicks: 400,
      unique_clicks: 320,
      bot_clicks: 25,
      ctr: 0.02, // 400 / 20,000
      ...NO_SESSIONS,
      leads: 3,
      conversions: 8,
      code_conversions: 2,
      click_conversions: 6,
      conversion_rate: 0.01875, // 6 / 320: the code orders are no click's
      revenue: 120_000,
      refunds: 10_000,
      net_revenue: 110_000,
      aov: 15_000, // 1,200.00 / 8 = 150.00
      cost: 66_000,
      roi: (110_000 - 66_000) / 66_000, // 0.666…
      roas: 110_000 / 66_000, // 1.666…
      cpa: 8_250, // 660.00 / 8 = 82.50
      cpl: 22_000, // 660.00 / 3 = 220.00
      cpc: 165, // 660.00 / 400 = 1.65
      emv: 30_000, // 20 × 15.00 = 300.00
    });
  });

  it("give null, never NaN or Infinity, for every zero denominator", () => {
    const m = computeMetrics(zero, null);
    for (const field of [
      "engagement_rate",
      "follower_growth_rate",
      "ctr",
      "conversion_rate",
      "bounce_rate",
      "pages_per_session",
      "avg_engaged_seconds",
      "aov",
      "roi",
      "roas",
      "cpa",
      "cpl",
      "cpc",
      "emv",
    ]) {
      expect(m[field as keyof typeof m], field).toBeNull();
    }
    expect(Object.values(m).every((v) => v === null || Number.isFinite(v))).toBe(true);
    // Clicks without impressions reported: CTR unknown, not infinite.
    expect(computeMetrics({ ...zero, clicks: 10 }, 1000).ctr).toBeNull();
    expect(computeMetrics({ ...zero, clicks: 10 }, 1000).emv).toBe(0);
  });

  it("work out visitor behaviour by hand", () => {
    // 4 sessions, 3 of them engaged, 1 returning; 10 page views and 90 engaged seconds in all.
    const m = computeMetrics(
      { ...zero, sessions: 4, engagedSessions: 3, returningSessions: 1, pageViews: 10, engagedSeconds: 90 },
      null,
    );
    expect(m).toMatchObject({
      sessions: 4,
      engaged_sessions: 3,
      bounce_rate: 0.25,
      pages_per_session: 2.5,
      avg_engaged_seconds: 22.5,
      returning_sessions: 1,
    });
  });

  it("spread a cost over days with floors of the running share, the cents left to later days", () => {
    expect([0, 1, 2].map((day) => spreadShare(100, day, day + 1, 3))).toEqual([33, 33, 34]);
    expect(spreadShare(100, -5, 10, 3)).toBe(100); // clamped to the spread's days
    expect(spreadShare(100, 2, 1, 3)).toBe(0);
  });
});
