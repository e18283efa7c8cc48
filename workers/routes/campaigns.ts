import { createRoute, z } from "@hono/zod-openapi";
import { createCampaign, findCampaign, listCampaigns, updateCampaign } from "../../src/campaigns/campaigns";
import { enrol, listEnrolments } from "../../src/campaigns/enrolments";
import { mapPage } from "../../src/pagination";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  filteredPageQuerySchema,
  idParam,
  jsonBody,
  jsonResponse,
  listFilterOf,
  listOf,
  notFoundResponse,
} from "../lib/router";
import {
  campaignSchema,
  createCampaignBody,
  patchCampaignBody,
  serializeCampaign,
  toCampaignInput,
} from "../schemas/campaigns";
import { enrolBody, enrolmentSchema, enrolmentTerms, serializeEnrolment } from "../schemas/enrolments";

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
      const { db, clock } = c.var.ctx;
      const body = c.req.valid("json");
      const row = await createCampaign(
        db,
        { ...toCampaignInput(body), name: body.name, objective: body.objective, currency: body.currency },
        clock,
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
      request: { query: filteredPageQuerySchema },
      responses: {
        200: jsonResponse(
          listOf(campaignSchema),
          "A page of campaigns, newest first; `q` searches the name.",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { q, include_archived, ...page } = c.req.valid("query");
      const rows = await listCampaigns(c.var.ctx.db, page, listFilterOf({ q, include_archived }));
      return c.json(mapPage(rows, serializeCampaign), 200);
    },
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
    async (c) => c.json(serializeCampaign(await findCampaign(c.var.ctx.db, c.req.valid("param").id)), 200),
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
      const { db, clock } = c.var.ctx;
      const { archived, ...fields } = c.req.valid("json");
      const row = await updateCampaign(
        db,
        c.req.valid("param").id,
        { ...toCampaignInput(fields), archived },
        clock,
      );
      return c.json(serializeCampaign(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/campaigns/{id}/influencers/{influencer_id}",
      tags,
      summary: "Enrol an influencer and set their terms",
      description:
        "Terms given replace the stored ones; terms not given keep their value (0 when new, holding_days 30). " +
        "A fee, or a change of it, adds a fee entry (the difference) to the commission ledger, payable at once. " +
        "Rates and fixed commissions apply to the sales and leads derived from then on.",
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
      const { db, clock } = c.var.ctx;
      const { id, influencer_id } = c.req.valid("param");
      const body = c.req.valid("json");
      const row = await enrol(db, id, influencer_id, enrolmentTerms(body), clock);
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
      request: { params: idParam, query: filteredPageQuerySchema },
      responses: {
        200: jsonResponse(
          listOf(enrolmentSchema),
          "The campaign's enrolments, newest first; `q` searches the influencer's handle and name.",
        ),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { q, include_archived, ...query } = c.req.valid("query");
      const page = await listEnrolments(
        c.var.ctx.db,
        c.req.valid("param").id,
        query,
        listFilterOf({ q, include_archived }),
      );
      return c.json(mapPage(page, serializeEnrolment), 200);
    },
  );
