import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { listPromoCodes } from "../../src/codes/promo-codes";
import { balanceOf, listEntries } from "../../src/commissions/entries";
import { DomainError } from "../../src/errors";
import { findInfluencer } from "../../src/influencers/influencers";
import { listLinks } from "../../src/links/links";
import { mapPage } from "../../src/pagination";
import { influencerSummary } from "../../src/summaries/influencer-summary";
import type { AppEnv } from "../lib/app-env";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonResponse,
  listOf,
  pageQuerySchema,
} from "../lib/router";
import { promoCodeSchema, serializePromoCode } from "../schemas/codes";
import {
  balanceSchema,
  commissionListQuery,
  commissionSchema,
  serializeBalance,
  serializeCommission,
} from "../schemas/commissions";
import { influencerSchema, serializeInfluencer } from "../schemas/influencers";
import { linkSchema, serializeLink } from "../schemas/links";
import { LEDGER } from "./commissions";
import { INFLUENCER_SUMMARY, influencerSummaryQuery, influencerSummarySchema } from "./summaries";

// The influencer a key belongs to. /me is an influencer's own view: other keys have no "me".
function me(c: Context<AppEnv>): string {
  const principal = c.get("principal");
  if (principal.scope !== "influencer") throw new DomainError("forbidden", "/me is for influencer keys.");
  return principal.influencerId;
}

const tags = ["Influencer's own view"];
const influencerOnly = requireScope("influencer");
const ownListQuery = pageQuerySchema.extend({ campaign_id: z.string().max(64).optional() });

export const meRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags,
      summary: "The influencer this key belongs to",
      security: bearerSecurity,
      middleware: [influencerOnly],
      responses: {
        200: jsonResponse(z.object({ influencer: influencerSchema }), "The influencer."),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ influencer: serializeInfluencer(await findInfluencer(c.var.ctx.db, me(c))) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/links",
      tags,
      summary: "This influencer's links",
      security: bearerSecurity,
      middleware: [influencerOnly],
      request: { query: ownListQuery },
      responses: {
        200: jsonResponse(listOf(linkSchema), "A page of links, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { db, shortLinkBase } = c.var.ctx;
      const { campaign_id, ...page } = c.req.valid("query");
      const filter = { campaignId: campaign_id, influencerId: me(c) };
      return c.json(
        mapPage(await listLinks(db, page, filter), (row) => serializeLink(row, shortLinkBase)),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/codes",
      tags,
      summary: "This influencer's promo codes",
      security: bearerSecurity,
      middleware: [influencerOnly],
      request: { query: ownListQuery },
      responses: {
        200: jsonResponse(listOf(promoCodeSchema), "A page of codes, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { campaign_id, ...page } = c.req.valid("query");
      return c.json(
        mapPage(
          await listPromoCodes(c.var.ctx.db, page, { campaignId: campaign_id, influencerId: me(c) }),
          serializePromoCode,
        ),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/summary",
      tags,
      summary: "This influencer's own figures across their campaigns",
      description: `The same as GET /influencers/{id}/summary for the key's own influencer, and nothing of anyone else's. ${INFLUENCER_SUMMARY}`,
      security: bearerSecurity,
      middleware: [influencerOnly],
      request: {
        query: influencerSummaryQuery,
      },
      responses: {
        200: jsonResponse(influencerSummarySchema, "The summary."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { campaign_id, from, to } = c.req.valid("query");
      return c.json(
        await influencerSummary(c.var.ctx.db, me(c), { campaignId: campaign_id }, { from, to }),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/commissions",
      tags,
      summary: "This influencer's commission entries",
      description: `The ledger's entries of the key's own influencer, and nobody else's. ${LEDGER}`,
      security: bearerSecurity,
      middleware: [influencerOnly],
      request: { query: commissionListQuery.omit({ influencer_id: true }) },
      responses: {
        200: jsonResponse(listOf(commissionSchema), "A page of entries, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const { campaign_id, status, ...page } = c.req.valid("query");
      const filter = { campaignId: campaign_id, influencerId: me(c), status };
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
      path: "/me/balance",
      tags,
      summary: "What this influencer is owed, per currency",
      security: bearerSecurity,
      middleware: [influencerOnly],
      responses: {
        200: jsonResponse(balanceSchema, "Sums of the influencer's entries by status."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      return c.json(serializeBalance(await balanceOf(db, me(c), clock)), 200);
    },
  );
