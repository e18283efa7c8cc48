import { exports } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import Stripe from "stripe";
import { BASE } from "./helpers";

// Signed deliveries of the shops' webhooks, as Stripe and Shopify send them.
export const STRIPE_SECRET = "whsec_test_secret";
export const SHOPIFY_SECRET = "test-shopify-secret";
const stripe = new Stripe("sk_test_unused", { httpClient: Stripe.createFetchHttpClient() });

export async function stripeDelivery(event: unknown, options: { secret?: string; timestamp?: number } = {}) {
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

// The payload as an object, or as the raw JSON text (for numbers a JavaScript number cannot hold).
export async function shopifyDelivery(topic: string, payload: unknown, id: string, secret = SHOPIFY_SECRET) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
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

export function checkoutSession(overrides: Record<string, unknown>) {
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

// A charge.refunded event as Stripe sends it: the charge with its running amount_refunded, no
// refunds listed unless expanded.
export function chargeRefunded(
  paymentIntent: string,
  chargeId: string,
  amountRefunded: number,
  currency = "eur",
) {
  return {
    id: `evt_${crypto.randomUUID()}`,
    type: "charge.refunded",
    data: {
      object: {
        id: chargeId,
        object: "charge",
        payment_intent: paymentIntent,
        amount: 4999,
        currency,
        amount_refunded: amountRefunded,
        refunded: amountRefunded === 4999,
      },
    },
  };
}
