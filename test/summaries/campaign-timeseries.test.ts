import { describe, expect, it } from "vitest";
import { NO_SESSIONS } from "../support/behaviour-helpers";
import { enrol, order, post, promoCode, refund, rollUp, snapshot } from "../support/figure-helpers";
import {
  api,
  createCampaign,
  createInfluencer,
  createKey,
  createLink,
  expectError,
  follow,
  utcDay,
  waitForClicks,
} from "../support/helpers";

const DAY = 86_400_000;

const PHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

// Every Metrics field of a day with nothing in it but what is given (no cost unless given).
function day(date: string, audience: number, figures: Record<string, number | null> = {}) {
  return {
    date,
    impressions: 0,
    reach: 0,
    views: 0,
    engagements: 0,
    engagement_rate: 0 / audience,
    // No follower snapshot in these tests' days.
    followers_gained: 0,
    follower_growth_rate: 0,
    clicks: 0,
    unique_clicks: 0,
    bot_clicks: 0,
    ctr: null,
    ...NO_SESSIONS,
    leads: 0,
    conversions: 0,
    code_conversions: 0,
    click_conversions: 0,
    conversion_rate: null,
    revenue: 0,
    refunds: 0,
    net_revenue: 0,
    aov: null,
    cost: 0,
    roi: null,
    roas: null,
    cpa: null,
    cpl: null,
    cpc: null,
    emv: 0,
    ...figures,
  };
}

describe("GET /campaigns/:id/timeseries", () => {
  it("gives one point per UTC day, worked out by hand, with the day edges where they belong", async () => {
    // 20.00 of earned media per 1000 impressions.
    const campaign = await createCampaign({ name: "Timeseries", emv_cpm: 2_000 });
    const ana = await createInfluencer({ followers: 500 });
    const ben = await createInfluencer({ followers: 1_500 });
    await enrol(campaign.id, ana.id, { fee: 10_000, commission_rate: 0.1 });
    await enrol(campaign.id, ben.id, { fee: 5_000 });
    const anaCode = await promoCode(campaign.id, ana.id);
    const benCode = await promoCode(campaign.id, ben.id);

    // Ana: 10.00 at the last millisecond of 1 March, 20.00 at the first of 2 March, 3.00 of the
    // first refunded at midnight into 3 March. Ben: 5.00 on 2 March.
    const first = await order(anaCode, 1_000, "2026-03-01T23:59:59.999Z");
    await order(anaCode, 2_000, "2026-03-02T00:00:00.000Z");
    await order(benCode, 500, "2026-03-02T12:00:00Z");
    await refund(first, 300, "2026-03-03T00:00:00Z");
    // Ana's post: a snapshot before the range, two on 1 March (the later one is the day's), none on
    // 2 March, one on 3 March. Growth per day: 1 March 300 − 50 impressions and 30 − 5 likes;
    // 3 March 1000 − 300 impressions, 50 − 30 likes and 5 comments.
    const anaPost = await post(campaign.id, ana.id);
    await snapshot(anaPost, "2026-02-28T12:00:00Z", { impressions: 50, likes: 5 });
    await snapshot(anaPost, "2026-03-01T10:00:00Z", { impressions: 100, likes: 10 });
    await snapshot(anaPost, "2026-03-01T20:00:00Z", { impressions: 300, likes: 30 });
    await snapshot(anaPost, "2026-03-03T09:00:00Z", { impressions: 1_000, likes: 50, comments: 5 });
    await rollUp();

    const audience = 500 + 1_500;
    const res = await api(
      "GET",
      `/campaigns/${campaign.id}/timeseries?interval=day&from=2026-03-01T00:00:00Z&to=2026-03-03T23:59:59.999Z`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      campaign_id: campaign.id,
      currency: "EUR",
      interval: "day",
      as_of: expect.any(String),
      from: "2026-03-01",
      to: "2026-03-03",
    });
    expect(res.body.points).toEqual([
      day("2026-03-01", audience, {
        impressions: 250,
        engagements: 25,
        engagement_rate: 25 / audience,
        ctr: 0,
        conversions: 1,
        code_conversions: 1,
        revenue: 1_000,
        net_revenue: 1_000,
        aov: 1_000,
        emv: 500, // 250 / 1000 × 20.00
        // No campaign dates: the fees fall on the day of enrolment, outside these days. Ana's 10 %
        // commission on the running net revenue: 100 of 1,000; then 300 of 3,000, less the 100;
        // then 270 of 2,700, less the 300: the refund's day gives 30 back.
        cost: 100,
        roi: (1_000 - 100) / 100,
        roas: 1_000 / 100,
        cpa: 100,
      }),
      day("2026-03-02", audience, {
        conversions: 2,
        code_conversions: 2,
        revenue: 2_500,
        net_revenue: 2_500,
        aov: 1_250,
        cost: 200,
        roi: (2_500 - 200) / 200,
        roas: 2_500 / 200,
        cpa: 100,
      }),
      day("2026-03-03", audience, {
        impressions: 700,
        engagements: 25,
        engagement_rate: 25 / audience,
        ctr: 0,
        refunds: 300,
        net_revenue: -300,
        emv: 1_400,
        cost: -30,
        roi: (-300 - -30) / -30,
        roas: -300 / -30,
      }),
    ]);

    // One influencer: Ben's 5.00 on 2 March, nothing of Ana's post.
    const benOnly = await api(
      "GET",
      `/campaigns/${campaign.id}/timeseries?from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z&influencer_id=${ben.id}`,
    );
    expect(benOnly.status).toBe(200);
    expect(benOnly.body.points).toEqual([
      day("2026-03-01", 1_500),
      day("2026-03-02", 1_500, {
        conversions: 1,
        code_conversions: 1,
        revenue: 500,
        net_revenue: 500,
        aov: 500,
        cpa: 0, // Ben has no commission, and his fee is on the day he was enrolled
      }),
      day("2026-03-03", 1_500),
    ]);

    // The edges: the last millisecond of a day belongs to it, midnight to the next.
    const lastMs = await api(
      "GET",
      `/campaigns/${campaign.id}/timeseries?from=2026-03-01T23:59:59.999Z&to=2026-03-01T23:59:59.999Z`,
    );
    expect(lastMs.body.points.map((p: { date: string; revenue: number }) => [p.date, p.revenue])).toEqual([
      ["2026-03-01", 1_000],
    ]);
    const midnight = await api(
      "GET",
      `/campaigns/${campaign.id}/timeseries?from=2026-03-02T00:00:00Z&to=2026-03-02T00:00:00Z`,
    );
    expect(midnight.body.points.map((p: { date: string; revenue: number }) => [p.date, p.revenue])).toEqual([
      ["2026-03-02", 2_500],
    ]);
  });

  it("defaults to the first rolled-up day through today, with today's clicks", async () => {
    const campaign = await createCampaign({ name: "Default range" });
    const ana = await createInfluencer({ followers: 100 });
    const link = await createLink({ campaign_id: campaign.id, influencer_id: ana.id });
    // A first day a month back, not a fixed date: the default range starts at most 366 days back.
    const first = utcDay(Date.now() - 30 * DAY);
    await order(await promoCode(campaign.id, ana.id), 700, `${first}T08:00:00Z`);
    for (let i = 0; i < 2; i++) {
      await follow(link.slug, { headers: { "User-Agent": PHONE, "CF-Connecting-IP": "198.51.100.9" } });
    }
    await follow(link.slug, { headers: { "User-Agent": "Googlebot/2.1" } });
    const clicks = await waitForClicks(link.id, 3);
    await rollUp();

    // "Today" is the Worker's when it answers: the test's day before or after the request.
    const before = utcDay(Date.now());
    const res = await api("GET", `/campaigns/${campaign.id}/timeseries`);
    const after = utcDay(Date.now());
    expect(res.status).toBe(200);
    expect(res.body.from).toBe(first);
    expect([before, after]).toContain(res.body.to);
    const days = (Date.parse(res.body.to) - Date.parse(first)) / DAY + 1;
    expect(res.body.points).toHaveLength(days);
    expect(res.body.points[0]).toMatchObject({ date: first, revenue: 700, conversions: 1 });
    // The clicks on their own day (UTC midnight may have come since, or between them). One
    // visitor, so one unique click a day.
    const clickDays = [...new Set(clicks.map((c) => String(c.day)))];
    for (const date of clickDays) {
      const human = clicks.filter((c) => c.day === date && c.is_bot === 0).length;
      const point = res.body.points.find((p: { date: string }) => p.date === date);
      expect(point, date).toMatchObject({
        clicks: human,
        unique_clicks: human > 0 ? 1 : 0,
        bot_clicks: clicks.filter((c) => c.day === date && c.is_bot === 1).length,
        conversion_rate: human > 0 ? 0 : null,
        revenue: 0,
      });
    }
    const total = res.body.points.reduce((n: number, p: { clicks: number }) => n + p.clicks, 0);
    expect(total).toBe(2);
  });

  it("sums days into weeks from Monday and calendar months, each cut by the range", async () => {
    const campaign = await createCampaign({ name: "Weeks and months", emv_cpm: 1_000 });
    const ana = await createInfluencer({ followers: 1_000 });
    await enrol(campaign.id, ana.id, { fee: 1_000 });
    const code = await promoCode(campaign.id, ana.id);
    // Sunday 1 March 2026 ends the week of Monday 23 February; Monday 2 March starts the next.
    const sunday = await order(code, 1_000, "2026-03-01T23:59:59.999Z");
    await order(code, 2_000, "2026-03-02T00:00:00.000Z");
    // The last millisecond of March and the first of April.
    await order(code, 400, "2026-03-31T23:59:59.999Z");
    await order(code, 800, "2026-04-01T00:00:00.000Z");
    await refund(sunday, 100, "2026-03-02T08:00:00Z");
    const anaPost = await post(campaign.id, ana.id);
    await snapshot(anaPost, "2026-02-28T12:00:00Z", { impressions: 100, likes: 1 });
    await snapshot(anaPost, "2026-03-05T12:00:00Z", { impressions: 600, likes: 4 });
    await rollUp();
    const range = "from=2026-02-27T00:00:00Z&to=2026-04-02T00:00:00Z";
    const series = async (interval: string) => {
      const res = await api("GET", `/campaigns/${campaign.id}/timeseries?interval=${interval}&${range}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ interval, from: "2026-02-27", to: "2026-04-02" });
      return res.body.points as Record<string, number | string | null>[];
    };
    const pick = (points: Record<string, number | string | null>[]) =>
      points.map((p) => [p.date, p.conversions, p.revenue, p.refunds, p.impressions, p.aov]);
    expect(pick(await series("week"))).toEqual([
      ["2026-02-23", 1, 1_000, 0, 100, 1_000], // 27 Feb – Sun 1 Mar: the range cuts the week's start
      ["2026-03-02", 1, 2_000, 100, 500, 2_000],
      ["2026-03-09", 0, 0, 0, 0, null],
      ["2026-03-16", 0, 0, 0, 0, null],
      ["2026-03-23", 0, 0, 0, 0, null],
      ["2026-03-30", 2, 1_200, 0, 0, 600], // Tue 31 Mar and Wed 1 Apr: one week across the months
    ]);
    expect(pick(await series("month"))).toEqual([
      ["2026-02-01", 0, 0, 0, 100, null],
      ["2026-03-01", 3, 3_400, 100, 500, 3_400 / 3],
      ["2026-04-01", 1, 800, 0, 0, 800],
    ]);
    // Weeks and months are partitions of the same days: each additive figure adds up to the days'.
    const days = await series("day");
    for (const interval of ["week", "month"]) {
      const points = await series(interval);
      for (const field of [
        "clicks",
        "conversions",
        "revenue",
        "refunds",
        "net_revenue",
        "impressions",
        "engagements",
        "emv",
      ]) {
        const total = (list: Record<string, number | string | null>[]) =>
          list.reduce((sum, p) => sum + Number(p[field]), 0);
        expect(total(points), `${interval} ${field}`).toBe(total(days));
      }
    }
  });

  it("refuses what it cannot chart", async () => {
    const campaign = await createCampaign();
    const path = `/campaigns/${campaign.id}/timeseries`;
    expectError(await api("GET", `${path}?interval=year`), 422, "validation_failed");
    expectError(await api("GET", `${path}?from=yesterday`), 422, "validation_failed");
    expectError(
      await api("GET", `${path}?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z`),
      422,
      "validation_failed",
    );
    // 366 days is the most: 1 Jan to 1 Jan of a leap year's next is 367.
    expect((await api("GET", `${path}?from=2024-01-01T00:00:00Z&to=2024-12-31T00:00:00Z`)).status).toBe(200);
    expectError(
      await api("GET", `${path}?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z`),
      422,
      "validation_failed",
    );
    expectError(await api("GET", "/campaigns/cmp_missing/timeseries"), 404, "campaign_not_found");
    expectError(await api("GET", `${path}?influencer_id=inf_missing`), 404, "influencer_not_found");
    expectError(await api("GET", path, { key: null }), 401, "unauthorized");
    expectError(await api("GET", path, { key: (await createKey("checkout")).key }), 403, "forbidden");
  });
});
