import { beforeAll, describe, expect, it } from "vitest";
import { NO_SESSIONS } from "../support/behaviour-helpers";
import { enrol, order, post, promoCode, refund, rollUp, snapshot } from "../support/figure-helpers";
import { api, createCampaign, createInfluencer, createKey, expectError } from "../support/helpers";

type Row = Record<string, unknown> & { campaign_id: string };
const MONEY = ["revenue", "refunds", "net_revenue", "aov", "cost", "roi", "roas", "cpa", "cpl", "cpc", "emv"];

// Mia works for a EUR campaign and a USD one; Noa for the same EUR campaign and another EUR one.
type Created = Awaited<ReturnType<typeof createCampaign>>;
let eur: Created;
let usd: Created;
let eur2: Created;
let mia: Created;
let noa: Created;

beforeAll(async () => {
  eur = await createCampaign({ name: "Spring EUR", currency: "EUR", emv_cpm: 1_000 });
  usd = await createCampaign({ name: "Spring USD", currency: "USD" });
  eur2 = await createCampaign({ name: "Autumn EUR", currency: "EUR", emv_cpm: 3_000 });
  mia = await createInfluencer({ followers: 1_000 });
  noa = await createInfluencer({ followers: 800 });
  // Mia's latest follower count replaces her profile's.
  await api("POST", `/influencers/${mia.id}/followers`, { body: { count: 4_000 } });

  await enrol(eur.id, mia.id, { fee: 1_000, commission_rate: 0.1 });
  await enrol(usd.id, mia.id, { fee: 2_000 });
  await enrol(eur.id, noa.id, { fee: 500 });
  await enrol(eur2.id, noa.id, { commission_rate: 0.5 });

  // Mia, EUR: 100.00 on 10 April, 20.00 of it refunded on 11 April, 50.00 at midnight into 12 April;
  // a post of 2000 impressions and 100 likes. USD: 30.00 on 10 April.
  const miaEur = await promoCode(eur.id, mia.id);
  const big = await order(miaEur, 10_000, "2026-04-10T12:00:00Z");
  await refund(big, 2_000, "2026-04-11T23:59:59.999Z");
  await order(miaEur, 5_000, "2026-04-12T00:00:00.000Z");
  await snapshot(await post(eur.id, mia.id), "2026-04-10T13:00:00Z", { impressions: 2_000, likes: 100 });
  await order(await promoCode(usd.id, mia.id), 3_000, "2026-04-10T08:00:00Z", "USD");

  // Noa: 40.00 and 1500 impressions in the first EUR campaign, 10.00 and 500 in the second.
  await order(await promoCode(eur.id, noa.id), 4_000, "2026-04-10T09:00:00Z");
  await snapshot(await post(eur.id, noa.id), "2026-04-10T10:00:00Z", { impressions: 1_500 });
  await order(await promoCode(eur2.id, noa.id), 1_000, "2026-04-10T09:00:00Z");
  await snapshot(await post(eur2.id, noa.id), "2026-04-10T10:00:00Z", { impressions: 500 });
  await rollUp();
});

// Mia's figures, by hand.
const miaEurCost = 1_000 + 1_300; // fee + 10 % of 130.00 net
const miaEurRow = () => ({
  campaign_id: eur.id,
  name: "Spring EUR",
  currency: "EUR",
  impressions: 2_000,
  reach: 0,
  views: 0,
  engagements: 100,
  engagement_rate: 100 / 4_000,
  // From her profile's 1000 to the snapshot's 4000.
  followers_gained: 3_000,
  follower_growth_rate: 3,
  clicks: 0,
  unique_clicks: 0,
  bot_clicks: 0,
  ctr: 0,
  ...NO_SESSIONS,
  leads: 0,
  conversions: 2,
  code_conversions: 2,
  click_conversions: 0,
  conversion_rate: null,
  revenue: 15_000,
  refunds: 2_000,
  net_revenue: 13_000,
  aov: 7_500,
  cost: miaEurCost,
  roi: (13_000 - miaEurCost) / miaEurCost,
  roas: 13_000 / miaEurCost,
  cpa: miaEurCost / 2,
  cpl: null,
  cpc: null,
  emv: 2_000, // 2000 / 1000 × 10.00
});

describe("GET /influencers/:id/summary", () => {
  it("gives each campaign in its own currency and no money total across currencies", async () => {
    const res = await api("GET", `/influencers/${mia.id}/summary`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ influencer_id: mia.id, currency: null, as_of: expect.any(String) });
    const byId = new Map(res.body.campaigns.map((c: Row) => [c.campaign_id, c]));
    expect(res.body.campaigns).toHaveLength(2);
    expect(byId.get(eur.id)).toEqual(miaEurRow());
    expect(byId.get(usd.id)).toMatchObject({
      currency: "USD",
      conversions: 1,
      revenue: 3_000,
      cost: 2_000,
      roi: 0.5,
      roas: 1.5,
      emv: null, // the campaign has no emv_cpm
      impressions: 0,
      engagement_rate: 0,
    });
    const totals = res.body.totals;
    for (const field of MONEY) expect(totals[field], field).toBeNull();
    // Counts add up; the audience is Mia's once, not once per campaign.
    expect(totals).toMatchObject({
      conversions: 3,
      impressions: 2_000,
      engagements: 100,
      engagement_rate: 100 / 4_000,
      // Her growth once, not once per campaign.
      followers_gained: 3_000,
      follower_growth_rate: 3,
      ctr: 0,
      ...NO_SESSIONS,
      clicks: 0,
      conversion_rate: null,
    });
  });

  it("adds money up when the campaigns share a currency, emv at each campaign's own rate", async () => {
    const res = await api("GET", `/influencers/${noa.id}/summary`);
    expect(res.status).toBe(200);
    expect(res.body.currency).toBe("EUR");
    const cost = 500 + 500; // fee in the first; 50 % of 10.00 in the second
    expect(res.body.totals).toMatchObject({
      revenue: 5_000,
      net_revenue: 5_000,
      conversions: 2,
      aov: 2_500,
      cost,
      roi: (5_000 - cost) / cost,
      roas: 5_000 / cost,
      cpa: cost / 2,
      impressions: 2_000,
      emv: 1_500 + 1_500, // 1500 / 1000 × 10.00 + 500 / 1000 × 30.00
      engagement_rate: 0 / 800,
    });

    // One campaign of Mia's: its own currency, money again.
    const one = await api("GET", `/influencers/${mia.id}/summary?campaign_id=${eur.id}`);
    expect(one.body.currency).toBe("EUR");
    expect(one.body.campaigns).toEqual([miaEurRow()]);
    const { campaign_id: _, name: __, currency: ___, ...metrics } = miaEurRow();
    expect(one.body.totals).toEqual(metrics);
  });

  it("counts the UTC days from `from` to `to`, the last millisecond and midnight included", async () => {
    const eleventh = await api(
      "GET",
      `/influencers/${mia.id}/summary?campaign_id=${eur.id}&from=2026-04-11T00:00:00Z&to=2026-04-11T23:59:59.999Z`,
    );
    expect(eleventh.body.totals).toMatchObject({
      revenue: 0,
      refunds: 2_000,
      conversions: 0,
      net_revenue: -2_000,
    });
    const twelfth = await api(
      "GET",
      `/influencers/${mia.id}/summary?campaign_id=${eur.id}&from=2026-04-12T00:00:00Z&to=2026-04-12T00:00:00Z`,
    );
    expect(twelfth.body.totals).toMatchObject({ revenue: 5_000, refunds: 0, conversions: 1 });
    // Before the post's snapshot was captured, there are no post figures.
    const before = await api("GET", `/influencers/${mia.id}/summary?to=2026-04-10T12:59:59Z`);
    expect(before.body.totals).toMatchObject({ impressions: 0, conversions: 2 });
  });

  it("refuses bad input and unknown influencers", async () => {
    expectError(await api("GET", "/influencers/inf_missing/summary"), 404, "influencer_not_found");
    expectError(await api("GET", `/influencers/${mia.id}/summary?from=soon`), 422, "validation_failed");
    expectError(
      await api("GET", `/influencers/${mia.id}/summary?from=2026-04-12T00:00:00Z&to=2026-04-11T00:00:00Z`),
      422,
      "validation_failed",
    );
    expectError(await api("GET", `/influencers/${mia.id}/summary`, { key: null }), 401, "unauthorized");
    const miaKey = (await createKey("influencer", { influencer_id: mia.id })).key;
    expectError(await api("GET", `/influencers/${mia.id}/summary`, { key: miaKey }), 403, "forbidden");
  });
});

describe("GET /me/summary", () => {
  it("shows an influencer key its own figures and nothing of anyone else's", async () => {
    const miaKey = (await createKey("influencer", { influencer_id: mia.id })).key;
    const noaKey = (await createKey("influencer", { influencer_id: noa.id })).key;

    const miaOwn = await api("GET", "/me/summary", { key: miaKey });
    expect(miaOwn.status).toBe(200);
    expect(miaOwn.body).toEqual((await api("GET", `/influencers/${mia.id}/summary`)).body);
    expect(miaOwn.body.influencer_id).toBe(mia.id);

    const noaOwn = await api("GET", "/me/summary", { key: noaKey });
    expect(noaOwn.body.influencer_id).toBe(noa.id);
    expect(noaOwn.body.campaigns.map((c: Row) => c.campaign_id).sort()).toEqual([eur.id, eur2.id].sort());
    // Noa's row in the campaign they share is Noa's, not Mia's.
    expect(noaOwn.body.campaigns.find((c: Row) => c.campaign_id === eur.id)).toMatchObject({
      revenue: 4_000,
      cost: 500,
    });
    // A campaign Noa is not in: nothing, not Mia's figures in it.
    const notTheirs = await api("GET", `/me/summary?campaign_id=${usd.id}`, { key: noaKey });
    expect(notTheirs.status).toBe(200);
    expect(notTheirs.body.campaigns).toEqual([]);
    expect(notTheirs.body.totals).toMatchObject({ revenue: 0, conversions: 0 });

    const filtered = await api("GET", `/me/summary?campaign_id=${eur.id}&from=2026-04-12T00:00:00Z`, {
      key: miaKey,
    });
    expect(filtered.body.totals).toMatchObject({ revenue: 5_000, conversions: 1 });
  });

  it("is for influencer keys only", async () => {
    expectError(await api("GET", "/me/summary"), 403, "forbidden");
    expectError(
      await api("GET", "/me/summary", { key: (await createKey("checkout")).key }),
      403,
      "forbidden",
    );
    expectError(await api("GET", "/me/summary", { key: null }), 401, "unauthorized");
    expectError(await api("GET", "/me/summary", { key: "swl_unknown_key" }), 401, "unauthorized");
  });
});
