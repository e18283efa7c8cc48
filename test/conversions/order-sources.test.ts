import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  api,
  createCampaign,
  createInfluencer,
  createKey,
  expectError,
  unique,
  uniqueNumber,
} from "../support/helpers";
import { shopifyDelivery } from "../support/webhook-deliveries";

// Order and refund ids belong to a source: a checkout key's (default "default") or a webhook's.

async function promoCode() {
  const campaign = await createCampaign();
  const influencer = await createInfluencer();
  const res = await api("POST", "/codes", {
    body: { code: unique("SRC").slice(0, 32), campaign_id: campaign.id, influencer_id: influencer.id },
  });
  expect(res.status).toBe(201);
  return res.body.code as string;
}

const redeem = (key: string, code: string, orderId: string, amount = 5000) =>
  api("POST", "/redemptions", { key, body: { code, order_id: orderId, amount, currency: "EUR" } });

async function rowsOf(orderId: string) {
  const { results } = await env.DB.prepare(
    "SELECT source, amount FROM conversions WHERE order_id = ? ORDER BY source",
  )
    .bind(orderId)
    .all();
  return results;
}

describe("checkout keys' sources", () => {
  it("records the same order number from two shops as two orders, shown with their source", async () => {
    const code = await promoCode();
    const paris = await createKey("checkout", { source: unique("paris").toLowerCase() });
    const lyon = await createKey("checkout", { source: unique("lyon").toLowerCase() });
    const orderId = unique("1001-");
    const first = await redeem(paris.key, code, orderId, 5000);
    const second = await redeem(lyon.key, code, orderId, 7000);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body).toMatchObject({ source: paris.source, order_id: orderId, amount: 5000 });
    expect(second.body).toMatchObject({ source: lyon.source, order_id: orderId, amount: 7000 });
    expect(await rowsOf(orderId)).toEqual(
      [
        { source: paris.source, amount: 5000 },
        { source: lyon.source, amount: 7000 },
      ].sort((a, b) => String(a.source).localeCompare(String(b.source))),
    );
  });

  it("lets keys of one source share its order ids: a replay from another key of the source is the same order", async () => {
    const code = await promoCode();
    const source = unique("shop").toLowerCase();
    const one = await createKey("checkout", { source });
    const other = await createKey("checkout", { source });
    const orderId = unique("o");
    expect((await redeem(one.key, code, orderId)).status).toBe(201);
    const replay = await redeem(other.key, code, orderId);
    expect(replay.status).toBe(200);
    expect(await rowsOf(orderId)).toHaveLength(1);
  });

  it("refunds only the key's own source's orders", async () => {
    const code = await promoCode();
    const owner = await createKey("checkout", { source: unique("owner").toLowerCase() });
    const stranger = await createKey("checkout", { source: unique("stranger").toLowerCase() });
    const orderId = unique("o");
    expect((await redeem(owner.key, code, orderId)).status).toBe(201);
    const refund = { order_id: orderId, refund_id: unique("r"), amount: 100 };
    expectError(await api("POST", "/refunds", { key: stranger.key, body: refund }), 404, "order_not_found");
    const own = await api("POST", "/refunds", { key: owner.key, body: refund });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ source: expect.stringMatching(/^owner/), amount: 100 });
  });

  it("keeps a checkout key from squatting a webhook's refund id", async () => {
    const code = await promoCode();
    const orderId = String(uniqueNumber());
    const order = { id: Number(orderId), total_price: "50.00", currency: "EUR", discount_codes: [{ code }] };
    expect((await shopifyDelivery("orders/paid", order, crypto.randomUUID())).body).toMatchObject({
      outcome: "recorded",
    });
    const checkout = await createKey("checkout");
    // The Shopify order is not the default source's: the squat finds no order.
    const squat = await api("POST", "/refunds", {
      key: checkout.key,
      body: { order_id: orderId, refund_id: "shopify:555", amount: 4000 },
    });
    expectError(squat, 404, "order_not_found");
    const real = {
      id: 555,
      order_id: Number(orderId),
      transactions: [{ amount: "10.00", kind: "refund", currency: "EUR" }],
    };
    expect((await shopifyDelivery("refunds/create", real, crypto.randomUUID())).body).toMatchObject({
      outcome: "recorded",
    });
    const row = await env.DB.prepare("SELECT source, amount FROM refunds WHERE order_id = ?")
      .bind(orderId)
      .first();
    expect(row).toEqual({ source: "shopify", amount: 1000 });
  });

  it("takes a source only for checkout keys, in its pattern, never a webhook's", async () => {
    const created = await api("POST", "/keys", { body: { scope: "checkout" } });
    expect(created.body).toMatchObject({ scope: "checkout", source: "default" });
    const listed = await api("GET", "/keys?limit=100");
    expect(listed.body.data.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({
      source: "default",
    });
    for (const source of ["stripe", "shopify", "Upper", "has space", "x".repeat(33), ""]) {
      expectError(
        await api("POST", "/keys", { body: { scope: "checkout", source } }),
        422,
        "validation_failed",
      );
    }
    expectError(
      await api("POST", "/keys", { body: { scope: "admin", source: "eu" } }),
      422,
      "validation_failed",
    );
    const influencer = await createInfluencer();
    expectError(
      await api("POST", "/keys", {
        body: { scope: "influencer", influencer_id: influencer.id, source: "eu" },
      }),
      422,
      "validation_failed",
    );
    expect(await api("POST", "/keys", { body: { scope: "checkout", source: "eu_shop-2" } })).toMatchObject({
      status: 201,
      body: { source: "eu_shop-2" },
    });
  });
});
