import { createRoute } from "@hono/zod-openapi";
import { addMetrics, createPost, findPost, listPosts } from "../../src/posts/posts";
import { requireScope } from "../lib/auth";
import { ownedListAndGet } from "../lib/owned-routes";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  idParam,
  jsonBody,
  jsonResponse,
  notFoundResponse,
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
      description:
        "Idempotent: the same campaign, influencer and url again answer 200 with the post already recorded.",
      security: bearerSecurity,
      middleware: [admin],
      request: jsonBody(createPostBody),
      responses: {
        201: jsonResponse(postSchema, "The post."),
        200: jsonResponse(postSchema, "The same post, recorded before."),
        ...errorResponses,
        ...notFoundResponse,
      },
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
      return c.json(serializePost(post), post.created ? 201 : 200);
    },
  )
  .route(
    "/",
    ownedListAndGet({
      path: "/posts",
      tags,
      schema: postSchema,
      list: {
        summary: "List posts, each with its latest metrics",
        description: "A page of posts, newest first.",
        rows: listPosts,
      },
      get: { summary: "Get a post with its latest metrics", description: "The post.", row: findPost },
      serialize: serializePost,
    }),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/posts/{id}/metrics",
      tags,
      summary: "Record a snapshot of a post's metrics",
      description:
        "A figure left out is not reported: a post's level of each figure is the latest value reported for it (by captured_at). Every figure is optional: a snapshot that reports none is stored and changes no level.",
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
