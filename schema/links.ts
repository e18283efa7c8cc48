import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { campaigns } from "./campaigns";
import { createdAt, timestampMs, updatedAt } from "./columns";
import { influencers } from "./influencers";

export type Utm = { source: string; medium: string; campaign: string; content: string; term?: string };

export const links = sqliteTable(
  "links",
  {
    id: text().primaryKey(),
    slug: text().notNull().unique(),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id),
    influencerId: text()
      .notNull()
      .references(() => influencers.id),
    url: text().notNull(),
    // `url` with the UTM parameters applied: what the redirect sends visitors to.
    destinationUrl: text().notNull(),
    utm: text({ mode: "json" }).$type<Utm>().notNull(),
    expiresAt: timestampMs(),
    expiredUrl: text(),
    disabled: integer({ mode: "boolean" }).notNull().default(false),
    archivedAt: timestampMs(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("links_campaign_created").on(t.campaignId, t.createdAt),
    index("links_influencer_created").on(t.influencerId, t.createdAt),
  ],
);
