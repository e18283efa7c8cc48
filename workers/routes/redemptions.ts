import { createRoute } from "@hono/zod-openapi";
import { recorderOf } from "../../src/auth/api-keys";
import { BUYER_THROTTLE, buyerOf, redeem } from "../../src/conversions/redemptions";
import { customerFields } from "../../src/customers/customer-id";
import { requireScope } from "../lib/auth";
import { recordAnswer } from "../lib/results";
import {
  bearerSecurity,
  conflictResponse,
  createRouter,
  errorResponses,
  errorSchema,
  jsonBody,
  jsonResponse,
  notFoundResponse,
} from "../lib/router";
import { redemptionBody, redemptionSchema, serializeRedemption } from "../schemas/redemptions";

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
    const { db, clock, events, signingSecret: secret } = c.var.ctx;
    const { client_ip, ...body } = c.req.valid("json");
    const principal = c.get("principal");
    const customer = customerFields(body.customer_id, secret);
    // The address goes no further than its keyed hash; an email counts as one buyer however spelt.
    const buyer = buyerOf(secret, principal.keyId, customer.customerId, client_ip);
    const { record, status } = recordAnswer(
      await redeem(
        db,
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
        clock,
        secret,
        events,
        buyer,
      ),
    );
    return c.json(serializeRedemption(record), status);
  },
);
