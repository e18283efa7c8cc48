import { createRoute, z } from "@hono/zod-openapi";
import { KEY_SCOPES } from "../../schema";
import { createApiKey, listApiKeys, revokeApiKey } from "../../src/auth/api-keys";
import { systemClock } from "../../src/time";
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

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    scope: z.enum(KEY_SCOPES),
    influencer_id: z.string().nullable(),
    source: z.string().nullable().openapi({
      description:
        "A checkout key's source: the namespace of its order and refund ids. Null for other scopes.",
    }),
    prefix: z.string().openapi({ description: "The first characters of the key, to tell keys apart." }),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

const createdKeySchema = apiKeySchema
  .extend({ key: z.string().openapi({ description: "The key itself. Shown only in this response." }) })
  .openapi("CreatedApiKey");

const createKeyBody = z
  .object({
    scope: z.enum(KEY_SCOPES),
    influencer_id: z.string().min(1).max(64).optional(),
    source: z
      .string()
      .optional()
      .openapi({
        description:
          'Checkout keys only (default "default"): lowercase a-z 0-9 _ -, at most 32; stripe and shopify are ' +
          "reserved for the webhooks. Order and refund ids are unique per source; keys of one source share them.",
        example: "eu-shop",
      }),
    name: z.string().min(1).max(200).optional(),
  })
  .strict();

const tags = ["Keys"];
const admin = requireScope("admin");

export const keysRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/keys",
      tags,
      summary: "Create an API key",
      description: "The key is returned once; only its hash is stored.",
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
      const body = c.req.valid("json");
      const key = await createApiKey(
        c.get("db"),
        { scope: body.scope, influencerId: body.influencer_id, source: body.source, name: body.name },
        systemClock,
      );
      return c.json(key, 201);
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
    async (c) => c.json(await listApiKeys(c.get("db"), c.req.valid("query")), 200),
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
    async (c) => c.json(await revokeApiKey(c.get("db"), c.req.valid("param").id, systemClock), 200),
  );
