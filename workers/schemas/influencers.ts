import { z } from "@hono/zod-openapi";
import { type followerSnapshots, type influencers, PLATFORMS } from "../../schema";
import { count, isoDateTime } from "../lib/router";
import { archivedDescription, isoTime, isoTimeOrNull } from "./shared";

export const influencerSchema = z
  .object({
    id: z.string(),
    handle: z.string(),
    platform: z.enum(PLATFORMS),
    name: z.string().nullable(),
    followers: z.number().int().nullable(),
    archived_at: z.string().nullable().openapi({ description: "When it was archived; null when it is not." }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Influencer");

export const followerSnapshotSchema = z
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
export const patchInfluencerBody = z
  .object({ ...influencerFields, archived: z.boolean().openapi({ description: archivedDescription }) })
  .partial()
  .strict();
export const followersBody = z.object({ count, captured_at: isoDateTime.optional() }).strict();

export function serializeInfluencer(row: typeof influencers.$inferSelect): z.infer<typeof influencerSchema> {
  return {
    id: row.id,
    handle: row.handle,
    platform: row.platform,
    name: row.name,
    followers: row.followers,
    archived_at: isoTimeOrNull(row.archivedAt),
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}

export function serializeFollowerSnapshot(
  row: typeof followerSnapshots.$inferSelect,
): z.infer<typeof followerSnapshotSchema> {
  return {
    id: row.id,
    influencer_id: row.influencerId,
    count: row.count,
    captured_at: isoTime(row.capturedAt),
    created_at: isoTime(row.createdAt),
  };
}
