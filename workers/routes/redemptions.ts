import { createRoute, z } from "@hono/zod-openapi";
import { redeem } from "../../src/conversions/redemptions";
import { CUSTOMER_ID, customerFields } from "../../src/customers/customer-id";
import { systemClock } from "../../src/time";
import { requireScope } from "../lib/auth";
import { queueEvents } from "../lib/events";
import { limitRedemptions } from "../lib/rate-limit";
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
    click_id: externalId.optional(),
    occurred_at: isoDateTime.optional(),
  })
  .strict();

export const redemptionsRouter = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/redemptions",
    tags: ["Checkout"],
    summary: "Record an order that used a promo code",
    description:
      "Counted once per order_id: a replay with the same body answers 200 with the same body; a different body " +
      "for the same order_id is 409 order_conflict. Refusals (code_not_found, code_inactive, code_expired, " +
      "code_exhausted, currency_mismatch) are kept for fraud review. " +
      "Rate-limited per key (600 a minute) and per customer_id (20 a minute): 429 with Retry-After.",
    security: bearerSecurity,
    middleware: [requireScope("checkout")],
    request: jsonBody(redemptionBody),
    responses: {
      201: jsonResponse(redemptionSchema, "The order, recorded."),
      200: jsonResponse(redemptionSchema, "The order was already recorded with this body."),
      ...errorResponses,
      ...notFoundResponse,
      ...conflictResponse,
      429: jsonResponse(errorSchema, "Too many attempts from this key or client; see Retry-After."),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const principal = c.get("principal");
    const customer = customerFields(body.customer_id, signingSecret(c.env));
    await limitRedemptions(c.env, principal.keyId, customer.customerId);
    const result = await redeem(
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
      principal.keyId,
      systemClock,
      queueEvents(c.env, c.executionCtx),
    );
    return c.json(result.body, result.status);
  },
);
