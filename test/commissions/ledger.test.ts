import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newClickId } from "../../src/clicks/click-id";
import { catchUpLedger } from "../../src/commissions/ledger";
import worker from "../../workers/index";
import { enrol, promoCode } from "../support/figure-helpers";
import { api, createCampaign, createInfluencer } from "../support/helpers";
import { checkout, deliverEach, entriesOf, heldQueue, heldRefund, heldSale } from "../support/ledger-helpers";
import { deliver } from "../support/queue-helpers";

const DAY = 86_400_000;

async function enrolled(terms: Record<string, number>) {
  const campaign = await createCampaign();
  const influencer = await createInfluencer();
  await enrol(campaign.id, influencer.id, terms);
  const code = await promoCode(campaign.id, influencer.id);
  return { campaign: campaign.id as string, influencer: influencer.id as string, code };
}

const amounts = (rows: { kind: string; amount: number }[]) => rows.map((r) => [r.kind, r.amount]);

describe("the commission ledger, derived from the queue's events", () => {
  it("books a sale once, at rate × amount + per sale, rounded half up, pending for the holding days", async () => {
    const { influencer, code } = await enrolled({
      commission_rate: 0.145,
      commission_per_sale: 200,
      holding_days: 14,
    });
    const queue = heldQueue();
    const soldAt = "2026-11-02T10:00:00.000Z";
    const { conversionId } = await heldSale(queue, code, 100, soldAt);
    const events = queue.take();
    expect(events).toHaveLength(1);
    // Delivered three times: one entry. 14.5 rounds half up to 15 (the float 0.145 × 100 is 14.4999…).
    await deliverEach([...events, ...events]);
    await deliver([...events, ...events]);
    const rows = await entriesOf(influencer);
    expect(rows).toMatchObject([{ kind: "sale", conversion_id: conversionId, amount: 15 + 200 }]);
    expect(rows[0]?.payable_at).toBe(Date.parse(soldAt) + 14 * DAY);
  });

  it("takes a refund back before its sale's event arrives, capped, and each clawback once", async () => {
    // Half of 3.00 (minor units: 3) is 1.5, rounded half up: the sale earned 2. Three refunds of 1
    // each would take back round(0.5) = 1 each, 3 in all: capped at the 2 the sale earned.
    const { influencer, code } = await enrolled({ commission_rate: 0.5, holding_days: 0 });
    const queue = heldQueue();
    const { orderId, conversionId } = await heldSale(queue, code, 3, "2026-11-02T10:00:00Z");
    const [saleEvent] = queue.take();
    const refunds: string[] = [];
    for (const n of [1, 2, 3])
      refunds.push(await heldRefund(queue, orderId, 1, `2026-11-0${2 + n}T10:00:00Z`));
    const refundEvents = queue.take();
    expect(refundEvents).toHaveLength(3);

    // The first refund's event comes alone: the sale's entry is derived from its row in D1, then
    // the clawback.
    await deliverEach([refundEvents[0]]);
    expect(amounts(await entriesOf(influencer))).toEqual([
      ["sale", 2],
      ["clawback", -1],
    ]);
    // Then everything, twice, in reverse: the sale's event adds nothing, the second clawback takes
    // the last 1, the third finds nothing left.
    await deliverEach([...refundEvents, saleEvent, ...refundEvents].reverse());
    const rows = await entriesOf(influencer);
    expect(amounts(rows)).toEqual([
      ["sale", 2],
      ["clawback", -1],
      ["clawback", -1],
    ]);
    expect(rows.filter((r) => r.kind === "clawback").map((r) => r.conversion_id)).toEqual([
      conversionId,
      conversionId,
    ]);
    expect(new Set(rows.map((r) => r.refund_id).filter(Boolean)).size).toBe(2);
  });

  it("caps clawbacks derived at the same moment, in concurrent batches", async () => {
    const { influencer, code } = await enrolled({ commission_rate: 0.5, holding_days: 0 });
    const queue = heldQueue();
    const { orderId } = await heldSale(queue, code, 5, "2026-11-02T10:00:00Z");
    // The sale earned round(2.5) = 3; five refunds of 1 would take 1 each.
    for (let n = 0; n < 5; n++) await heldRefund(queue, orderId, 1, "2026-11-03T10:00:00Z");
    const events = queue.take();
    await Promise.all(events.map((event) => deliver([event])));
    await Promise.all(events.map((event) => deliver([event])));
    const rows = await entriesOf(influencer);
    expect(rows.reduce((sum, r) => sum + r.amount, 0)).toBe(0);
    expect(rows.filter((r) => r.kind === "clawback")).toHaveLength(3);
  });

  it("claws back at the rate the sale earned, not the rate set since", async () => {
    const { campaign, influencer, code } = await enrolled({ commission_rate: 0.1, holding_days: 0 });
    const queue = heldQueue();
    const { orderId } = await heldSale(queue, code, 10_000, "2026-11-02T10:00:00Z");
    await deliverEach(queue.take());
    await enrol(campaign, influencer, { commission_rate: 0.3 });
    await heldRefund(queue, orderId, 5_000, "2026-11-03T10:00:00Z");
    await deliverEach(queue.take());
    expect(amounts(await entriesOf(influencer))).toEqual([
      ["sale", 1_000],
      ["clawback", -500],
    ]);
  });

  it("books a lead at its fixed amount, and nothing for conversions that earn nothing", async () => {
    const { campaign, influencer } = await enrolled({ commission_per_lead: 150, holding_days: 3 });
    const link = await api("POST", "/links", {
      body: { campaign_id: campaign, influencer_id: influencer, url: "https://shop.example/" },
    });
    const clickId = newClickId(env.SIGNING_SECRET, link.body.id, Date.now() - 60_000);
    const queue = heldQueue();
    const key = await checkout();
    const lead = await queue.call(
      "POST",
      "/conversions",
      { type: "lead", customer_id: "lead-1", click_id: clickId },
      key,
    );
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    // A sale under these terms earns nothing: no entry for it.
    const sale = await queue.call(
      "POST",
      "/conversions",
      { type: "sale", customer_id: "lead-1", order_id: "o-lead-1", amount: 5_000, currency: "EUR" },
      key,
    );
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    const events = queue.take();
    await deliverEach([...events, ...events]);
    const rows = await entriesOf(influencer);
    expect(amounts(rows)).toEqual([["lead", 150]]);
    expect(rows[0]?.conversion_id).toBe(lead.body.id);
  });

  it("books the fee once per change of it, the difference, payable at once", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const put = (body: Record<string, number>) =>
      api("PUT", `/campaigns/${campaign.id}/influencers/${influencer.id}`, { body });
    expect((await put({ fee: 10_000 })).status).toBe(200);
    // The same PUT again (a client's retry), and one that changes something else: no fee entry.
    await put({ fee: 10_000 });
    await put({ commission_rate: 0.2 });
    await put({ fee: 15_000 });
    await put({ fee: 12_000 });
    const rows = await entriesOf(influencer.id);
    expect(amounts(rows)).toEqual([
      ["fee", 10_000],
      ["fee", 5_000],
      ["fee", -3_000],
    ]);
    for (const row of rows) expect(row.payable_at).toBeLessThanOrEqual(Date.now());
    const listed = await api("GET", `/commissions?influencer_id=${influencer.id}&status=payable`);
    expect(listed.body.data.map((e: { amount: number }) => e.amount).sort()).toEqual(
      [-3_000, 10_000, 5_000].sort(),
    );
  });

  it("derives in the cron what no queue message announced", async () => {
    const { influencer, code } = await enrolled({ commission_rate: 0.1, holding_days: 0 });
    const queue = heldQueue();
    const { orderId } = await heldSale(queue, code, 2_000, "2026-11-02T10:00:00Z");
    await heldRefund(queue, orderId, 1_000, "2026-11-03T10:00:00Z");
    // The events are lost: never delivered.
    queue.take();
    expect(await entriesOf(influencer)).toEqual([]);
    const scheduledTime = Date.now() - (Date.now() % 300_000);
    await worker.scheduled(createScheduledController({ scheduledTime, cron: "*/5 * * * *" }), env);
    expect(amounts(await entriesOf(influencer))).toEqual([
      ["sale", 200],
      ["clawback", -100],
    ]);
  });

  it("catches up a chunk at a time, each entry once however the runs are cut", async () => {
    const { influencer, code } = await enrolled({ commission_per_sale: 100, holding_days: 0 });
    const queue = heldQueue();
    for (let n = 0; n < 5; n++) await heldSale(queue, code, 1_000, "2026-11-02T10:00:00Z");
    queue.take();
    const small = { conversions: { chunkRows: 2, maxChunks: 1 }, refunds: { chunkRows: 2, maxChunks: 1 } };
    let runs = 0;
    while (runs < 20) {
      runs += 1;
      const report = await catchUpLedger(env.DB, Date.now(), small);
      if (report.conversions?.caught_up && report.refunds?.caught_up) break;
    }
    expect(runs).toBeGreaterThan(2);
    expect(amounts(await entriesOf(influencer))).toEqual(Array.from({ length: 5 }, () => ["sale", 100]));
  });
});
