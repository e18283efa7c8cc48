import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { campaigns } from "./campaigns";
import { createdAt, timestampMs, updatedAt } from "./columns";
import { influencers } from "./influencers";

// What an influencer costs in one campaign, the terms the commission ledger applies: flat fee and
// other costs in minor units, a commission on sales (a share and a fixed amount) and per lead,
// held for holding_days after the conversion before it is payable.
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
    commissionPerSale: integer().notNull().default(0),
    commissionPerLead: integer().notNull().default(0),
    holdingDays: integer().notNull().default(30),
    archivedAt: timestampMs(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.influencerId] })],
);
