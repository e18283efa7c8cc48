import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { campaigns } from "./campaigns";
import { createdAt, timestampMs, updatedAt } from "./columns";
import { influencers, type Platform } from "./influencers";

// A piece of content an influencer published for a campaign.
export const posts = sqliteTable(
  "posts",
  {
    id: text().primaryKey(),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id),
    influencerId: text()
      .notNull()
      .references(() => influencers.id),
    url: text().notNull(),
    platform: text().$type<Platform>().notNull(),
    publishedAt: timestampMs(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("posts_campaign_created").on(t.campaignId, t.createdAt),
    index("posts_influencer_created").on(t.influencerId, t.createdAt),
  ],
);

// What the platform showed for a post at one moment. Counters only grow, so the latest snapshot
// of each post is its figure (a sum over snapshots would count the same views again).
export const postMetrics = sqliteTable(
  "post_metrics",
  {
    id: text().primaryKey(),
    postId: text()
      .notNull()
      .references(() => posts.id),
    capturedAt: timestampMs().notNull(),
    impressions: integer(),
    reach: integer(),
    views: integer(),
    likes: integer(),
    comments: integer(),
    shares: integer(),
    saves: integer(),
    createdAt: createdAt(),
  },
  (t) => [index("post_metrics_post_captured").on(t.postId, t.capturedAt)],
);
