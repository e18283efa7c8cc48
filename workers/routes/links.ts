import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createLinkAndRefreshCache, linkCache } from "../../src/links/link-cache-instance";
import { findLink, listLinks, serializeLink, updateLink } from "../../src/links/links";
import { MAX_URL_LENGTH } from "../../src/links/urls";
import { systemClock } from "../../src/time";
import type { AppEnv } from "../lib/app-env";
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

const utmSchema = z.object({
  source: z.string(),
  medium: z.string(),
  campaign: z.string(),
  content: z.string(),
  term: z.string().optional(),
});

export const linkSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    short_url: z.string(),
    url: z.string(),
    destination_url: z.string(),
    utm: utmSchema,
    campaign_id: z.string(),
    influencer_id: z.string(),
    expires_at: z.string().nullable(),
    expired_url: z.string().nullable(),
    disabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Link");

const utmValue = z.string().trim().min(1).max(200);
// Lengths are checked where the URL and the slug are, so that every refused one gets the
// contract's code (invalid_url, invalid_slug), not validation_failed.
const url = z.string().openapi({ maxLength: MAX_URL_LENGTH, example: "https://shop.example/products/1" });

export const createLinkBody = z
  .object({
    campaign_id: z.string().max(64),
    influencer_id: z.string().max(64),
    url,
    slug: z
      .string()
      .optional()
      .openapi({ maxLength: 64, description: "3-64 of A-Z a-z 0-9 _ -; generated when absent." }),
    utm: z
      .object({
        source: utmValue.optional(),
        medium: utmValue.optional(),
        campaign: utmValue.optional(),
        content: utmValue.optional(),
        term: utmValue.optional(),
      })
      .strict()
      .optional(),
    expires_at: isoDateTime.nullable().optional(),
    expired_url: url.nullable().optional(),
  })
  .strict();

const patchLinkBody = z
  .object({
    url: url.optional(),
    expires_at: isoDateTime.nullable().optional(),
    expired_url: url.nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

const tags = ["Links"];
const admin = requireScope("admin");

// Short links live on SHORT_LINK_BASE_URL when set (a custom short domain), else on this Worker.
export function shortLinkBase(c: Context<AppEnv>): string {
  return c.env.SHORT_LINK_BASE_URL || new URL(c.req.url).origin;
}

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
      const body = c.req.valid("json");
      const row = await createLinkAndRefreshCache(
        c.get("db"),
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
        systemClock,
      );
      return c.json(serializeLink(row, shortLinkBase(c)), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/links",
      tags,
      summary: "List links",
      security: bearerSecurity,
      middleware: [admin],
      request: {
        query: ownedListQuerySchema,
      },
      responses: {
        200: jsonResponse(listOf(linkSchema), "A page of links, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { page, filter } = ownedListQuery(c.req.valid("query"));
      return c.json(await listLinks(c.get("db"), page, filter, shortLinkBase(c)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/links/{id}",
      tags,
      summary: "Get a link",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam },
      responses: { 200: jsonResponse(linkSchema, "The link."), ...errorResponses, ...notFoundResponse },
    }),
    async (c) =>
      c.json(serializeLink(await findLink(c.get("db"), c.req.valid("param").id), shortLinkBase(c)), 200),
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
      const body = c.req.valid("json");
      const row = await updateLink(
        c.get("db"),
        c.req.valid("param").id,
        { url: body.url, expiresAt: body.expires_at, expiredUrl: body.expired_url, disabled: body.disabled },
        systemClock,
      );
      linkCache(c.env).delete(row.slug);
      return c.json(serializeLink(row, shortLinkBase(c)), 200);
    },
  );
