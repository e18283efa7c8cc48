import { createRoute, z } from "@hono/zod-openapi";
import { PLATFORMS } from "../../schema";
import {
  addFollowerSnapshot,
  createInfluencer,
  findInfluencer,
  listFollowerSnapshots,
  listInfluencers,
  updateInfluencer,
} from "../../src/influencers/influencers";
import { mapPage } from "../../src/pagination";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  conflictResponse,
  createRouter,
  errorResponses,
  filteredPageQuerySchema,
  idParam,
  jsonBody,
  jsonResponse,
  listFilterOf,
  listOf,
  notFoundResponse,
  pageQuerySchema,
} from "../lib/router";
import {
  createInfluencerBody,
  followerSnapshotSchema,
  followersBody,
  influencerSchema,
  patchInfluencerBody,
  serializeFollowerSnapshot,
  serializeInfluencer,
} from "../schemas/influencers";

const tags = ["Influencers"];
const admin = requireScope("admin");

export const influencersRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/influencers",
      tags,
      summary: "Add an influencer",
      description: "A handle is unique per platform (409 influencer_taken).",
      security: bearerSecurity,
      middleware: [admin],
      request: jsonBody(createInfluencerBody),
      responses: {
        201: jsonResponse(influencerSchema, "The new influencer."),
        ...errorResponses,
        ...conflictResponse,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const row = await createInfluencer(db, c.req.valid("json"), clock);
      return c.json(serializeInfluencer(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/influencers",
      tags,
      summary: "List influencers",
      security: bearerSecurity,
      middleware: [admin],
      request: { query: filteredPageQuerySchema.extend({ platform: z.enum(PLATFORMS).optional() }) },
      responses: {
        200: jsonResponse(
          listOf(influencerSchema),
          "A page of influencers, newest first; `q` searches the handle (with or without @) and the name.",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { platform, q, include_archived, ...page } = c.req.valid("query");
      const filter = { platform, ...listFilterOf({ q, include_archived }) };
      return c.json(mapPage(await listInfluencers(c.var.ctx.db, page, filter), serializeInfluencer), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/influencers/{id}",
      tags,
      summary: "Get an influencer",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam },
      responses: {
        200: jsonResponse(influencerSchema, "The influencer."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) =>
      c.json(serializeInfluencer(await findInfluencer(c.var.ctx.db, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/influencers/{id}",
      tags,
      summary: "Change an influencer",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam, ...jsonBody(patchInfluencerBody) },
      responses: {
        200: jsonResponse(influencerSchema, "The influencer."),
        ...errorResponses,
        ...notFoundResponse,
        ...conflictResponse,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const row = await updateInfluencer(db, c.req.valid("param").id, c.req.valid("json"), clock);
      return c.json(serializeInfluencer(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/influencers/{id}/followers",
      tags,
      summary: "Record a follower count",
      description: "A snapshot of the audience; the latest one is used for engagement rate.",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam, ...jsonBody(followersBody) },
      responses: {
        201: jsonResponse(followerSnapshotSchema, "The snapshot."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const { db, clock } = c.var.ctx;
      const body = c.req.valid("json");
      const row = await addFollowerSnapshot(
        db,
        c.req.valid("param").id,
        { count: body.count, capturedAt: body.captured_at },
        clock,
      );
      return c.json(serializeFollowerSnapshot(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/influencers/{id}/followers",
      tags,
      summary: "List follower snapshots",
      security: bearerSecurity,
      middleware: [admin],
      request: { params: idParam, query: pageQuerySchema },
      responses: {
        200: jsonResponse(listOf(followerSnapshotSchema), "A page of snapshots, newest first."),
        ...errorResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const page = await listFollowerSnapshots(c.var.ctx.db, c.req.valid("param").id, c.req.valid("query"));
      return c.json(mapPage(page, serializeFollowerSnapshot), 200);
    },
  );
