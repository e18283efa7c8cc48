import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createKey, createLink, expectError, follow, unique, uniqueNumber } from "../support/helpers";
import {
  chargeRefunded,
  checkoutSession,
  shopifyDelivery,
  stripeDelivery,
} from "../support/webhook-deliveries";

// A shop may deliver a refund before its order. The webhooks keep such a refund for 30 days and
// count it once when the order arrives, by whichever path.

async function refunds(orderId: string) {
  const { results } = await env.DB.prepare(
    "SELECT source, refund_id, amount FROM refunds WHERE order_id = ? ORDER BY amount",
  )
    .bind(orderId)
    .all();
  return results;
}

async function kept(orderId: string) {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM pending_refunds WHERE order_id = ?")
    .bind(orderId)
    .first<{ n: number }>();
  return row?.n;
}

async function clickOf(slug: string) {
  const res = await follow(slug);
  return new URL(res.headers.get("Location") as string).searchParams.get("sl_cid") as string;
}

const shopifyOrder = (id: number, clickId: string) => ({
  id,
  total_price: "80.00",
  currency: "EUR",
  landing_site: `/?sl_cid=${clickId}`,
});
const shopifyRefund = (id: number, orderId: number, amount: string, currency = "EUR") => ({
  id,
  order_id: orderId,
  transactions: [{ amount, kind: "refund", currency }],
});
const deliver = async (topic: string, payload: unknown) =>
  (await shopifyDelivery(topic, payload, crypto.randomUUID())).body.outcome;

describe("webhook refunds that arrive before their order", () => {
  it("keeps a Shopify refund, redelivered too, and counts it once when the order arrives", async () => {
    const link = await createLink();
    const orderId = uniqueNumber();
    const refund = shopifyRefund(uniqueNumber(), orderId, "25.00");
    expect(await deliver("refunds/create", refund)).toBe("kept_until_order");
    expect(await deliver("refunds/create", refund)).toBe("kept_until_order");
    expect(await refunds(String(orderId))).toEqual([]);
    expect(await kept(String(orderId))).toBe(1);

    const order = shopifyOrder(orderId, await clickOf(link.slug));
    expect(await deliver("orders/create", order)).toBe("recorded");
    expect(await refunds(String(orderId))).toEqual([
      { source: "shopify", refund_id: `shopify:${refund.id}`, amount: 2500 },
    ]);
    expect(await kept(String(orderId))).toBe(0);
    // The order again (orders/paid after orders/create), and the refund again: still once.
    expect(await deliver("orders/paid", order)).toBe("already_recorded");
    expect(await deliver("refunds/create", refund)).toBe("already_recorded");
    expect(await refunds(String(orderId))).toHaveLength(1);
  });

  it("keeps Stripe's running totals and counts what they add once the session completes", async () => {
    const link = await createLink();
    const event = checkoutSession({ client_reference_id: await clickOf(link.slug), amount_total: 4999 });
    const paymentIntent = (event.data.object as { payment_intent: string }).payment_intent;
    const chargeId = `ch_${crypto.randomUUID()}`;
    for (const total of [1000, 2500, 1000]) {
      expect((await stripeDelivery(chargeRefunded(paymentIntent, chargeId, total))).body.outcome).toBe(
        "kept_until_order",
      );
    }
    expect((await stripeDelivery(event)).body.outcome).toBe("recorded");
    const recorded = await refunds(paymentIntent);
    expect(recorded.reduce((sum, r) => sum + (r.amount as number), 0)).toBe(2500);
    expect(await kept(paymentIntent)).toBe(0);
  });

  it("counts each refund once when the order and its refunds race", async () => {
    const link = await createLink();
    const clickId = await clickOf(link.slug);
    const orders = Array.from({ length: 8 }, () => uniqueNumber());
    await Promise.all(
      orders.flatMap((orderId, n) => [
        deliver("orders/paid", shopifyOrder(orderId, clickId)),
        deliver("refunds/create", shopifyRefund(n + 1, orderId, "10.00")),
        deliver("refunds/create", shopifyRefund(n + 1, orderId, "10.00")),
      ]),
    );
    for (const orderId of orders) {
      expect(await refunds(String(orderId))).toEqual([
        { source: "shopify", refund_id: `shopify:${orders.indexOf(orderId) + 1}`, amount: 1000 },
      ]);
      expect(await kept(String(orderId))).toBe(0);
    }
  });

  it("lets a kept refund go after 30 days, and refuses one in another currency than its order's", async () => {
    const link = await createLink();
    const clickId = await clickOf(link.slug);
    const stale = uniqueNumber();
    expect(await deliver("refunds/create", shopifyRefund(71, stale, "5.00"))).toBe("kept_until_order");
    // Time passes: the refund was kept 31 days ago.
    await env.DB.prepare("UPDATE pending_refunds SET received_at = ? WHERE order_id = ?")
      .bind(Date.now() - 31 * 86_400_000, String(stale))
      .run();
    expect(await deliver("orders/paid", shopifyOrder(stale, clickId))).toBe("recorded");
    expect(await refunds(String(stale))).toEqual([]);

    const foreign = uniqueNumber();
    expect(await deliver("refunds/create", shopifyRefund(72, foreign, "5.00", "USD"))).toBe(
      "kept_until_order",
    );
    expect(await deliver("orders/paid", shopifyOrder(foreign, clickId))).toBe("recorded");
    expect(await refunds(String(foreign))).toEqual([]);
    expect(await kept(String(foreign))).toBe(0);
    // Once the order is known, a refund in another currency is refused at once.
    expect(await deliver("refunds/create", shopifyRefund(73, foreign, "5.00", "USD"))).toBe(
      "currency_mismatch",
    );
  });

  it("still answers the API's refund of an unknown order with 404, keeping nothing", async () => {
    const checkout = await createKey("checkout");
    const orderId = unique("o");
    expectError(
      await api("POST", "/refunds", {
        key: checkout.key,
        body: { order_id: orderId, refund_id: unique("r"), amount: 100 },
      }),
      404,
      "order_not_found",
    );
    expect(await kept(orderId)).toBe(0);
  });
});
