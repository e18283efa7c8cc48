import { createRoute, z } from "@hono/zod-openapi";
import { recorderOf } from "../../src/auth/api-keys";
import { recordConversion, serializeConversion } from "../../src/conversions/conversions";
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
  isoDateTime,
  jsonBody,
  jsonResponse,
  money,
} from "../lib/router";
import { signingSecret } from "../lib/secrets";

const conversionSchema = z
  .object({
    id: z.string(),
    type: z.enum(["lead", "sale"]),
    source: z
      .string()
      .openapi({ description: "The checkout key's source; order ids are unique per source." }),
    order_id: z.string().nullable(),
    campaign_id: z.string(),
    influencer_id: z.string(),
    customer_id: z.string().nullable(),
    click_id: z.string().nullable(),
    link_id: z.string().nullable(),
    code: z.string().nullable(),
    amount: z.number().int().nullable(),
    currency: z.string().nullable(),
    attribution: z.enum(["code", "click", "customer"]),
    occurred_at: z.string(),
    created_at: z.string(),
  })
  .openapi("Conversion");

const externalId = z.string().trim().min(1).max(200);

const conversionBody = z
  .object({
    type: z.enum(["lead", "sale"]),
    customer_id: externalId.openapi({ description: CUSTOMER_ID }),
    click_id: externalId.optional().openapi({
      description:
        "The sl_cid the visitor arrived with, as the redirect issued it (signed; see invalid_click_id).",
    }),
    order_id: externalId.optional(),
    amount: money.optional(),
    currency: currency.optional(),
    occurred_at: isoDateTime.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.type !== "sale") return;
    for (const field of ["order_id", "amount", "currency"] as const) {
      if (body[field] === undefined)
        ctx.addIssue({ code: "custom", path: [field], message: "Required for a sale." });
    }
  });

export const conversionsRouter = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/conversions",
    tags: ["Checkout"],
    summary: "Record a lead or a sale by click id or customer",
    description:
      "Attributed by click_id to the clicked link's influencer when the click lies inside the campaign's " +
      "attribution window (also right after the click, before the click is written), else by customer_id to the " +
      "influencer of that customer's earliest lead; neither: 422 unattributed. A click_id that the redirect did not " +
      "issue, or whose time or link was changed, is 422 invalid_click_id, and nothing is recorded; a real click " +
      "still counts after its link is disabled. A sale needs order_id, amount and " +
      "currency and counts once per order_id; a lead once per customer and campaign (a repeat answers 200 with the " +
      "existing lead). An order already attributed through a promo code keeps it (200 with that record).",
    security: bearerSecurity,
    middleware: [requireScope("checkout")],
    request: jsonBody(conversionBody),
    responses: {
      201: jsonResponse(conversionSchema, "The conversion, recorded."),
      200: jsonResponse(conversionSchema, "Already recorded: the existing record."),
      ...errorResponses,
      ...conflictResponse,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const { record, status } = recordAnswer(
      await recordConversion(
        c.get("db"),
        {
          type: body.type,
          ...customerFields(body.customer_id, signingSecret(c.env)),
          clickId: body.click_id,
          orderId: body.order_id,
          amount: body.amount,
          currency: body.currency,
          occurredAt: body.occurred_at,
        },
        recorderOf(c.get("principal")),
        systemClock,
        signingSecret(c.env),
        queueEvents(c.env, c.executionCtx),
      ),
    );
    return c.json(serializeConversion(record), status);
  },
);
