import { createRoute, z } from "@hono/zod-openapi";
import { PLATFORMS } from "../../schema";
import {
  addFollowerSnapshot,
  createInfluencer,
  findInfluencer,
  listFollowerSnapshots,
  listInfluencers,
  serializeFollowerSnapshot,
  serializeInfluencer,
  updateInfluencer,
} from "../../src/influencers/influencers";
import { systemClock } from "../../src/time";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  conflictResponse,
  count,
  createRouter,
  errorResponses,
  idParam,
  isoDateTime,
  jsonBody,
  jsonResponse,
  listOf,
  notFoundResponse,
  pageQuerySchema,
} from "../lib/router";

export const influencerSchema = z
  .object({
    id: z.string(),
    handle: z.string(),
    platform: z.enum(PLATFORMS),
    name: z.string().nullable(),
    followers: z.number().int().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Influencer");

const followerSnapshotSchema = z
  .object({
    id: z.string(),
    influencer_id: z.string(),
    count: z.number().int(),
    captured_at: z.string(),
    created_at: z.string(),
  })
  .openapi("FollowerSnapshot");

const influencerFields = {
  // A leading @ is how people write handles; it is not part of the handle.
  handle: z
    .string()
    .trim()
    .transform((h) => h.replace(/^@/, ""))
    .pipe(z.string().min(1).max(100)),
  platform: z.enum(PLATFORMS),
  name: z.string().trim().min(1).max(200).nullable().optional(),
  followers: count.nullable().optional(),
};
export const createInfluencerBody = z.object(influencerFields).strict();
const patchInfluencerBody = z.object(influencerFields).partial().strict();
const followersBody = z.object({ count, captured_at: isoDateTime.optional() }).strict();

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
      const row = await createInfluencer(c.get("db"), c.req.valid("json"), systemClock);
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
      request: { query: pageQuerySchema.extend({ platform: z.enum(PLATFORMS).optional() }) },
      responses: {
        200: jsonResponse(listOf(influencerSchema), "A page of influencers, newest first."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { platform, ...page } = c.req.valid("query");
      return c.json(await listInfluencers(c.get("db"), page, { platform }), 200);
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
    async (c) => c.json(serializeInfluencer(await findInfluencer(c.get("db"), c.req.valid("param").id)), 200),
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
      const row = await updateInfluencer(
        c.get("db"),
        c.req.valid("param").id,
        c.req.valid("json"),
        systemClock,
      );
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
      const body = c.req.valid("json");
      const row = await addFollowerSnapshot(
        c.get("db"),
        c.req.valid("param").id,
        { count: body.count, capturedAt: body.captured_at },
        systemClock,
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
    async (c) =>
      c.json(await listFollowerSnapshots(c.get("db"), c.req.valid("param").id, c.req.valid("query")), 200),
  );
