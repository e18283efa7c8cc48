import { createRoute } from "@hono/zod-openapi";
import { mapPage } from "../../src/pagination";
import { addMetrics, createPost, findPost, listPosts } from "../../src/posts/posts";
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
  ownedListQuery,
  ownedListQuerySchema,
} from "../lib/router";
import {
  createPostBody,
  metricsBody,
  metricsSchema,
  postSchema,
  serializeMetrics,
  serializePost,
} from "../schemas/posts";

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
      const { db, clock } = c.var.ctx;
      const body = c.req.valid("json");
      const post = await createPost(
        db,
        {
          campaignId: body.campaign_id,
          influencerId: body.influencer_id,
          url: body.url,
          platform: body.platform,
          publishedAt: body.published_at,
        },
        clock,
      );
      return c.json(serializePost(post), 201);
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
      return c.json(mapPage(await listPosts(c.var.ctx.db, page, filter), serializePost), 200);
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
    async (c) => c.json(serializePost(await findPost(c.var.ctx.db, c.req.valid("param").id)), 200),
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
      const { db, clock } = c.var.ctx;
      const body = c.req.valid("json");
      const { captured_at, ...counters } = body;
      const snapshot = await addMetrics(
        db,
        c.req.valid("param").id,
        { ...counters, capturedAt: captured_at },
        clock,
      );
      return c.json(serializeMetrics(snapshot), 201);
    },
  );
