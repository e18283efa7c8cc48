import { createRoute, z } from "@hono/zod-openapi";
import {
  CODE_PATTERN,
  createPromoCode,
  findPromoCode,
  listPromoCodes,
  serializePromoCode,
  updatePromoCode,
} from "../../src/codes/promo-codes";
import { systemClock } from "../../src/time";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  conflictResponse,
  createRouter,
  errorResponses,
  idParam,
  isoDateTime,
  jsonBody,
  jsonResponse,
  listOf,
  notFoundResponse,
  ownedListQuery,
  ownedListQuerySchema,
} from "../lib/router";

export const promoCodeSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    campaign_id: z.string(),
    influencer_id: z.string(),
    max_redemptions: z.number().int().nullable(),
    redemptions: z.number().int(),
    starts_at: z.string().nullable(),
    ends_at: z.string().nullable(),
    active: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("PromoCode");

const maxRedemptions = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const createCodeBody = z
  .object({
    code: z
      .string()
      .regex(CODE_PATTERN, "3 to 32 of A-Z 0-9 _ -.")
      .openapi({ description: "Matched case-insensitively, stored upper-case.", example: "ANA10" }),
    campaign_id: z.string().max(64),
    influencer_id: z.string().max(64),
    max_redemptions: maxRedemptions.nullable().optional(),
    starts_at: isoDateTime.nullable().optional(),
    ends_at: isoDateTime.nullable().optional(),
  })
  .strict();

const patchCodeBody = z
  .object({
    active: z.boolean().optional(),
    max_redemptions: maxRedemptions.nullable().optional(),
    ends_at: isoDateTime.nullable().optional(),
  })
  .strict();

const tags = ["Promo codes"];
const admin = requireScope("admin");

export const codesRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/codes",
      tags,
      summary: "Create a promo code",
      description:
        "Enrols the influencer in the campaign at zero cost if not enrolled. Taken: 409 code_taken.",
      security: bearerSecurity,
      middleware: [admin],
      request: jsonBody(createCodeBody),
      responses: {
        201: jsonResponse(promoCodeSchema, "The new code."),
        ...errorResponses,
        ...notFoundResponse,
        ...conflictResponse,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const row = await createPromoCode(
        c.get("db"),
        {
          code: body.code,
          campaignId: body.campaign_id,
          influencerId: body.influencer_id,
          maxRedemptions: body.max_redemptions,
          startsAt: body.starts_at,
          endsAt: body.ends_at,
        },
        systemClock,
      );
      return c.json(serializePromoCode(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/codes",
      tags,
      summary: "List promo codes",
      security: bearerSecurity,
      middleware: [admin],
      request: {
        query: ownedListQuerySchema,
      },
      responses: {
        200: jsonResponse(listOf(promoCodeSchema), "A page of codes, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { page, filter } = ownedListQuery(c.req.valid("query"));
      return c.json(await listPromoCodes(c.get("db"), page, filter), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/codes/{id}",
      tags,
      summary: "Get a promo code",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam },
      responses: { 200: jsonResponse(promoCodeSchema, "The code."), ...errorResponses, ...notFoundResponse },
    }),
    async (c) => c.json(serializePromoCode(await findPromoCode(c.get("db"), c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/codes/{id}",
      tags,
      summary: "Turn a promo code off or on, or change its limits",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam, ...jsonBody(patchCodeBody) },
      responses: { 200: jsonResponse(promoCodeSchema, "The code."), ...errorResponses, ...notFoundResponse },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const row = await updatePromoCode(
        c.get("db"),
        c.req.valid("param").id,
        { active: body.active, maxRedemptions: body.max_redemptions, endsAt: body.ends_at },
        systemClock,
      );
      return c.json(serializePromoCode(row), 200);
    },
  );
