import { createRoute, z } from "@hono/zod-openapi";
import { recorderOf } from "../../src/auth/api-keys";
import { BUYER_THROTTLE, buyerOf, redeem, serializeRedemption } from "../../src/conversions/redemptions";
import { CUSTOMER_ID, customerFields } from "../../src/customers/customer-id";
import { systemClock } from "../../src/time";
import { requireScope } from "../lib/auth";
import { queueEvents } from "../lib/events";
import { recordAnswer } from "../lib/results";
import {
  bearerSecurity,
  conflictResponse,
  createRouter,
  currency,
  errorResponses,
  errorSchema,
  isoDateTime,
  jsonBody,
  jsonResponse,
  money,
  notFoundResponse,
} from "../lib/router";
import { signingSecret } from "../lib/secrets";

const redemptionSchema = z
  .object({
    id: z.string(),
    source: z
      .string()
      .openapi({ description: "The checkout key's source; order ids are unique per source." }),
    order_id: z.string(),
    code: z.string(),
    campaign_id: z.string(),
    influencer_id: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    customer_id: z.string().nullable(),
    click_id: z.string().nullable(),
    attribution: z.literal("code"),
    occurred_at: z.string(),
    created_at: z.string(),
  })
  .openapi("Redemption");

const externalId = z.string().trim().min(1).max(200);

const redemptionBody = z
  .object({
    code: z.string().trim().min(1).max(64),
    order_id: externalId,
    amount: money.openapi({ description: "Order amount in minor units." }),
    currency,
    customer_id: externalId.optional().openapi({ description: CUSTOMER_ID }),
    click_id: externalId.optional().openapi({
      description:
        "The sl_cid the visitor arrived with, kept with the order; one the redirect did not issue is 422.",
    }),
    occurred_at: isoDateTime.optional(),
    client_ip: z
      .union([z.ipv4(), z.ipv6()])
      .optional()
      .openapi({
        description:
          "The buyer's IP address, as the checkout saw it: hashed at once, never stored. Refused attempts " +
          "are throttled per customer_id and per client_ip (an IPv6 address by its /64).",
      }),
  })
  .strict();

const throttle = `${BUYER_THROTTLE.limit} refused attempts within ${BUYER_THROTTLE.windowMs / 1000} seconds`;

export const redemptionsRouter = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/redemptions",
    tags: ["Checkout"],
    summary: "Record an order that used a promo code",
    description:
      "Counted once per order_id: a replay with the same body answers 200 with the same body; a different body " +
      "for the same order_id is 409 order_conflict. Refusals (code_not_found, code_inactive, code_expired, " +
      "code_exhausted, currency_mismatch, and invalid_click_id for a click_id that the redirect did not issue or " +
      "that was changed) are kept for fraud review. " +
      `Guessing is throttled per buyer, never per shop: after ${throttle} from one customer_id, or from ` +
      "one client_ip, that buyer is answered 429 rate_limited with Retry-After whatever it sends, a valid " +
      "code too, so a 429 tells nothing about whether a code exists; other buyers are served. Attempts " +
      "with neither customer_id nor client_ip cannot be told apart: they share one bucket per key, so " +
      "they slow each other only. Send client_ip: without it, a new customer_id per guess is a new buyer.",
    security: bearerSecurity,
    middleware: [requireScope("checkout")],
    request: jsonBody(redemptionBody),
    responses: {
      201: jsonResponse(redemptionSchema, "The order, recorded."),
      200: jsonResponse(redemptionSchema, "The order was already recorded with this body."),
      ...errorResponses,
      ...notFoundResponse,
      ...conflictResponse,
      429: jsonResponse(
        errorSchema,
        "Too many refused attempts from this buyer, or unknown keys from this client; see Retry-After.",
      ),
    },
  }),
  async (c) => {
    const { client_ip, ...body } = c.req.valid("json");
    const principal = c.get("principal");
    const secret = signingSecret(c.env);
    const customer = customerFields(body.customer_id, secret);
    // The address goes no further than its keyed hash; an email counts as one buyer however spelt.
    const buyer = buyerOf(secret, principal.keyId, customer.customerId, client_ip);
    const { record, status } = recordAnswer(
      await redeem(
        c.get("db"),
        {
          code: body.code,
          orderId: body.order_id,
          amount: body.amount,
          currency: body.currency,
          ...customer,
          clickId: body.click_id,
          occurredAt: body.occurred_at,
        },
        recorderOf(principal),
        systemClock,
        secret,
        queueEvents(c.env, c.executionCtx),
        buyer,
      ),
    );
    return c.json(serializeRedemption(record), status);
  },
);
