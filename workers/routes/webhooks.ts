import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DomainError } from "../../src/errors";
import { exactIds, handleShopifyWebhook } from "../../src/webhooks/shopify";
import { verifyShopifyHmac, verifyStripeSignature } from "../../src/webhooks/signatures";
import { handleStripeEvent, stripeEventSchema } from "../../src/webhooks/stripe";
import { handleOnce } from "../../src/webhooks/webhook-events";
import type { AppEnv } from "../lib/app-env";
import { createRouter, errorSchema, jsonResponse } from "../lib/router";

const outcomeSchema = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean(),
    outcome: z.string().openapi({ example: "recorded" }),
  })
  .openapi("WebhookOutcome");

const responses = {
  200: jsonResponse(outcomeSchema, "Handled (or ignored, with the reason in outcome)."),
  400: jsonResponse(errorSchema, "The body is not JSON."),
  401: jsonResponse(errorSchema, "Missing or wrong signature, or a stale Stripe timestamp."),
};

function parseJson(raw: string, reviver?: (this: unknown, key: string, value: unknown) => unknown): unknown {
  try {
    return JSON.parse(raw, reviver);
  } catch {
    throw new DomainError("invalid_json", "The webhook body is not valid JSON.");
  }
}

const badSignature = () => new DomainError("unauthorized", "The webhook signature does not verify.");

// The provider's signing secret, or a 401 that says it is not set: a delivery can then never
// verify, and whoever is setting the webhook up should be told why.
function webhookSecret(value: string | undefined, name: string): string {
  if (value) return value;
  throw new DomainError("unauthorized", `This provider's webhooks are not set up here: ${name} is not set.`);
}

async function stripe(c: Context<AppEnv>) {
  const { ctx } = c.var;
  const { db, clock, events } = ctx;
  // The signature covers the raw bytes, so the body is read as text before any parsing.
  const raw = await c.req.text();
  const secret = webhookSecret(c.env.STRIPE_WEBHOOK_SECRET, "STRIPE_WEBHOOK_SECRET");
  if (!verifyStripeSignature(c.req.header("Stripe-Signature"), raw, secret, clock())) throw badSignature();
  const event = stripeEventSchema.safeParse(parseJson(raw));
  if (!event.success)
    return c.json({ received: true as const, duplicate: false, outcome: "ignored_malformed" }, 200);
  const result = await handleOnce(
    db,
    { provider: "stripe", id: event.data.id, type: event.data.type },
    () => handleStripeEvent(db, event.data, clock, ctx.signingSecret, events),
    clock,
  );
  return c.json(result, 200);
}

async function shopify(c: Context<AppEnv>) {
  const { ctx } = c.var;
  const { db, clock, events } = ctx;
  const raw = await c.req.text();
  const secret = webhookSecret(c.env.SHOPIFY_WEBHOOK_SECRET, "SHOPIFY_WEBHOOK_SECRET");
  if (!verifyShopifyHmac(c.req.header("X-Shopify-Hmac-Sha256"), raw, secret)) throw badSignature();
  const payload = parseJson(raw, exactIds);
  const topic = c.req.header("X-Shopify-Topic") ?? "";
  // Shopify may deliver a webhook more than once, each time with the same X-Shopify-Webhook-Id.
  const id = c.req.header("X-Shopify-Webhook-Id") ?? c.req.header("X-Shopify-Event-Id");
  if (!id) throw new DomainError("validation_failed", "X-Shopify-Webhook-Id is missing.");
  const result = await handleOnce(
    db,
    { provider: "shopify", id, type: topic },
    () => handleShopifyWebhook(db, topic, payload, clock, ctx.signingSecret, events),
    clock,
  );
  return c.json(result, 200);
}

const tags = ["Webhooks"];

export const webhooksRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/webhooks/stripe",
      tags,
      summary: "Stripe webhook (signed, no API key)",
      description:
        "Verifies Stripe-Signature (HMAC-SHA256 of `t.body` with STRIPE_WEBHOOK_SECRET, 300 s tolerance). " +
        "checkout.session.completed records the order by promotion code, else (no code, or one that is " +
        "no influencer's, off, expired or used up) by the click id in client_reference_id; a click id that the " +
        "redirect did not issue is neither stored nor attributes (outcome invalid_click_id when no code takes the " +
        "order); charge.refunded " +
        "records the listed refunds, or what amount_refunded adds to the charge's earlier totals " +
        "(outcome nothing_new when nothing). Replays of an event id count once.",
      responses,
    }),
    stripe,
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/webhooks/shopify",
      tags,
      summary: "Shopify webhook (signed, no API key)",
      description:
        "Verifies X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body with SHOPIFY_WEBHOOK_SECRET). " +
        "orders/paid and orders/create record the order by the first of its discount codes that is an " +
        "influencer's, else by the sl_cid in landing_site (one the redirect did not issue is neither stored nor " +
        "attributes: outcome invalid_click_id when no code takes the order); " +
        "refunds/create records the refund. Deduplicated on X-Shopify-Webhook-Id.",
      responses,
    }),
    shopify,
  );
