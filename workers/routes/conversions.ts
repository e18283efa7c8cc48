import { createRoute } from "@hono/zod-openapi";
import { recorderOf } from "../../src/auth/api-keys";
import { recordConversion } from "../../src/conversions/conversions";
import { customerFields } from "../../src/customers/customer-id";
import { requireScope } from "../lib/auth";
import { recordAnswer } from "../lib/results";
import {
  bearerSecurity,
  conflictResponse,
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
} from "../lib/router";
import { conversionBody, conversionSchema, serializeConversion } from "../schemas/conversions";

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
    const { db, signingSecret, clock, events } = c.var.ctx;
    const body = c.req.valid("json");
    const { record, status } = recordAnswer(
      await recordConversion(
        db,
        {
          type: body.type,
          ...customerFields(body.customer_id, signingSecret),
          clickId: body.click_id,
          orderId: body.order_id,
          amount: body.amount,
          currency: body.currency,
          occurredAt: body.occurred_at,
        },
        recorderOf(c.get("principal")),
        clock,
        signingSecret,
        events,
      ),
    );
    return c.json(serializeConversion(record), status);
  },
);
