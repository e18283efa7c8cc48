import { createRoute } from "@hono/zod-openapi";
import { createApiKey, listApiKeys, revokeApiKey } from "../../src/auth/api-keys";
import { mapPage } from "../../src/pagination";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  idParam,
  jsonBody,
  jsonResponse,
  listOf,
  notFoundResponse,
  pageQuerySchema,
} from "../lib/router";
import { apiKeySchema, createdKeySchema, createKeyBody, serializeApiKey } from "../schemas/keys";

const tags = ["Keys"];
const admin = requireScope("admin");

export const keysRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/keys",
      tags,
      summary: "Create an API key",
      description:
        "The key is returned once; only its hash is stored. A publishable key (`swl_pk_…`, with " +
        "allowed_origins) is meant for the shop's pages (sl.js): it may only call POST /track/lead and POST " +
        "/track/events, from its origins.",
      security: bearerSecurity,
      middleware: [admin],
      request: jsonBody(createKeyBody),
      responses: {
        201: jsonResponse(createdKeySchema, "The new key."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const body = c.req.valid("json");
      const { row, key } = await createApiKey(
        db,
        {
          scope: body.scope,
          influencerId: body.influencer_id,
          source: body.source,
          allowedOrigins: body.allowed_origins,
          name: body.name,
        },
        clock,
      );
      return c.json({ ...serializeApiKey(row), key }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/keys",
      tags,
      summary: "List API keys",
      security: bearerSecurity,
      middleware: [admin],
      request: { query: pageQuerySchema },
      responses: {
        200: jsonResponse(listOf(apiKeySchema), "A page of keys, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => c.json(mapPage(await listApiKeys(c.var.ctx.db, c.req.valid("query")), serializeApiKey), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/keys/{id}",
      tags,
      summary: "Revoke an API key",
      description: "Takes effect at once: the next request with the key gets 401.",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam },
      responses: {
        200: jsonResponse(apiKeySchema, "The revoked key."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) =>
      c.json(
        serializeApiKey(await revokeApiKey(c.var.ctx.db, c.req.valid("param").id, c.var.ctx.clock)),
        200,
      ),
  );
