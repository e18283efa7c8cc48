import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
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

// What the platform showed for a post at one moment: the figures it was given, a figure left out
// being one not reported (null), never 0. Counters only grow, so a post's level of a figure at an
// instant is the latest value reported for it by then (a sum over snapshots would count the same
// views again), and a snapshot reporting only likes leaves the views where they were.
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
    // The post's level of each figure as of this snapshot (by captured_at, then created_at, then
    // id): the latest value reported for it by then, null while none was. Kept as snapshots are
    // written (a late one rewrites those after it), so the latest snapshot by an instant gives
    // every level in one indexed read.
    levelImpressions: integer(),
    levelReach: integer(),
    levelViews: integer(),
    levelLikes: integer(),
    levelComments: integer(),
    levelShares: integer(),
    levelSaves: integer(),
    // The campaign's local day of captured_at, fixed at write (see postGrowthDaily). Null only
    // for snapshots written before days were kept, until the scheduled worker dates them.
    day: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index("post_metrics_post_captured").on(t.postId, t.capturedAt),
    index("post_metrics_undated").on(t.postId).where(sql`day IS NULL`),
  ],
);

// Post figures as growth per local day, kept as snapshots are written: each figure a snapshot
// reports adds what it grew since the value the post last reported for it to the snapshot's own
// day (and takes the same from the day of the next snapshot reporting it, when it lands before
// one). A day's row is the post figures' level at its end
// minus the level at the end of the day before, so a timeseries reads days x influencers rows
// rather than every snapshot the campaign's posts ever had.
export const postGrowthDaily = sqliteTable(
  "post_growth_daily",
  {
    campaignId: text()
      .notNull()
      .references(() => campaigns.id),
    influencerId: text()
      .notNull()
      .references(() => influencers.id),
    day: text().notNull(),
    impressions: integer().notNull().default(0),
    reach: integer().notNull().default(0),
    views: integer().notNull().default(0),
    likes: integer().notNull().default(0),
    comments: integer().notNull().default(0),
    shares: integer().notNull().default(0),
    saves: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.influencerId, t.day] })],
);
