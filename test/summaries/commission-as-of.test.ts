import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { campaignGlances } from "../../src/summaries/campaign-glance";
import { enrol, promoCode } from "../support/figure-helpers";
import { api, createCampaign, createInfluencer } from "../support/helpers";
import { deliverEach, entriesOf, heldQueue, heldRefund, heldSale } from "../support/ledger-helpers";

// The figures' commission is as of the rollup, like revenue: a ledger entry counts in the summary,
// the timeseries and the campaign list's key figures once the rollup has counted the sale, lead or
// refund it comes from, whichever of the two comes first. The ledger itself is live.

const FEE = 1_000;
const SOLD_AT = "2026-11-02T10:00:00.000Z";
const REFUNDED_AT = "2026-11-03T10:00:00.000Z";
// The sales' and the refund's days (UTC, the campaign's zone); the fee is on the enrolment's day,
// outside them.
const DAYS = "from=2026-11-01T00:00:00Z&to=2026-11-04T23:59:59.999Z";

async function setUp() {
  const campaign = await createCampaign({ budget: 100_000 });
  const influencer = await createInfluencer();
  // No holding: the balance's `payable` is every entry, so the ledger can be read whole from it.
  await enrol(campaign.id, influencer.id, { fee: FEE, commission_rate: 0.1, holding_days: 0 });
  const code = await promoCode(campaign.id, influencer.id);
  return { campaign: campaign.id as string, influencer: influencer.id as string, code };
}

// POST /rollup alone: no catch-up of the ledger after it, so an entry the queue has not derived
// yet stays missing.
async function rollUpOnly() {
  expect((await api("POST", "/rollup")).status).toBe(200);
}

// The ledger's own sale, lead and clawback entries, read straight from D1.
async function ledgerCommission(influencer: string) {
  return (await entriesOf(influencer)).filter((e) => e.kind !== "fee").reduce((sum, e) => sum + e.amount, 0);
}

// What each figure says: the campaign summary's totals, the timeseries' cost over the sales' days,
// the campaign list's key figures, the influencer's summary, and the influencer's balance (the
// ledger, live).
async function figures(campaign: string, influencer: string) {
  const summary = await api("GET", `/campaigns/${campaign}/summary`);
  expect(summary.status, JSON.stringify(summary.body)).toBe(200);
  const series = await api("GET", `/campaigns/${campaign}/timeseries?interval=day&${DAYS}`);
  expect(series.status, JSON.stringify(series.body)).toBe(200);
  const glance = (await campaignGlances(env.DB, [{ id: campaign, budget: 100_000 }])).get(campaign);
  const own = await api("GET", `/influencers/${influencer}/summary`);
  expect(own.status, JSON.stringify(own.body)).toBe(200);
  const balance = await api("GET", `/influencers/${influencer}/balance`);
  return {
    revenue: summary.body.totals.revenue,
    refunds: summary.body.totals.refunds,
    cost: summary.body.totals.cost,
    seriesCost: (series.body.points as { cost: number }[]).reduce((sum, p) => sum + p.cost, 0),
    glanceRevenue: glance?.revenue,
    glanceCost: glance?.cost,
    influencerCost: own.body.totals.cost,
    payable: balance.body.balances[0]?.payable,
  };
}

describe("commission in the figures, as of the rollup", () => {
  it("leaves out sales' and refunds' commission until the rollup has counted them", async () => {
    const { campaign, influencer, code } = await setUp();
    const queue = heldQueue();
    const first = await heldSale(queue, code, 10_000, SOLD_AT);
    await heldSale(queue, code, 5_000, SOLD_AT);
    await heldRefund(queue, first.orderId, 2_000, REFUNDED_AT);
    const events = queue.take();
    expect(events).toHaveLength(3);
    // Every event delivered twice, before any rollup: the ledger holds each entry once.
    await deliverEach([...events, ...events]);
    // 10 % of 100.00 and of 50.00, less 10 % of the 20.00 refunded.
    const commission = 1_000 + 500 - 200;
    expect(await ledgerCommission(influencer)).toBe(commission);

    expect(await figures(campaign, influencer)).toEqual({
      revenue: 0,
      refunds: 0,
      cost: FEE,
      seriesCost: 0,
      glanceRevenue: 0,
      glanceCost: FEE,
      influencerCost: FEE,
      payable: FEE + commission,
    });

    await rollUpOnly();
    expect(await figures(campaign, influencer)).toEqual({
      revenue: 15_000,
      refunds: 2_000,
      cost: FEE + commission,
      seriesCost: commission,
      glanceRevenue: 15_000,
      glanceCost: FEE + commission,
      influencerCost: FEE + commission,
      payable: FEE + commission,
    });
  });

  it("counts an entry derived after the rollup counted its sale at once, and a redelivered one once", async () => {
    const { campaign, influencer, code } = await setUp();
    const queue = heldQueue();
    const first = await heldSale(queue, code, 10_000, SOLD_AT);
    const firstEvents = queue.take();
    // The sale is rolled up before its event reaches the ledger.
    await rollUpOnly();
    expect(await ledgerCommission(influencer)).toBe(0);
    expect(await figures(campaign, influencer)).toMatchObject({ revenue: 10_000, cost: FEE, seriesCost: 0 });

    // Its entry, when it comes, counts without waiting for another rollup.
    await deliverEach(firstEvents);
    expect(await figures(campaign, influencer)).toMatchObject({
      revenue: 10_000,
      cost: FEE + 1_000,
      seriesCost: 1_000,
      glanceCost: FEE + 1_000,
    });

    // A second sale and a refund of the first, derived now and rolled up later; the first sale's
    // event delivered again.
    await heldSale(queue, code, 5_000, SOLD_AT);
    await heldRefund(queue, first.orderId, 2_000, REFUNDED_AT);
    const laterEvents = queue.take();
    await deliverEach([...laterEvents, ...firstEvents, ...[...laterEvents].reverse()]);
    expect(await ledgerCommission(influencer)).toBe(1_300);
    expect(await figures(campaign, influencer)).toMatchObject({
      revenue: 10_000,
      refunds: 0,
      cost: FEE + 1_000,
      seriesCost: 1_000,
      glanceCost: FEE + 1_000,
    });

    await rollUpOnly();
    // And redelivered after the rollup: nothing more.
    await deliverEach([...firstEvents, ...laterEvents]);
    expect(await figures(campaign, influencer)).toMatchObject({
      revenue: 15_000,
      refunds: 2_000,
      cost: FEE + 1_300,
      seriesCost: 1_300,
      glanceCost: FEE + 1_300,
    });
  });
});
