import { createRoute, z } from "@hono/zod-openapi";
import { balanceOf, listEntries } from "../../src/commissions/entries";
import {
  createPayout,
  findPayout,
  listPayouts,
  markPayoutPaid,
  payoutLinesCsv,
} from "../../src/commissions/payouts";
import { findInfluencer } from "../../src/influencers/influencers";
import { mapPage } from "../../src/pagination";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  conflictResponse,
  createRouter,
  errorResponses,
  idParam,
  jsonBody,
  jsonResponse,
  listOf,
  notFoundResponse,
  pageQuerySchema,
} from "../lib/router";
import {
  balanceSchema,
  commissionListQuery,
  commissionSchema,
  paidBody,
  payoutBody,
  payoutSchema,
  serializeBalance,
  serializeCommission,
  serializePayout,
} from "../schemas/commissions";

const admin = requireScope("admin");

export const LEDGER =
  "Entries are derived from the recorded sales, leads and refunds (each once, whatever the deliveries) and " +
  "from fee changes. A sale earns commission_rate × its amount + commission_per_sale, a lead " +
  "commission_per_lead, rounded to the minor unit, half up; a refund takes back commission_rate × the " +
  "refunded amount (at the rate the sale earned), never more than the sale's entry earned. pending until " +
  "the conversion's time + holding_days (a clawback with its sale), then payable; fee entries at once.";

export const commissionsRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/commissions",
      tags: ["Commissions"],
      summary: "The commission ledger",
      description: LEDGER,
      security: bearerSecurity,
      middleware: [admin],
      request: { query: commissionListQuery },
      responses: {
        200: jsonResponse(listOf(commissionSchema), "A page of entries, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const { campaign_id, influencer_id, status, ...page } = c.req.valid("query");
      const filter = { campaignId: campaign_id, influencerId: influencer_id, status };
      const now = clock();
      return c.json(
        mapPage(await listEntries(db, filter, page, () => now), (row) => serializeCommission(row, now)),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/influencers/{id}/balance",
      tags: ["Commissions"],
      summary: "What an influencer is owed, per currency",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam },
      responses: {
        200: jsonResponse(balanceSchema, "Sums of the influencer's entries by status."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const influencer = await findInfluencer(db, c.req.valid("param").id);
      return c.json(serializeBalance(await balanceOf(db, influencer.id, clock)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/payouts",
      tags: ["Payouts"],
      summary: "Pay what is payable: a draft payout, one line per influencer",
      description:
        "Claims every payable entry (clawbacks included) in the currency not in another payout, for each " +
        "influencer whose entries add up to at least min_amount (default 1); the others wait. An entry is in at " +
        "most one payout, also when payouts are created at the same moment. With an Idempotency-Key, the same " +
        "key answers the same payout (200); the key with another body is 409 idempotency_conflict. Nothing to " +
        "pay: 422 nothing_payable.",
      security: bearerSecurity,
      middleware: [admin],
      request: {
        headers: z.object({
          "idempotency-key": z
            .string()
            .min(1)
            .max(200)
            .optional()
            .openapi({ description: "Any string of the client's: a retry with it makes no second payout." }),
        }),
        ...jsonBody(payoutBody),
      },
      responses: {
        201: jsonResponse(payoutSchema, "The payout, created."),
        200: jsonResponse(payoutSchema, "The payout this Idempotency-Key created before."),
        ...errorResponses,
        ...conflictResponse,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const body = c.req.valid("json");
      const { payout, created } = await createPayout(
        db,
        {
          currency: body.currency,
          minAmount: body.min_amount ?? 1,
          idempotencyKey: c.req.valid("header")["idempotency-key"],
        },
        clock,
      );
      return c.json(serializePayout(payout), created ? 201 : 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/payouts",
      tags: ["Payouts"],
      summary: "List payouts",
      security: bearerSecurity,
      middleware: [admin],
      request: { query: pageQuerySchema },
      responses: {
        200: jsonResponse(listOf(payoutSchema), "A page of payouts, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => c.json(mapPage(await listPayouts(c.var.ctx.db, c.req.valid("query")), serializePayout), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/payouts/{id}",
      tags: ["Payouts"],
      summary: "A payout and its lines",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam },
      responses: {
        200: jsonResponse(payoutSchema, "The payout."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => c.json(serializePayout(await findPayout(c.var.ctx.db, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/payouts/{id}/lines.csv",
      tags: ["Payouts"],
      summary: "A payout's lines as a CSV file, for a bank's or PayPal's mass payment",
      description:
        "Columns: influencer, handle, amount (major units, plain decimal: `34.27`), currency, reference (the " +
        "reference given when marked paid, else the payout's id). RFC 4180, CRLF line ends.",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam },
      responses: {
        200: {
          content: { "text/csv": { schema: z.string() } },
          description: "The lines (Content-Disposition: attachment).",
        },
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const csv = await payoutLinesCsv(c.var.ctx.db, id);
      return c.body(csv, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="payout-${id.replace(/[^A-Za-z0-9_-]/g, "")}.csv"`,
      });
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/payouts/{id}/paid",
      tags: ["Payouts"],
      summary: "Mark a payout paid: its entries become paid",
      description: "Marking it again changes nothing (the first reference stands).",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam, ...jsonBody(paidBody) },
      responses: {
        200: jsonResponse(payoutSchema, "The payout, paid."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const payout = await markPayoutPaid(db, c.req.valid("param").id, c.req.valid("json").reference, clock);
      return c.json(serializePayout(payout), 200);
    },
  );
