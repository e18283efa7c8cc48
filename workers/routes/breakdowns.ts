import { createRoute, z } from "@hono/zod-openapi";
import {
  BREAKDOWN_DIMENSIONS,
  campaignBreakdown,
  UNKNOWN_VALUE,
} from "../../src/summaries/campaign-breakdown";
import { requireScope } from "../lib/auth";
import {
  asOfSchema,
  bearerSecurity,
  createRouter,
  errorResponses,
  idParam,
  jsonResponse,
  notFoundResponse,
  periodQuerySchema,
} from "../lib/router";

const breakdownSchema = z
  .object({
    campaign_id: z.string(),
    currency: z.string(),
    by: z.enum(BREAKDOWN_DIMENSIONS),
    as_of: asOfSchema,
    from: z.string().nullable(),
    to: z.string().nullable(),
    rows: z.array(
      z.object({
        value: z
          .string()
          .nullable()
          .openapi({
            description: `The country code, device type, browser, OS or referrer host; "${UNKNOWN_VALUE}" when the click did not say; null for the sales no click explains (see reason).`,
          }),
        reason: z.enum(["no_click"]).nullable().openapi({
          description:
            '"no_click" on the row (value null) of the sales no click explains: by promo code, or without a click id. null on every other row.',
        }),
        clicks: z.number().int(),
        unique_clicks: z.number().int(),
        conversions: z.number().int(),
        revenue: z.number().int(),
        sessions: z
          .number()
          .int()
          .openapi({
            description: `Visitor sessions (the shop's script) under their click's values; "${UNKNOWN_VALUE}" while the click has not been rolled up.`,
          }),
        engaged_sessions: z.number().int(),
        bounce_rate: z.number().nullable(),
        pages_per_session: z.number().nullable(),
        avg_engaged_seconds: z.number().nullable(),
        returning_sessions: z.number().int(),
      }),
    ),
  })
  .openapi("CampaignBreakdown");

export const breakdownsRouter = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/campaigns/{id}/breakdown",
    tags: ["Figures"],
    summary: "A campaign's clicks, sessions and sales per country, device, browser, OS or referrer",
    description:
      "From the rollup (see as_of) over the campaign's local days (its time zone) from `from` to `to` (both included; default: all), " +
      "optionally for one influencer; most clicks first, the no-click row last. Clicks exclude bots. A sale counts " +
      "under the values of the click it came through (directly, or through the customer's lead). Sales no click " +
      'explains (by promo code, or without a click id) are one row with `value: null` and `reason: "no_click"`, ' +
      `never under "${UNKNOWN_VALUE}", which is for clicks that lack the value. A sale through a click is listed ` +
      "once its click has been rolled up too, so a sale whose click never reached the tracker is in the summary's " +
      "totals but in no row here. A visitor session counts under its click's values, and its figures add up to the " +
      `summary's: a session whose click has not been rolled up yet is under "${UNKNOWN_VALUE}" until it is. ` +
      "Refunds are not broken down (see the summary).",
    security: bearerSecurity,
    middleware: [requireScope("admin")],
    request: {
      params: idParam,
      query: periodQuerySchema.extend({
        by: z.enum(BREAKDOWN_DIMENSIONS),
        influencer_id: z.string().max(64).optional(),
      }),
    },
    responses: {
      200: jsonResponse(breakdownSchema, "The breakdown."),
      ...errorResponses,
      ...notFoundResponse,
    },
  }),
  async (c) => {
    const { by, from, to, influencer_id } = c.req.valid("query");
    return c.json(
      await campaignBreakdown(
        c.var.ctx.db,
        c.req.valid("param").id,
        by,
        { from, to },
        { influencerId: influencer_id },
      ),
      200,
    );
  },
);
