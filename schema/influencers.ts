import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, timestampMs, updatedAt } from "./columns";

export const PLATFORMS = [
  "instagram",
  "tiktok",
  "youtube",
  "x",
  "facebook",
  "twitch",
  "linkedin",
  "pinterest",
  "snapchat",
  "other",
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const influencers = sqliteTable(
  "influencers",
  {
    id: text().primaryKey(),
    handle: text().notNull(),
    platform: text().$type<Platform>().notNull(),
    name: text(),
    followers: integer(),
    archivedAt: timestampMs(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("influencers_platform_handle").on(t.platform, t.handle)],
);

// Audience growth: one row per reported follower count; the latest one is the current audience.
export const followerSnapshots = sqliteTable(
  "follower_snapshots",
  {
    id: text().primaryKey(),
    influencerId: text()
      .notNull()
      .references(() => influencers.id),
    count: integer().notNull(),
    capturedAt: timestampMs().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("follower_snapshots_influencer_captured").on(t.influencerId, t.capturedAt)],
);
