import { describe, expect, it } from "vitest";
import { NO_SESSIONS } from "../support/behaviour-helpers";
import { settleLedger } from "../support/figure-helpers";
import {
  api,
  clockFromNoonUtc,
  createInfluencer,
  createKey,
  follow,
  unique,
  waitForClicks,
} from "../support/helpers";

const PHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const DAY = 86_400_000;

describe("GET /campaigns/:id/summary", () => {
  it("gives the figures of a small campaign worked out by hand", async () => {
    // The visitor who clicks twice is one unique click: both clicks on one UTC day.
    clockFromNoonUtc();
    const now = Date.now();
    const campaign = (
      await api("POST", "/campaigns", {
        body: {
          name: "Hand-made",
          objective: "sales",
          currency: "EUR",
          emv_cpm: 1000,
          starts_at: new Date(now - 2 * DAY).toISOString(),
          goals: [
            { metric: "conversions", target: 4, due: new Date(now + 8 * DAY).toISOString() },
            { metric: "revenue", target: 100_000, due: new Date(now + 8 * DAY).toISOString() },
          ],
        },
      })
    ).body;
    const ana = await createInfluencer({ handle: unique("ana"), followers: 1000 });
    const ben = await createInfluencer({ handle: unique("ben"), followers: 1000 });
    await api("POST", `/influencers/${ana.id}/followers`, { body: { count: 2000 } });
    await api("PUT", `/campaigns/${campaign.id}/influencers/${ana.id}`, {
      body: { fee: 10_000, commission_rate: 0.1 },
    });
    await api("PUT", `/campaigns/${campaign.id}/influencers/${ben.id}`, { body: { fee: 5_000 } });
    const link = (
      await api("POST", "/links", {
        body: { campaign_id: campaign.id, influencer_id: ana.id, url: "https://shop.example/" },
      })
    ).body;

    // Ana: 3 human clicks from 2 visitors, 1 bot; 2 sales (50.00 + 30.00), 10.00 refunded; 1 lead.
    const ids: string[] = [];
    for (const ip of ["198.51.100.1", "198.51.100.1", "198.51.100.2"]) {
      const res = await follow(link.slug, { headers: { "User-Agent": PHONE, "CF-Connecting-IP": ip } });
      ids.push(new URL(res.headers.get("Location") as string).searchParams.get("sl_cid") as string);
    }
    await follow(link.slug, { headers: { "User-Agent": "Googlebot/2.1" } });
    await waitForClicks(link.id, 4);
    const checkout = (await createKey("checkout")).key;
    const sale = (order: string, amount: number, clickId: string) =>
      api("POST", "/conversions", {
        key: checkout,
        body: {
          type: "sale",
          customer_id: unique("c"),
          click_id: clickId,
          order_id: order,
          amount,
          currency: "EUR",
        },
      });
    const order1 = unique("o");
    await sale(order1, 5_000, ids[0] as string);
    await sale(unique("o"), 3_000, ids[2] as string);
    await api("POST", "/refunds", {
      key: checkout,
      body: { order_id: order1, refund_id: unique("r"), amount: 1_000 },
    });
    await api("POST", "/conversions", {
      key: checkout,
      body: { type: "lead", customer_id: unique("l"), click_id: ids[1] },
    });
    // A post whose latest snapshot counts, not the earlier one.
    const post = (
      await api("POST", "/posts", {
        body: { campaign_id: campaign.id, influencer_id: ana.id, url: "https://ig.example/p/1" },
      })
    ).body;
    await api("POST", `/posts/${post.id}/metrics`, {
      body: { captured_at: new Date(now - DAY).toISOString(), impressions: 100 },
    });
    await api("POST", `/posts/${post.id}/metrics`, {
      body: {
        impressions: 10_000,
        reach: 8_000,
        views: 5_000,
        likes: 100,
        comments: 20,
        shares: 10,
        saves: 10,
      },
    });

    await api("POST", "/rollup");
    await settleLedger();
    const res = await api("GET", `/campaigns/${campaign.id}/summary`);
    expect(res.status).toBe(200);
    expect(res.body.as_of).toEqual(expect.any(String));

    const anaCost = 10_000 + 700; // fee + 10 % of each sale (5.00 + 3.00) less 10 % of the 10.00 refunded
    const [first, second] = res.body.influencers;
    expect(first).toEqual({
      influencer_id: ana.id,
      handle: ana.handle,
      impressions: 10_000,
      reach: 8_000,
      views: 5_000,
      engagements: 140,
      engagement_rate: 140 / 2000,
      // From her profile's 1000 to the snapshot's 2000.
      followers_gained: 1_000,
      follower_growth_rate: 1,
      clicks: 3,
      unique_clicks: 2,
      bot_clicks: 1,
      ctr: 3 / 10_000,
      ...NO_SESSIONS,
      leads: 1,
      conversions: 2,
      code_conversions: 0,
      click_conversions: 2,
      conversion_rate: 1,
      revenue: 8_000,
      refunds: 1_000,
      net_revenue: 7_000,
      aov: 4_000,
      cost: anaCost,
      roi: (7_000 - anaCost) / anaCost,
      roas: 7_000 / anaCost,
      cpa: anaCost / 2,
      cpl: anaCost,
      cpc: anaCost / 3,
      emv: 10_000, // 10 × 10.00
    });
    expect(second).toMatchObject({
      influencer_id: ben.id,
      clicks: 0,
      cost: 5_000,
      roi: -1,
      roas: 0,
      ctr: null,
      cpa: null,
      conversion_rate: null,
      aov: null,
    });
    expect(res.body.totals).toMatchObject({
      clicks: 3,
      revenue: 8_000,
      cost: anaCost + 5_000,
      engagement_rate: 140 / 3000,
      followers_gained: 1_000,
      follower_growth_rate: 1_000 / 2_000,
      roas: 7_000 / (anaCost + 5_000),
    });
    // 2 of 4 conversions with a fifth of the time gone: on track; 80.00 of 1,000.00 revenue: not.
    expect(res.body.goals).toEqual([
      expect.objectContaining({ metric: "conversions", value: 2, progress: 0.5, on_track: true }),
      expect.objectContaining({ metric: "revenue", value: 8_000, progress: 0.08, on_track: false }),
    ]);

    // Sorted by another figure, and an empty period.
    const byCost = await api("GET", `/campaigns/${campaign.id}/summary?sort=cost`);
    expect(byCost.body.influencers.map((i: { influencer_id: string }) => i.influencer_id)).toEqual([
      ana.id,
      ben.id,
    ]);
    const byCpa = await api("GET", `/campaigns/${campaign.id}/summary?sort=cpa`);
    expect(byCpa.body.influencers[1].cpa).toBeNull();
    const past = await api(
      "GET",
      `/campaigns/${campaign.id}/summary?from=2020-01-01T00:00:00Z&to=2020-01-31T00:00:00Z`,
    );
    expect(past.body.totals).toMatchObject({ clicks: 0, revenue: 0, impressions: 0 });
    const bad = await api(
      "GET",
      `/campaigns/${campaign.id}/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(bad.status).toBe(422);
    expect((await api("GET", "/campaigns/cmp_missing/summary")).status).toBe(404);
  });
});
