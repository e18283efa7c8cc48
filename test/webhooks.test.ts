import { env, exports } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { api, BASE, createLink, follow, unique } from "./helpers";

const STRIPE_SECRET = "whsec_test_secret";
const SHOPIFY_SECRET = "test-shopify-secret";
const stripe = new Stripe("sk_test_unused", { httpClient: Stripe.createFetchHttpClient() });

async function stripeDelivery(event: unknown, options: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  const header = await stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: options.secret ?? STRIPE_SECRET,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  });
  const res = await exports.default.fetch(`${BASE}/api/v1/webhooks/stripe`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": header },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function shopifyDelivery(topic: string, payload: unknown, id: string, secret = SHOPIFY_SECRET) {
  const body = JSON.stringify(payload);
  const res = await exports.default.fetch(`${BASE}/api/v1/webhooks/shopify`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Webhook-Id": id,
      "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body).digest("base64"),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function codeFor() {
  const link = await createLink();
  const code = await api("POST", "/codes", {
    body: {
      code: unique("WH").slice(0, 32),
      campaign_id: link.campaign_id,
      influencer_id: link.influencer_id,
    },
  });
  return { link, code: code.body.code as string };
}

async function clickOf(slug: string) {
  const res = await follow(slug);
  return new URL(res.headers.get("Location") as string).searchParams.get("sl_cid") as string;
}

async function conversion(orderId: string) {
  return env.DB.prepare("SELECT * FROM conversions WHERE order_id = ?")
    .bind(orderId)
    .first<Record<string, unknown>>();
}

function checkoutSession(overrides: Record<string, unknown>) {
  return {
    id: `evt_${crypto.randomUUID()}`,
    object: "event",
    type: "checkout.session.completed",
    data: {
      object: {
        id: `cs_test_${crypto.randomUUID()}`,
        object: "checkout.session",
        amount_total: 4999,
        currency: "eur",
        customer: "cus_123",
        payment_intent: `pi_${crypto.randomUUID()}`,
        payment_status: "paid",
        created: Math.floor(Date.now() / 1000),
        ...overrides,
      },
    },
  };
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
});

describe("Shopify webhook", () => {
  it("records orders/paid by discount code, deduplicated on the webhook id", async () => {
    const { link, code } = await codeFor();
    const orderId = Math.floor(Math.random() * 1e12);
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
    const orderId = Math.floor(Math.random() * 1e12);
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

  it("ignores a price too large to hold exactly, rather than store it rounded", async () => {
    const { code } = await codeFor();
    const orderId = Math.floor(Math.random() * 1e12);
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
