import { createRoute } from "@hono/zod-openapi";
import { recorderOf } from "../../src/auth/api-keys";
import { recordRefund } from "../../src/conversions/refunds";
import { requireScope } from "../lib/auth";
import { recordAnswer } from "../lib/results";
import {
  bearerSecurity,
  conflictResponse,
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  notFoundResponse,
} from "../lib/router";
import { refundBody, refundSchema, serializeRefund } from "../schemas/refunds";

export const refundsRouter = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/refunds",
    tags: ["Checkout"],
    summary: "Take a refund off an order",
    description:
      "Partial or full; once per refund_id of the key's source (a replay answers 200 with the same body, another " +
      "body 409 refund_conflict). An order's refunds never exceed its amount (422 refund_exceeds_order). A key " +
      "refunds only its own source's orders: another source's order, or one not recorded, is 404 order_not_found.",
    security: bearerSecurity,
    middleware: [requireScope("checkout")],
    request: jsonBody(refundBody),
    responses: {
      201: jsonResponse(refundSchema, "The refund, recorded."),
      200: jsonResponse(refundSchema, "The refund was already recorded with this body."),
      ...errorResponses,
      ...notFoundResponse,
      ...conflictResponse,
    },
  }),
  async (c) => {
    const { db, clock, events } = c.var.ctx;
    const body = c.req.valid("json");
    const result = await recordRefund(
      db,
      { orderId: body.order_id, refundId: body.refund_id, amount: body.amount, occurredAt: body.occurred_at },
      recorderOf(c.get("principal")),
      clock,
      events,
    );
    // A refund of the API is never a running total, so it always adds its own amount.
    if (result.outcome === "nothing_new") throw new Error("a refund of no amount reached the insert");
    const { record, status } = recordAnswer(result);
    return c.json(serializeRefund(record), status);
  },
);
