import { createRoute } from "@hono/zod-openapi";
import { createLinkAndRefreshCache, linkCache } from "../../src/links/link-cache-instance";
import { findLink, listLinks, updateLink } from "../../src/links/links";
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
import { createLinkBody, linkSchema, patchLinkBody, serializeLink } from "../schemas/links";

const tags = ["Links"];
const admin = requireScope("admin");

export const linksRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/links",
      tags,
      summary: "Issue a short link",
      description:
        "UTM defaults: source = platform, medium = influencer, campaign = slugified campaign name, content = handle. " +
        "Enrols the influencer in the campaign at zero cost if not enrolled.",
      security: bearerSecurity,
      middleware: [admin],
      request: jsonBody(createLinkBody),
      responses: {
        201: jsonResponse(linkSchema, "The new link."),
        ...errorResponses,
        ...notFoundResponse,
        ...conflictResponse,
      },
    }),
    async (c) => {
      const { db, clock, shortLinkBase } = c.var.ctx;
      const body = c.req.valid("json");
      const row = await createLinkAndRefreshCache(
        db,
        c.env,
        {
          campaignId: body.campaign_id,
          influencerId: body.influencer_id,
          url: body.url,
          slug: body.slug,
          utm: body.utm,
          expiresAt: body.expires_at,
          expiredUrl: body.expired_url,
        },
        clock,
      );
      return c.json(serializeLink(row, shortLinkBase), 201);
    },
  )
  .route(
    "/",
    ownedListAndGet({
      path: "/links",
      tags,
      schema: linkSchema,
      list: {
        summary: "List links",
        description:
          "A page of links, newest first; `q` searches the slug and the influencer's handle and name.",
        rows: listLinks,
        filtered: true,
      },
      get: { summary: "Get a link", description: "The link.", row: findLink },
      serialize: (row, ctx) => serializeLink(row, ctx.shortLinkBase),
    }),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/links/{id}",
      tags,
      summary: "Change or disable a link",
      description: "The redirect honours the change within 60 seconds everywhere (at once on this isolate).",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam, ...jsonBody(patchLinkBody) },
      responses: { 200: jsonResponse(linkSchema, "The link."), ...errorResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { db, clock, shortLinkBase } = c.var.ctx;
      const body = c.req.valid("json");
      const row = await updateLink(
        db,
        c.req.valid("param").id,
        {
          url: body.url,
          expiresAt: body.expires_at,
          expiredUrl: body.expired_url,
          disabled: body.disabled,
          archived: body.archived,
        },
        clock,
      );
      linkCache(c.env).delete(row.slug);
      return c.json(serializeLink(row, shortLinkBase), 200);
    },
  );
