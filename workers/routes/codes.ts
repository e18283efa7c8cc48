import { createRoute } from "@hono/zod-openapi";
import { createPromoCode, findPromoCode, listPromoCodes, updatePromoCode } from "../../src/codes/promo-codes";
import { requireScope } from "../lib/auth";
import { ownedListAndGet } from "../lib/owned-routes";
import {
  bearerSecurity,
  conflictResponse,
  createRouter,
  errorResponses,
  idParam,
  jsonBody,
  jsonResponse,
  notFoundResponse,
} from "../lib/router";
import { createCodeBody, patchCodeBody, promoCodeSchema, serializePromoCode } from "../schemas/codes";

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
      const { db, clock } = c.var.ctx;
      const body = c.req.valid("json");
      const row = await createPromoCode(
        db,
        {
          code: body.code,
          campaignId: body.campaign_id,
          influencerId: body.influencer_id,
          maxRedemptions: body.max_redemptions,
          startsAt: body.starts_at,
          endsAt: body.ends_at,
        },
        clock,
      );
      return c.json(serializePromoCode(row), 201);
    },
  )
  .route(
    "/",
    ownedListAndGet({
      path: "/codes",
      tags,
      schema: promoCodeSchema,
      list: {
        summary: "List promo codes",
        description:
          "A page of codes, newest first; `q` searches the code and the influencer's handle and name.",
        rows: listPromoCodes,
        filtered: true,
      },
      get: { summary: "Get a promo code", description: "The code.", row: findPromoCode },
      serialize: serializePromoCode,
    }),
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
      const { db, clock } = c.var.ctx;
      const body = c.req.valid("json");
      const row = await updatePromoCode(
        db,
        c.req.valid("param").id,
        {
          active: body.active,
          maxRedemptions: body.max_redemptions,
          startsAt: body.starts_at,
          endsAt: body.ends_at,
          archived: body.archived,
        },
        clock,
      );
      return c.json(serializePromoCode(row), 200);
    },
  );
