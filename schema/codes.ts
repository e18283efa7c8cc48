import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { campaigns } from "./campaigns";
import { createdAt, timestampMs, updatedAt } from "./columns";
import { influencers } from "./influencers";

// A promo code belongs to one influencer in one campaign. `redemptions` is kept equal to the
// number of conversions made with it, in the same D1 batch that records each one.
export const promoCodes = sqliteTable(
  "promo_codes",
  {
    id: text().primaryKey(),
    // Stored upper-case; matched case-insensitively by upper-casing the input.
    code: text().notNull().unique(),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id),
    influencerId: text()
      .notNull()
      .references(() => influencers.id),
    maxRedemptions: integer(),
    redemptions: integer().notNull().default(0),
    startsAt: timestampMs(),
    endsAt: timestampMs(),
    active: integer({ mode: "boolean" }).notNull().default(true),
    archivedAt: timestampMs(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("promo_codes_campaign_created").on(t.campaignId, t.createdAt),
    index("promo_codes_influencer_created").on(t.influencerId, t.createdAt),
  ],
);
