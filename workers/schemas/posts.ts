import { z } from "@hono/zod-openapi";
import { PLATFORMS, type postMetrics } from "../../schema";
import type { PostWithMetrics } from "../../src/posts/posts";
import { count, isoDateTime } from "../lib/router";
import { isoTime, isoTimeOrNull } from "./shared";

export const metricsSchema = z
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

export const postSchema = z
  .object({
    id: z.string(),
    campaign_id: z.string(),
    influencer_id: z.string(),
    url: z.string(),
    platform: z.enum(PLATFORMS),
    published_at: z.string().nullable(),
    latest_metrics: metricsSchema.nullable().openapi({
      description:
        "The latest snapshot's id and time, each figure the latest value reported for it by then (null while none was).",
    }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Post");

export const createPostBody = z
  .object({
    campaign_id: z.string().max(64),
    influencer_id: z.string().max(64),
    url: z.string().max(4096),
    platform: z.enum(PLATFORMS).optional().openapi({ description: "Default: the influencer's platform." }),
    published_at: isoDateTime.optional(),
  })
  .strict();

const counter = count.optional();
// A figure left out is not reported (it keeps the value last reported); every one is optional.
export const metricsBody = z
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

export function serializeMetrics(row: typeof postMetrics.$inferSelect): z.infer<typeof metricsSchema> {
  return {
    id: row.id,
    post_id: row.postId,
    captured_at: isoTime(row.capturedAt),
    impressions: row.impressions,
    reach: row.reach,
    views: row.views,
    likes: row.likes,
    comments: row.comments,
    shares: row.shares,
    saves: row.saves,
    created_at: isoTime(row.createdAt),
  };
}

// A post's latest metrics: its latest snapshot's id and times, each figure at the post's level
// then (the latest value reported for it, which may come from an earlier snapshot; null while
// none was reported).
function serializeLevels(row: typeof postMetrics.$inferSelect): z.infer<typeof metricsSchema> {
  return {
    ...serializeMetrics(row),
    impressions: row.levelImpressions,
    reach: row.levelReach,
    views: row.levelViews,
    likes: row.levelLikes,
    comments: row.levelComments,
    shares: row.levelShares,
    saves: row.levelSaves,
  };
}

export function serializePost({ post, latest }: PostWithMetrics): z.infer<typeof postSchema> {
  return {
    id: post.id,
    campaign_id: post.campaignId,
    influencer_id: post.influencerId,
    url: post.url,
    platform: post.platform,
    published_at: isoTimeOrNull(post.publishedAt),
    latest_metrics: latest ? serializeLevels(latest) : null,
    created_at: isoTime(post.createdAt),
    updated_at: isoTime(post.updatedAt),
  };
}
