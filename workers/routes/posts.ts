import { createRoute, z } from "@hono/zod-openapi";
import { PLATFORMS } from "../../schema";
import { addMetrics, createPost, findPost, listPosts } from "../../src/posts/posts";
import { systemClock } from "../../src/time";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  count,
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

const metricsSchema = z
  .object({
    id: z.string(),
    post_id: z.string(),
    captured_at: z.string(),
    impressions: z.number().int().nullable(),
    reach: z.number().int().nullable(),
    views: z.number().int().nullable(),
    likes: z.number().int().nullable(),
    comments: z.number().int().nullable(),
    shares: z.number().int().nullable(),
    saves: z.number().int().nullable(),
    created_at: z.string(),
  })
  .openapi("PostMetrics");

const postSchema = z
  .object({
    id: z.string(),
    campaign_id: z.string(),
    influencer_id: z.string(),
    url: z.string(),
    platform: z.enum(PLATFORMS),
    published_at: z.string().nullable(),
    latest_metrics: metricsSchema.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Post");

const createPostBody = z
  .object({
    campaign_id: z.string().max(64),
    influencer_id: z.string().max(64),
    url: z.string().max(4096),
    platform: z.enum(PLATFORMS).optional().openapi({ description: "Default: the influencer's platform." }),
    published_at: isoDateTime.optional(),
  })
  .strict();

const counter = count.optional();
const metricsBody = z
  .object({
    captured_at: isoDateTime.optional(),
    impressions: counter,
    reach: counter,
    views: counter,
    likes: counter,
    comments: counter,
    shares: counter,
    saves: counter,
  })
  .strict();

const tags = ["Posts"];
const admin = requireScope("admin");

export const postsRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/posts",
      tags,
      summary: "Record a post an influencer published for a campaign",
      security: bearerSecurity,
      middleware: [admin],
      request: jsonBody(createPostBody),
      responses: { 201: jsonResponse(postSchema, "The post."), ...errorResponses, ...notFoundResponse },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const post = await createPost(
        c.get("db"),
        {
          campaignId: body.campaign_id,
          influencerId: body.influencer_id,
          url: body.url,
          platform: body.platform,
          publishedAt: body.published_at,
        },
        systemClock,
      );
      return c.json(post, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/posts",
      tags,
      summary: "List posts, each with its latest metrics",
      security: bearerSecurity,
      middleware: [admin],
      request: {
        query: ownedListQuerySchema,
      },
      responses: {
        200: jsonResponse(listOf(postSchema), "A page of posts, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { page, filter } = ownedListQuery(c.req.valid("query"));
      return c.json(await listPosts(c.get("db"), page, filter), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/posts/{id}",
      tags,
      summary: "Get a post with its latest metrics",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam },
      responses: { 200: jsonResponse(postSchema, "The post."), ...errorResponses, ...notFoundResponse },
    }),
    async (c) => c.json(await findPost(c.get("db"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/posts/{id}/metrics",
      tags,
      summary: "Record a snapshot of a post's metrics",
      description: "The latest snapshot (by captured_at) of each post is the one that counts.",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam, ...jsonBody(metricsBody) },
      responses: {
        201: jsonResponse(metricsSchema, "The snapshot."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { captured_at, ...counters } = body;
      const snapshot = await addMetrics(
        c.get("db"),
        c.req.valid("param").id,
        { ...counters, capturedAt: captured_at },
        systemClock,
      );
      return c.json(snapshot, 201);
    },
  );
