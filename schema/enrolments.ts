import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { campaigns } from "./campaigns";
import { createdAt, timestampMs, updatedAt } from "./columns";
import { influencers } from "./influencers";

// What an influencer costs in one campaign: flat fee and other costs in minor units,
// plus a commission on net revenue.
export const enrolments = sqliteTable(
  "enrolments",
  {
    campaignId: text()
      .notNull()
      .references(() => campaigns.id),
    influencerId: text()
      .notNull()
      .references(() => influencers.id),
    fee: integer().notNull().default(0),
    commissionRate: real().notNull().default(0),
    otherCosts: integer().notNull().default(0),
    archivedAt: timestampMs(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.influencerId] })],
);
