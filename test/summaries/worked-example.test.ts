import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newClickId } from "../../src/clicks/click-id";
import { enrol, order, post, promoCode, refund, rollUp, snapshot } from "../support/figure-helpers";
import { api, createInfluencer, createKey, createLink, unique } from "../support/helpers";
import { capturedClick, clicksMessage, deliver } from "../support/queue-helpers";

// The worked example of docs/metrics.md, event for event: every figure expected here is the one
// worked out by hand there. Change one, change both.

async function clickAt(
  link: { id: string; campaign_id: string; influencer_id: string },
  at: string,
  visitor: string,
) {
  const clickedAt = Date.parse(at);
  const id = newClickId(env.SIGNING_SECRET, link.id, clickedAt);
  await deliver([
    clicksMessage(
      capturedClick({
        id,
        link_id: link.id,
        campaign_id: link.campaign_id,
        influencer_id: link.influencer_id,
        clicked_at: clickedAt,
        visitor_hash: visitor.repeat(64),
      }),
    ),
  ]);
  return id;
}

async function spring() {
  const campaign = (
    await api("POST", "/campaigns", {
      body: {
        name: "Spring",
        objective: "sales",
        currency: "EUR",
        timezone: "Europe/Paris",
        starts_at: "2026-02-28T23:00:00Z", // 1 March, 00:00 in Paris
        ends_at: "2026-03-10T22:59:59Z", // 10 March, 23:59:59
        emv_cpm: 500,
      },
    })
  ).body;
  const ana = await createInfluencer({ followers: 2_000 });
  await enrol(campaign.id, ana.id, { fee: 30_000, other_costs: 5_000, commission_rate: 0.1 });
  const created = await createLink({ campaign_id: campaign.id, influencer_id: ana.id });
  const link = {
    id: created.id as string,
    campaign_id: campaign.id as string,
    influencer_id: ana.id as string,
  };
  const code = await promoCode(campaign.id, ana.id);
  const postId = await post(campaign.id, ana.id);

  await clickAt(link, "2026-03-02T10:00:00Z", "a");
  await clickAt(link, "2026-03-02T10:05:00Z", "a");
  const clickOfB = await clickAt(link, "2026-03-02T11:00:00Z", "b");
  await clickAt(link, "2026-03-02T12:00:00Z", "c");
  const codeOrder = await order(code, 10_000, "2026-03-02T23:30:00Z");
  await snapshot(postId, "2026-03-03T18:00:00Z", { impressions: 10_000, likes: 400 });
  const sale = await api("POST", "/conversions", {
    key: (await createKey("checkout")).key,
    body: {
      type: "sale",
      customer_id: unique("buyer"),
      click_id: clickOfB,
      order_id: unique("o"),
      amount: 6_000,
      currency: "EUR",
      occurred_at: "2026-03-05T15:00:00Z",
    },
  });
  expect(sale.status, JSON.stringify(sale.body)).toBe(201);
  await snapshot(postId, "2026-03-06T18:00:00Z", { impressions: 25_000, likes: 900 });
  const followers = await api("POST", `/influencers/${ana.id}/followers`, {
    body: { count: 2_150, captured_at: "2026-03-06T18:00:00Z" },
  });
  expect(followers.status).toBe(201);
  await refund(codeOrder, 2_000, "2026-03-08T09:00:00Z");
  await rollUp();
  return campaign.id as string;
}

describe("the worked example of docs/metrics.md", () => {
  it("gives the figures worked out by hand, week by week and for the whole campaign", async () => {
    const id = await spring();
    const totals = async (query: string) => {
      const res = await api("GET", `/campaigns/${id}/summary${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.totals;
    };
    const weekOne = await totals("?from=2026-03-01&to=2026-03-05");
    expect(weekOne).toMatchObject({
      clicks: 4,
      unique_clicks: 3,
      ctr: 4 / 10_000,
      conversions: 2,
      code_conversions: 1,
      click_conversions: 1,
      conversion_rate: 1 / 3,
      revenue: 16_000,
      refunds: 0,
      net_revenue: 16_000,
      impressions: 10_000,
      engagements: 400,
      emv: 5_000,
      followers_gained: 0,
      cost: 19_100,
      roi: (16_000 - 19_100) / 19_100,
      roas: 16_000 / 19_100,
      cpa: 9_550,
    });
    expect(weekOne.roi.toFixed(3)).toBe("-0.162");
    expect(weekOne.roas.toFixed(2)).toBe("0.84");

    const weekTwo = await totals("?from=2026-03-06&to=2026-03-10");
    expect(weekTwo).toMatchObject({
      clicks: 0,
      conversions: 0,
      refunds: 2_000,
      net_revenue: -2_000,
      impressions: 15_000,
      engagements: 500,
      emv: 7_500,
      followers_gained: 150,
      follower_growth_rate: 0.075,
      cost: 17_300,
    });
    expect(weekTwo.roi.toFixed(4)).toBe("-1.1156");

    const whole = await totals("");
    expect(whole).toMatchObject({
      clicks: 4,
      conversions: 2,
      revenue: 16_000,
      refunds: 2_000,
      net_revenue: 14_000,
      impressions: 25_000,
      emv: 12_500,
      followers_gained: 150,
      cost: 36_400,
      cpa: 18_200,
    });
    expect(whole.roi.toFixed(3)).toBe("-0.615");
    expect(whole.roas.toFixed(2)).toBe("0.38");

    // The daily timeseries: the code order on 3 March (Paris), €35.00 of spread every day plus
    // the day's commission.
    const days = (await api("GET", `/campaigns/${id}/timeseries?from=2026-03-01&to=2026-03-10`)).body.points;
    expect(
      days.map((p: { date: string; revenue: number; cost: number }) => [p.date, p.revenue, p.cost]),
    ).toEqual([
      ["2026-03-01", 0, 3_500],
      ["2026-03-02", 0, 3_500],
      ["2026-03-03", 10_000, 4_500],
      ["2026-03-04", 0, 3_500],
      ["2026-03-05", 6_000, 4_100],
      ["2026-03-06", 0, 3_500],
      ["2026-03-07", 0, 3_500],
      ["2026-03-08", 0, 3_300],
      ["2026-03-09", 0, 3_500],
      ["2026-03-10", 0, 3_500],
    ]);
  });
});
