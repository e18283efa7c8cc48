import { createRoute, z } from "@hono/zod-openapi";
import { findCampaign } from "../../src/campaigns/campaigns";
import { METRIC_FIELDS, type MetricField } from "../../src/metrics/metric-fields";
import { campaignReportCsv } from "../../src/summaries/campaign-report";
import { campaignSummary } from "../../src/summaries/campaign-summary";
import { campaignTimeseries, INTERVALS, MAX_TIMESERIES_DAYS } from "../../src/summaries/campaign-timeseries";
import { influencerSummary } from "../../src/summaries/influencer-summary";
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

// The behaviour figures are the newest and the least obvious: each says what it counts.
const DESCRIPTIONS: Partial<Record<MetricField, string>> = {
  sessions:
    "Visits that landed from a click and ran the shop's script (sl.js), on the local day they started " +
    "(their first page view).",
  engaged_sessions:
    "Sessions with 10 s or more engaged, or 2 or more page views, or a sale through their click " +
    "(its click id, or the lead that came through it; not by promo code).",
  bounce_rate: "1 − engaged_sessions ÷ sessions; null without sessions.",
  pages_per_session: "Page views ÷ sessions; null without sessions.",
  avg_engaged_seconds: "Engaged seconds (the page visible and in use) ÷ sessions; null without sessions.",
  returning_sessions: "Sessions of a visitor whose cookie was seen before.",
};
const metricShape = Object.fromEntries(
  METRIC_FIELDS.map((field) => {
    const description = DESCRIPTIONS[field];
    return [field, description ? z.number().nullable().openapi({ description }) : z.number().nullable()];
  }),
) as Record<MetricField, z.ZodNullable<z.ZodNumber>>;
const metricsSchema = z.object(metricShape).openapi("Metrics");

const sortQuery = z.object({ sort: z.enum(METRIC_FIELDS).optional() });
const totalsQuery = z.object({
  totals: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ description: "true: a last row of the totals, influencer_id `total` (default false)." }),
});
const PERIOD =
  "From the rollup (see as_of) over the campaign's local days (its time zone) from `from` to `to` (both included; default: all). " +
  "Every additive figure counts only the period: post figures and followers gained as growth within it (each " +
  "figure's latest reported value by its end minus the latest reported before its start), fee and other costs " +
  "spread over the campaign's days (exact to the minor unit, so periods add up to the whole), and the commission " +
  "ledger's entries on its days whose sale, lead or refund the rollup has counted. Ratios are computed from the " +
  "period's sums; with a zero denominator they are null.";

export const influencerSummaryQuery = periodQuerySchema.extend({
  campaign_id: z.string().max(64).optional(),
});

export const influencerSummarySchema = z
  .object({
    influencer_id: z.string(),
    currency: z
      .string()
      .nullable()
      .openapi({
        description:
          "The currency of the totals' money: the campaigns' common currency, null when they differ " +
          "(then every money figure of the totals is null; each campaign keeps its own).",
      }),
    as_of: asOfSchema,
    from: z.string().nullable(),
    to: z.string().nullable(),
    totals: metricsSchema,
    campaigns: z.array(
      metricsSchema.extend({ campaign_id: z.string(), name: z.string(), currency: z.string() }),
    ),
  })
  .openapi("InfluencerSummary");

export const INFLUENCER_SUMMARY =
  `${PERIOD} One row per campaign the influencer is enrolled in (newest first; \`campaign_id\` ` +
  "keeps one), money in that campaign's currency. Totals add the campaigns up; money only when they " +
  "share a currency (see `currency`). The audience (engagement_rate) is the influencer's latest follower count; " +
  "followers_gained counts their growth within the period once.";

const timeseriesSchema = z
  .object({
    campaign_id: z.string(),
    currency: z.string(),
    interval: z.enum(INTERVALS),
    as_of: asOfSchema,
    from: z
      .string()
      .openapi({ description: "The first day charted (YYYY-MM-DD, the campaign's time zone)." }),
    to: z.string().openapi({ description: "The last day charted (YYYY-MM-DD, the campaign's time zone)." }),
    points: z.array(
      metricsSchema.extend({
        date: z.string().openapi({
          description: "The interval's first day (a week's Monday, a month's 1st), YYYY-MM-DD.",
          example: "2026-11-26",
        }),
      }),
    ),
  })
  .openapi("CampaignTimeseries");

const summarySchema = z
  .object({
    campaign_id: z.string(),
    currency: z.string(),
    as_of: asOfSchema,
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

export const summariesRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns/{id}/summary",
      tags: ["Figures"],
      summary: "A campaign's figures, per influencer (a leaderboard) and in total, with its goals",
      description: `${PERIOD} \`sort\` orders the leaderboard, highest first (default revenue).`,
      security: bearerSecurity,
      middleware: [requireScope("admin")],
      request: {
        params: idParam,
        query: periodQuerySchema.merge(sortQuery),
      },
      responses: { 200: jsonResponse(summarySchema, "The summary."), ...errorResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const { from, to, sort } = c.req.valid("query");
      const campaign = await findCampaign(db, c.req.valid("param").id);
      return c.json(await campaignSummary(db, campaign, { from, to }, { sort }, clock), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns/{id}/timeseries",
      tags: ["Figures"],
      summary: "A campaign's figures per local day, week or month, for a chart",
      description:
        "One point per local day of the campaign from `from` to `to` (both included), days without events as zeros; at most " +
        `${MAX_TIMESERIES_DAYS} days (else 422). Default range: the campaign's start (else its first ` +
        `rolled-up day) to today, cut to the last ${MAX_TIMESERIES_DAYS} days. Counts and money are that ` +
        "day's, from the rollup (see as_of). Post figures (impressions … saves) are that day's growth: each " +
        "figure's latest reported value by the day's end minus the latest by the day before's end (snapshots are " +
        "running counters; a figure left out is not reported), so the points add up to the posts' figures. engagement_rate uses the current " +
        "audience; followers_gained is the interval's growth (the points add up). `cost` is the interval's as the " +
        "summary counts a period's (fees and other costs spread over the campaign's days, the ledger's commission " +
        "entries on its days once the rollup has counted their source), so the points' costs add up to the summary's over the same days. `influencer_id` " +
        "charts one influencer. `interval`: `day` (default), `week` (weeks start on Monday) or `month`: a " +
        "point per interval, dated by its first day, summing its days within the range (the first and last " +
        "may be cut by `from` and `to`); its ratios are computed from those sums.",
      security: bearerSecurity,
      middleware: [requireScope("admin")],
      request: {
        params: idParam,
        query: periodQuerySchema.extend({
          interval: z.enum(INTERVALS).default("day"),
          influencer_id: z.string().max(64).optional(),
        }),
      },
      responses: {
        200: jsonResponse(timeseriesSchema, "The points, oldest first."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const { from, to, influencer_id, interval } = c.req.valid("query");
      const series = await campaignTimeseries(db, c.req.valid("param").id, { from, to }, clock, {
        influencerId: influencer_id,
        interval,
      });
      return c.json(series, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns/{id}/report.csv",
      tags: ["Figures"],
      summary: "The campaign summary as a CSV file, one row per influencer",
      description:
        `${PERIOD} Columns: influencer_id, handle, currency (the campaign's), then the Metrics fields; one row ` +
        "per influencer (ordered by `sort`, highest first, default revenue); with `totals=true`, then a `total` row. " +
        "Money in the currency's major units as plain decimals with its number of digits (`34.27`; yen `1234`; " +
        "averages rounded half up to the minor unit), unlike the JSON API's integer minor units; ratios rounded " +
        "to 4 decimals (`0.0188`); counts as integers. RFC 4180 (quoted where " +
        "needed, CRLF line ends); empty cells are nulls. Text cells beginning with = + - @ (or tab, CR) " +
        "get a leading apostrophe so a spreadsheet does not run them as formulas.",
      security: bearerSecurity,
      middleware: [requireScope("admin")],
      request: { params: idParam, query: periodQuerySchema.merge(sortQuery).merge(totalsQuery) },
      responses: {
        200: {
          content: { "text/csv": { schema: z.string() } },
          description:
            "The report (Content-Disposition: attachment), named for the campaign and the period's local days: " +
            "swayline-<campaign id>-<from>-to-<to>.csv, -all-time.csv, -up-to-<to>.csv with no from, and with no " +
            "to -<from>-to-<today>.csv (-from-<from>.csv when from is still to come).",
        },
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const { from, to, sort, totals } = c.req.valid("query");
      const campaign = await findCampaign(db, c.req.valid("param").id);
      const report = await campaignReportCsv(db, campaign, { from, to }, { sort, totals }, clock);
      return c.body(report.csv, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${report.filename}"`,
      });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/influencers/{id}/summary",
      tags: ["Figures"],
      summary: "An influencer's figures across their campaigns",
      description: INFLUENCER_SUMMARY,
      security: bearerSecurity,
      middleware: [requireScope("admin")],
      request: {
        params: idParam,
        query: influencerSummaryQuery,
      },
      responses: {
        200: jsonResponse(influencerSummarySchema, "The summary."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { from, to, campaign_id } = c.req.valid("query");
      const summary = await influencerSummary(
        c.var.ctx.db,
        c.req.valid("param").id,
        { campaignId: campaign_id },
        { from, to },
      );
      return c.json(summary, 200);
    },
  );
