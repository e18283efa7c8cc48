import { createRoute, z } from "@hono/zod-openapi";
import { METRIC_FIELDS, type MetricField } from "../../src/metrics/metric-fields";
import { campaignSummary } from "../../src/summaries/campaign-summary";
import { systemClock } from "../../src/time";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  idParam,
  isoDateTime,
  jsonResponse,
  notFoundResponse,
} from "../lib/router";

const metricShape = Object.fromEntries(
  METRIC_FIELDS.map((field) => [field, z.number().nullable()]),
) as Record<MetricField, z.ZodNullable<z.ZodNumber>>;
const metricsSchema = z.object(metricShape).openapi("Metrics");

const summarySchema = z
  .object({
    campaign_id: z.string(),
    currency: z.string(),
    as_of: z
      .string()
      .nullable()
      .openapi({ description: "When the rollup last ran; null before its first run." }),
    from: z.string().nullable(),
    to: z.string().nullable(),
    totals: metricsSchema,
    influencers: z.array(metricsSchema.extend({ influencer_id: z.string(), handle: z.string() })),
    goals: z.array(
      z.object({
        metric: z.string(),
        target: z.number(),
        value: z.number().nullable(),
        progress: z.number().nullable(),
        due: z.string().nullable(),
        on_track: z.boolean().nullable(),
      }),
    ),
  })
  .openapi("CampaignSummary");

export const summariesRouter = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/campaigns/{id}/summary",
    tags: ["Figures"],
    summary: "A campaign's figures, per influencer (a leaderboard) and in total, with its goals",
    description:
      "From the rollup (see as_of) over the UTC days from `from` to `to` (both included; default: all). " +
      "Post figures are each post's latest snapshot captured by `to`. Ratios with a zero denominator are null. " +
      "`sort` orders the leaderboard, highest first (default revenue).",
    security: bearerSecurity,
    middleware: [requireScope("admin")],
    request: {
      params: idParam,
      query: z.object({
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        sort: z.enum(METRIC_FIELDS).optional(),
      }),
    },
    responses: { 200: jsonResponse(summarySchema, "The summary."), ...errorResponses, ...notFoundResponse },
  }),
  async (c) => {
    const { from, to, sort } = c.req.valid("query");
    return c.json(
      await campaignSummary(c.get("db"), c.req.valid("param").id, { from, to }, { sort }, systemClock),
      200,
    );
  },
);
