import { env, exports } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { api, BASE, createLink, follow, unique, uniqueNumber } from "../support/helpers";
import {
  chargeRefunded,
  checkoutSession,
  SHOPIFY_SECRET,
  shopifyDelivery,
  stripeDelivery,
} from "../support/webhook-deliveries";

async function codeFor() {
  const link = await createLink();
  const code = await api("POST", "/codes", {
    body: {
      code: unique("WH").slice(0, 32),
      campaign_id: link.campaign_id,
      influencer_id: link.influencer_id,
    },
  });
  return { link, code: code.body.code as string, codeId: code.body.id as string };
}

async function clickOf(slug: string) {
  const res = await follow(slug);
  return new URL(res.headers.get("Location") as string).searchParams.get("sl_cid") as string;
}

// What someone who saw one sl_cid can write for its link and time: `clk_`, its time and link id
// with other random characters, and no MAC (the format of before click ids were signed).
const unsignedCopy = (clickId: string) => `${clickId.slice(0, 29)}AbCdEf`;

async function conversion(orderId: string) {
  return env.DB.prepare("SELECT * FROM conversions WHERE order_id = ?")
    .bind(orderId)
    .first<Record<string, unknown>>();
}

async function conversionCount(orderId: string) {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversions WHERE order_id = ?")
    .bind(orderId)
    .first<{ n: number }>();
  return row?.n;
}

describe("Stripe webhook", () => {
  it("records an order by promotion code, once however often it is delivered", async () => {
    const { link, code } = await codeFor();
    const event = checkoutSession({
      total_details: {
        amount_discount: 500,
        breakdown: { discounts: [{ discount: { promotion_code: { code } } }] },
      },
    });
    const first = await stripeDelivery(event);
    expect(first).toEqual({ status: 200, body: { received: true, duplicate: false, outcome: "recorded" } });
    const replay = await stripeDelivery(event);
    expect(replay.body).toMatchObject({ duplicate: true, outcome: "recorded" });
    const paymentIntent = (event.data.object as { payment_intent: string }).payment_intent;
    const row = await conversion(paymentIntent);
    expect(row).toMatchObject({
      attribution: "code",
      influencer_id: link.influencer_id,
      amount: 4999,
      currency: "EUR",
    });
  });

  it("records an order by the click id in client_reference_id, and its refunds", async () => {
    const link = await createLink();
    const clickId = await clickOf(link.slug);
    const event = checkoutSession({ client_reference_id: clickId });
    expect((await stripeDelivery(event)).body).toMatchObject({ outcome: "recorded" });
    const paymentIntent = (event.data.object as { payment_intent: string }).payment_intent;
    expect(await conversion(paymentIntent)).toMatchObject({
      attribution: "click",
      influencer_id: link.influencer_id,
    });

    const refund = {
      id: `evt_${crypto.randomUUID()}`,
      type: "charge.refunded",
      data: {
        object: {
          id: "ch_1",
          object: "charge",
          payment_intent: paymentIntent,
          amount_refunded: 1000,
          refunds: { object: "list", data: [{ id: `re_${crypto.randomUUID()}`, amount: 1000 }] },
        },
      },
    };
    expect((await stripeDelivery(refund)).body).toMatchObject({ outcome: "recorded" });
    const total = await env.DB.prepare("SELECT SUM(amount) AS n FROM refunds WHERE order_id = ?")
      .bind(paymentIntent)
      .first<{ n: number }>();
    expect(total?.n).toBe(1000);
  });

  it("refuses bad, foreign and stale signatures with 401", async () => {
    const event = checkoutSession({});
    expect((await stripeDelivery(event, { secret: "whsec_someone_else" })).status).toBe(401);
    expect((await stripeDelivery(event, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(
      401,
    );
    const res = await exports.default.fetch(`${BASE}/api/v1/webhooks/stripe`, {
      method: "POST",
      headers: { "Stripe-Signature": "t=1,v1=abc" },
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(401);
    const unsigned = await exports.default.fetch(`${BASE}/api/v1/webhooks/stripe`, {
      method: "POST",
      body: "{}",
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("answers 200 with the reason when the order cannot be attributed, and ignores other events", async () => {
    expect((await stripeDelivery(checkoutSession({}))).body).toMatchObject({ outcome: "unattributed" });
    const unknownCode = checkoutSession({ metadata: { promo_code: "NO-SUCH-CODE" } });
    expect((await stripeDelivery(unknownCode)).body).toMatchObject({ outcome: "code_not_found" });
    const other = { id: `evt_${crypto.randomUUID()}`, type: "invoice.paid", data: { object: {} } };
    expect((await stripeDelivery(other)).body).toMatchObject({ outcome: "ignored_event_type" });
  });

  it("answers a session whose created is past what a time can hold with ignored_malformed, not 500", async () => {
    const { code } = await codeFor();
    // 1e300 and 9e15 seconds make an Invalid Date; 253402300800 is the year 10000, past ISO-8601's
    // four-digit years and SQLite's date functions.
    for (const created of [1e300, 9e15, 253_402_300_800]) {
      const event = checkoutSession({ created, metadata: { promo_code: code } });
      expect(await stripeDelivery(event)).toEqual({
        status: 200,
        body: { received: true, duplicate: false, outcome: "ignored_malformed" },
      });
      expect(await conversion((event.data.object as { payment_intent: string }).payment_intent)).toBeNull();
    }
  });

  it("falls back to the click id when the promotion code is not an influencer's, counted once", async () => {
    const link = await createLink();
    const clickId = await clickOf(link.slug);
    const event = checkoutSession({ client_reference_id: clickId, metadata: { promo_code: "WELCOME10" } });
    expect((await stripeDelivery(event)).body).toMatchObject({ duplicate: false, outcome: "recorded" });
    expect((await stripeDelivery(event)).body).toMatchObject({ duplicate: true, outcome: "recorded" });
    // The same session in another event (Stripe retries with the same id, but a resend is a new one).
    expect((await stripeDelivery({ ...event, id: `evt_${crypto.randomUUID()}` })).body).toMatchObject({
      duplicate: false,
      outcome: "already_recorded",
    });
    const paymentIntent = (event.data.object as { payment_intent: string }).payment_intent;
    expect(await conversion(paymentIntent)).toMatchObject({
      attribution: "click",
      influencer_id: link.influencer_id,
      link_id: link.id,
      amount: 4999,
    });
    expect(await conversionCount(paymentIntent)).toBe(1);
  });

  it("falls back to the click id when the influencer's code is turned off", async () => {
    const { link, code, codeId } = await codeFor();
    expect((await api("PATCH", `/codes/${codeId}`, { body: { active: false } })).status).toBe(200);
    const clickId = await clickOf(link.slug);
    const event = checkoutSession({ client_reference_id: clickId, metadata: { promo_code: code } });
    expect((await stripeDelivery(event)).body).toMatchObject({ outcome: "recorded" });
    const paymentIntent = (event.data.object as { payment_intent: string }).payment_intent;
    expect(await conversion(paymentIntent)).toMatchObject({ attribution: "click", code: null });
  });
});

describe("webhooks and click ids the redirect did not issue", () => {
  it("Stripe: a forged client_reference_id attributes nothing and is not stored, while a code still applies", async () => {
    const { link, code } = await codeFor();
    const forged = unsignedCopy(await clickOf(link.slug));
    const byClick = checkoutSession({ client_reference_id: forged });
    expect((await stripeDelivery(byClick)).body).toMatchObject({ outcome: "invalid_click_id" });
    expect(await conversionCount(byClick.data.object.payment_intent)).toBe(0);

    const withCode = checkoutSession({ client_reference_id: forged, metadata: { promo_code: code } });
    expect((await stripeDelivery(withCode)).body).toMatchObject({ outcome: "recorded" });
    expect(await conversion(withCode.data.object.payment_intent)).toMatchObject({
      attribution: "code",
      click_id: null,
    });
  });

  it("Shopify: a forged sl_cid in landing_site attributes nothing", async () => {
    const link = await createLink();
    const orderId = uniqueNumber();
    const order = {
      id: orderId,
      total_price: "120.00",
      currency: "EUR",
      landing_site: `/?sl_cid=${unsignedCopy(await clickOf(link.slug))}`,
    };
    expect((await shopifyDelivery("orders/paid", order, crypto.randomUUID())).body).toMatchObject({
      outcome: "invalid_click_id",
    });
    expect(await conversionCount(String(orderId))).toBe(0);
  });
});

describe("Stripe charge.refunded without the refunds list (API versions since 2022-11-15)", () => {
  async function paidOrder(amount = 4999) {
    const link = await createLink();
    const event = checkoutSession({ client_reference_id: await clickOf(link.slug), amount_total: amount });
    expect((await stripeDelivery(event)).body).toMatchObject({ outcome: "recorded" });
    return (event.data.object as { payment_intent: string }).payment_intent;
  }

  async function refundedTotal(orderId: string) {
    const row = await env.DB.prepare("SELECT COALESCE(SUM(amount), 0) AS n FROM refunds WHERE order_id = ?")
      .bind(orderId)
      .first<{ n: number }>();
    return row?.n;
  }

  const outcomeOf = async (event: unknown) => (await stripeDelivery(event)).body.outcome;

  it("records what amount_refunded adds, once, whatever the order of delivery", async () => {
    const paymentIntent = await paidOrder();
    const chargeId = `ch_${crypto.randomUUID()}`;
    expect(await outcomeOf(chargeRefunded(paymentIntent, chargeId, 1000))).toBe("recorded");
    expect(await refundedTotal(paymentIntent)).toBe(1000);
    // Redelivered as another event: the same charge and total add nothing.
    expect(await outcomeOf(chargeRefunded(paymentIntent, chargeId, 1000))).toBe("already_recorded");
    expect(await refundedTotal(paymentIntent)).toBe(1000);
    // A second refund: the running total grows, and only the difference is recorded.
    expect(await outcomeOf(chargeRefunded(paymentIntent, chargeId, 3000))).toBe("recorded");
    expect(await refundedTotal(paymentIntent)).toBe(3000);
    // An event from between the two, arriving late: the newer total already holds it.
    expect(await outcomeOf(chargeRefunded(paymentIntent, chargeId, 2000))).toBe("nothing_new");
    expect(await refundedTotal(paymentIntent)).toBe(3000);
    const { results } = await env.DB.prepare(
      "SELECT refund_id, amount FROM refunds WHERE order_id = ? ORDER BY amount",
    )
      .bind(paymentIntent)
      .all();
    expect(results).toEqual([
      { refund_id: `stripe:${chargeId}:1000`, amount: 1000 },
      { refund_id: `stripe:${chargeId}:3000`, amount: 2000 },
    ]);
  });

  it("counts concurrent deliveries of running totals once, up to the order's amount", async () => {
    const paymentIntent = await paidOrder();
    const chargeId = `ch_${crypto.randomUUID()}`;
    const totals = [2000, 500, 2000, 4999, 1200, 4999, 500];
    const outcomes = await Promise.all(
      totals.map((t) => outcomeOf(chargeRefunded(paymentIntent, chargeId, t))),
    );
    expect(outcomes).toContain("recorded");
    for (const outcome of outcomes)
      expect(["recorded", "already_recorded", "nothing_new"]).toContain(outcome);
    expect(await refundedTotal(paymentIntent)).toBe(4999);
  });

  // One charge's refund reported in both shapes: with its refunds listed (older API versions, or
  // expanded) and as the running total alone.
  function listed(event: ReturnType<typeof chargeRefunded>, refunds: { id: string; amount: number }[]) {
    return { ...event, data: { object: { ...event.data.object, refunds: { data: refunds } } } };
  }

  it("counts each cent once whatever mix of listed refunds and running totals reports it", async () => {
    const refund = (amount: number) => ({ id: `re_${crypto.randomUUID()}`, amount });
    // Listed first, then the same refund as a total alone.
    const first = await paidOrder();
    const firstCharge = `ch_${crypto.randomUUID()}`;
    expect(await outcomeOf(listed(chargeRefunded(first, firstCharge, 1000), [refund(1000)]))).toBe(
      "recorded",
    );
    expect(await outcomeOf(chargeRefunded(first, firstCharge, 1000))).toBe("already_recorded");
    expect(await refundedTotal(first)).toBe(1000);
    // The total alone first, then listed, then a second refund listed beside the first.
    const second = await paidOrder();
    const secondCharge = `ch_${crypto.randomUUID()}`;
    const r1 = refund(1000);
    expect(await outcomeOf(chargeRefunded(second, secondCharge, 1000))).toBe("recorded");
    expect(await outcomeOf(listed(chargeRefunded(second, secondCharge, 1000), [r1]))).toBe(
      "already_recorded",
    );
    expect(await outcomeOf(listed(chargeRefunded(second, secondCharge, 1500), [r1, refund(500)]))).toBe(
      "recorded",
    );
    expect(await refundedTotal(second)).toBe(1500);
    // A listed event that lacks amount_refunded counts its refunds' sum, once.
    const third = await paidOrder();
    const thirdCharge = `ch_${crypto.randomUUID()}`;
    const bare = listed(chargeRefunded(third, thirdCharge, 0), [refund(700)]);
    delete (bare.data.object as { amount_refunded?: number }).amount_refunded;
    expect(await outcomeOf(bare)).toBe("recorded");
    expect(await outcomeOf(chargeRefunded(third, thirdCharge, 700))).toBe("already_recorded");
    expect(await refundedTotal(third)).toBe(700);
  });

  it("refuses a refund in another currency than its order's", async () => {
    const paymentIntent = await paidOrder();
    const event = chargeRefunded(paymentIntent, `ch_${crypto.randomUUID()}`, 1000);
    const inUsd = { ...event, data: { object: { ...event.data.object, currency: "usd" } } };
    expect(await outcomeOf(inUsd)).toBe("currency_mismatch");
    expect(await refundedTotal(paymentIntent)).toBe(0);
  });
});

describe("Shopify webhook", () => {
  it("records orders/paid by discount code, deduplicated on the webhook id", async () => {
    const { link, code } = await codeFor();
    const orderId = uniqueNumber();
    const order = {
      id: orderId,
      total_price: "49.99",
      currency: "EUR",
      discount_codes: [{ code: code.toLowerCase(), amount: "5.00", type: "fixed_amount" }],
      customer: { id: 7001 },
      landing_site: "/products/x?utm_source=instagram",
    };
    const webhookId = crypto.randomUUID();
    expect((await shopifyDelivery("orders/paid", order, webhookId)).body).toMatchObject({
      outcome: "recorded",
    });
    expect((await shopifyDelivery("orders/paid", order, webhookId)).body).toMatchObject({ duplicate: true });
    // orders/create for the same order (another webhook id) is the same order: counted once.
    expect((await shopifyDelivery("orders/create", order, crypto.randomUUID())).body).toMatchObject({
      outcome: "already_recorded",
    });
    expect(await conversion(String(orderId))).toMatchObject({
      attribution: "code",
      influencer_id: link.influencer_id,
      amount: 4999,
    });
  });

  it("records an order by the sl_cid in landing_site, and refunds/create", async () => {
    const link = await createLink();
    const clickId = await clickOf(link.slug);
    const orderId = uniqueNumber();
    const order = {
      id: orderId,
      total_price: "120.00",
      currency: "EUR",
      landing_site: `/?sl_cid=${clickId}&x=1`,
    };
    expect((await shopifyDelivery("orders/paid", order, crypto.randomUUID())).body).toMatchObject({
      outcome: "recorded",
    });
    expect(await conversion(String(orderId))).toMatchObject({ attribution: "click", amount: 12000 });
    const refund = {
      id: 555,
      order_id: orderId,
      transactions: [{ amount: "20.00", kind: "refund", currency: "EUR" }],
    };
    expect((await shopifyDelivery("refunds/create", refund, crypto.randomUUID())).body).toMatchObject({
      outcome: "recorded",
    });
    expect((await shopifyDelivery("refunds/create", refund, crypto.randomUUID())).body).toMatchObject({
      outcome: "already_recorded",
    });
  });

  it("tries each discount code in order, then falls back to the sl_cid, counted once", async () => {
    const { link, code } = await codeFor();
    const clickId = await clickOf(link.slug);
    // A shop-wide code first: the influencer's code after it wins.
    const withCode = {
      id: uniqueNumber(),
      total_price: "49.99",
      currency: "EUR",
      discount_codes: [{ code: "WELCOME10" }, { code }],
      landing_site: `/?sl_cid=${clickId}`,
    };
    expect((await shopifyDelivery("orders/paid", withCode, crypto.randomUUID())).body).toMatchObject({
      outcome: "recorded",
    });
    expect((await shopifyDelivery("orders/create", withCode, crypto.randomUUID())).body).toMatchObject({
      outcome: "already_recorded",
    });
    expect(await conversion(String(withCode.id))).toMatchObject({ attribution: "code", code });

    // Only codes that are not the influencer's: the click id attributes the order.
    const clickOnly = {
      ...withCode,
      id: uniqueNumber(),
      discount_codes: [{ code: "WELCOME10" }],
    };
    expect((await shopifyDelivery("orders/paid", clickOnly, crypto.randomUUID())).body).toMatchObject({
      outcome: "recorded",
    });
    expect((await shopifyDelivery("orders/create", clickOnly, crypto.randomUUID())).body).toMatchObject({
      outcome: "already_recorded",
    });
    expect(await conversion(String(clickOnly.id))).toMatchObject({
      attribution: "click",
      influencer_id: link.influencer_id,
      link_id: link.id,
      amount: 4999,
    });
    expect(await conversionCount(String(clickOnly.id))).toBe(1);

    // Without a click id the refusal stays the answer.
    const neither = { ...clickOnly, id: uniqueNumber(), landing_site: "/" };
    expect((await shopifyDelivery("orders/paid", neither, crypto.randomUUID())).body).toMatchObject({
      outcome: "code_not_found",
    });
  });

  it("keeps ids past 2^53 exactly, as the digits Shopify sent", async () => {
    const { link, code } = await codeFor();
    // Shopify's own sample order id; a JavaScript number would round it to ...500.
    const orderId = "820982911946154508";
    const customerId = "115310627314723954";
    await env.DB.prepare("DELETE FROM conversions WHERE source = 'shopify' AND order_id = ?")
      .bind(orderId)
      .run();
    const order = `{"id":${orderId},"admin_graphql_api_id":"gid://shopify/Order/${orderId}","total_price":"49.99",
      "currency":"EUR","discount_codes":[{"code":"${code}"}],"customer":{"id":${customerId}}}`;
    expect((await shopifyDelivery("orders/paid", order, crypto.randomUUID())).body).toMatchObject({
      outcome: "recorded",
    });
    expect(await conversion(orderId)).toMatchObject({
      order_id: orderId,
      customer_id: customerId,
      influencer_id: link.influencer_id,
    });
    const refundId = "930982911946154511";
    const refund = `{"id":${refundId},"order_id":${orderId},
      "transactions":[{"id":1089022911946154577,"amount":"9.99","kind":"refund","currency":"EUR"}]}`;
    expect((await shopifyDelivery("refunds/create", refund, crypto.randomUUID())).body).toMatchObject({
      outcome: "recorded",
    });
    const row = await env.DB.prepare("SELECT refund_id, amount FROM refunds WHERE order_id = ?")
      .bind(orderId)
      .first();
    expect(row).toEqual({ refund_id: `shopify:${refundId}`, amount: 999 });
  });

  it("reads the click id from the order's note_attributes (the cart attribute sl_cid)", async () => {
    const link = await createLink();
    const clickId = await clickOf(link.slug);
    const orderId = uniqueNumber();
    const order = {
      id: orderId,
      total_price: "30.00",
      currency: "EUR",
      landing_site: "/products/x",
      note_attributes: [
        { name: "gift", value: "yes" },
        { name: "sl_cid", value: clickId },
      ],
    };
    expect((await shopifyDelivery("orders/paid", order, crypto.randomUUID())).body).toMatchObject({
      outcome: "recorded",
    });
    expect(await conversion(String(orderId))).toMatchObject({
      attribution: "click",
      click_id: clickId,
      influencer_id: link.influencer_id,
    });
  });

  it("refuses a refund in another currency than its order's, storing nothing", async () => {
    const { code } = await codeFor();
    const orderId = uniqueNumber();
    const order = { id: orderId, total_price: "30.00", currency: "EUR", discount_codes: [{ code }] };
    expect((await shopifyDelivery("orders/paid", order, crypto.randomUUID())).body.outcome).toBe("recorded");
    const refund = {
      id: 9,
      order_id: orderId,
      transactions: [{ amount: "5.00", kind: "refund", currency: "USD" }],
    };
    expect((await shopifyDelivery("refunds/create", refund, crypto.randomUUID())).body.outcome).toBe(
      "currency_mismatch",
    );
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM refunds WHERE order_id = ?")
      .bind(String(orderId))
      .first<{ n: number }>();
    expect(row?.n).toBe(0);
  });

  it("takes an order's time only when it is one the figures can hold", async () => {
    const { code } = await codeFor();
    const before = Date.now();
    for (const processedAt of ["+275760-09-13T00:00:00.000Z", "+010000-01-01T00:00:00Z", "not a time"]) {
      const orderId = uniqueNumber();
      const order = {
        id: orderId,
        total_price: "10.00",
        currency: "EUR",
        processed_at: processedAt,
        discount_codes: [{ code }],
      };
      expect((await shopifyDelivery("orders/paid", order, crypto.randomUUID())).body).toMatchObject({
        outcome: "recorded",
      });
      // Recorded at the time it arrived instead.
      const row = await conversion(String(orderId));
      expect(row?.occurred_at).toBeGreaterThanOrEqual(before);
      expect(row?.occurred_at).toBeLessThanOrEqual(Date.now());
    }
  });

  it("ignores a price too large to hold exactly, rather than store it rounded", async () => {
    const { code } = await codeFor();
    const orderId = uniqueNumber();
    const order = {
      id: orderId,
      total_price: "999999999999999.99",
      currency: "EUR",
      discount_codes: [{ code }],
    };
    expect((await shopifyDelivery("orders/paid", order, crypto.randomUUID())).body).toMatchObject({
      outcome: "ignored_malformed",
    });
    expect(await conversion(String(orderId))).toBeNull();
  });

  it("refuses a wrong HMAC with 401 and a body that is not JSON with 400", async () => {
    expect((await shopifyDelivery("orders/paid", { id: 1 }, crypto.randomUUID(), "wrong")).status).toBe(401);
    const body = "not json";
    const res = await exports.default.fetch(`${BASE}/api/v1/webhooks/shopify`, {
      method: "POST",
      headers: {
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Webhook-Id": "w1",
        "X-Shopify-Hmac-Sha256": createHmac("sha256", SHOPIFY_SECRET).update(body).digest("base64"),
      },
      body,
    });
    expect(res.status).toBe(400);
  });
});
