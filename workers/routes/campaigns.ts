import { createRoute, z } from "@hono/zod-openapi";
import {
  createCampaign,
  findCampaign,
  listCampaigns,
  MAX_ATTRIBUTION_WINDOW_DAYS,
  serializeCampaign,
  updateCampaign,
} from "../../src/campaigns/campaigns";
import { enrol, listEnrolments, serializeEnrolment } from "../../src/campaigns/enrolments";
import { MAX_GOALS } from "../../src/campaigns/goals";
import { METRIC_FIELDS } from "../../src/metrics/metric-fields";
import { systemClock } from "../../src/time";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  createRouter,
  currency,
  errorResponses,
  idParam,
  isoDateTime,
  jsonBody,
  jsonResponse,
  listOf,
  money,
  notFoundResponse,
  pageQuerySchema,
} from "../lib/router";

export const goalSchema = z.object({
  metric: z.enum(METRIC_FIELDS),
  target: z.number().positive().max(Number.MAX_SAFE_INTEGER),
  // Kept as sent would echo an offset back ("+02:00"); responses give times in UTC.
  due: isoDateTime
    .transform((date) => date.toISOString())
    .nullable()
    .optional(),
});

const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    objective: z.enum(["awareness", "leads", "sales"]),
    currency: z.string(),
    budget: z.number().int().nullable(),
    starts_at: z.string().nullable(),
    ends_at: z.string().nullable(),
    attribution_window_days: z.number().int(),
    emv_cpm: z.number().int().nullable(),
    goals: z.array(z.object({ metric: z.string(), target: z.number(), due: z.string().nullable() })),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Campaign");

const campaignFields = {
  name: z.string().trim().min(1).max(200),
  objective: z.enum(["awareness", "leads", "sales"]),
  budget: money.nullable().optional().openapi({ description: "Minor units." }),
  starts_at: isoDateTime.nullable().optional(),
  ends_at: isoDateTime.nullable().optional(),
  attribution_window_days: z
    .number()
    .int()
    .min(1)
    .max(MAX_ATTRIBUTION_WINDOW_DAYS)
    .optional()
    .openapi({ description: "Default 30." }),
  emv_cpm: money
    .nullable()
    .optional()
    .openapi({ description: "Earned media value per 1000 impressions, minor units." }),
  goals: z.array(goalSchema).max(MAX_GOALS).optional(),
};

export const createCampaignBody = z.object({ ...campaignFields, currency }).strict();
// The currency is fixed once money may have been recorded in it.
const patchCampaignBody = z.object(campaignFields).partial().strict();

const enrolmentSchema = z
  .object({
    campaign_id: z.string(),
    influencer_id: z.string(),
    fee: z.number().int(),
    commission_rate: z.number(),
    other_costs: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Enrolment");

export const enrolBody = z
  .object({
    fee: money.optional().openapi({ description: "Flat fee, minor units." }),
    commission_rate: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .openapi({ description: "Share of net revenue, 0 to 1." }),
    other_costs: money.optional().openapi({ description: "Minor units." }),
  })
  .strict();

function toGoals(goals: z.infer<typeof goalSchema>[] | undefined) {
  return goals?.map((g) => ({ metric: g.metric, target: g.target, due: g.due ?? null }));
}

export function toCampaignInput<T extends Partial<z.infer<typeof createCampaignBody>>>(body: T) {
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.objective === undefined ? {} : { objective: body.objective }),
    ...(body.budget === undefined ? {} : { budget: body.budget }),
    ...(body.starts_at === undefined ? {} : { startsAt: body.starts_at }),
    ...(body.ends_at === undefined ? {} : { endsAt: body.ends_at }),
    ...(body.attribution_window_days === undefined
      ? {}
      : { attributionWindowDays: body.attribution_window_days }),
    ...(body.emv_cpm === undefined ? {} : { emvCpm: body.emv_cpm }),
    ...(body.goals === undefined ? {} : { goals: toGoals(body.goals) }),
  };
}

const tags = ["Campaigns"];
const admin = requireScope("admin");

export const campaignsRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/campaigns",
      tags,
      summary: "Create a campaign",
      security: bearerSecurity,
      middleware: [admin],
      request: jsonBody(createCampaignBody),
      responses: { 201: jsonResponse(campaignSchema, "The new campaign."), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const row = await createCampaign(
        c.get("db"),
        { ...toCampaignInput(body), name: body.name, objective: body.objective, currency: body.currency },
        systemClock,
      );
      return c.json(serializeCampaign(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns",
      tags,
      summary: "List campaigns",
      security: bearerSecurity,
      middleware: [admin],
      request: { query: pageQuerySchema },
      responses: {
        200: jsonResponse(listOf(campaignSchema), "A page of campaigns, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listCampaigns(c.get("db"), c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns/{id}",
      tags,
      summary: "Get a campaign",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam },
      responses: {
        200: jsonResponse(campaignSchema, "The campaign."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => c.json(serializeCampaign(await findCampaign(c.get("db"), c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/campaigns/{id}",
      tags,
      summary: "Change a campaign",
      description: "Fields not sent keep their value. The currency cannot change.",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam, ...jsonBody(patchCampaignBody) },
      responses: {
        200: jsonResponse(campaignSchema, "The campaign."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const row = await updateCampaign(
        c.get("db"),
        c.req.valid("param").id,
        toCampaignInput(c.req.valid("json")),
        systemClock,
      );
      return c.json(serializeCampaign(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/campaigns/{id}/influencers/{influencer_id}",
      tags,
      summary: "Enrol an influencer and set their costs",
      description: "Costs given replace the stored ones; costs not given keep their value (0 when new).",
      security: bearerSecurity,
      middleware: [admin],
      request: {
        params: z.object({
          id: z
            .string()
            .max(64)
            .openapi({ param: { name: "id", in: "path" } }),
          influencer_id: z
            .string()
            .max(64)
            .openapi({ param: { name: "influencer_id", in: "path" } }),
        }),
        ...jsonBody(enrolBody),
      },
      responses: {
        200: jsonResponse(enrolmentSchema, "The enrolment."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { id, influencer_id } = c.req.valid("param");
      const body = c.req.valid("json");
      const row = await enrol(
        c.get("db"),
        id,
        influencer_id,
        { fee: body.fee, commissionRate: body.commission_rate, otherCosts: body.other_costs },
        systemClock,
      );
      return c.json(serializeEnrolment(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/campaigns/{id}/influencers",
      tags,
      summary: "List a campaign's enrolled influencers and their costs",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam, query: pageQuerySchema },
      responses: {
        200: jsonResponse(listOf(enrolmentSchema), "The campaign's enrolments, newest first."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) =>
      c.json(await listEnrolments(c.get("db"), c.req.valid("param").id, c.req.valid("query")), 200),
  );
