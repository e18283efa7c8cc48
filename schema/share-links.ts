import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { campaigns } from "./campaigns";
import { createdAt, timestampMs } from "./columns";

// A read-only link to one campaign's report for people without a key. The token is shown once;
// only its SHA-256 is stored.
export const shareLinks = sqliteTable(
  "share_links",
  {
    id: text().primaryKey(),
    tokenHash: text().notNull().unique(),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id),
    label: text(),
    createdAt: createdAt(),
    expiresAt: timestampMs().notNull(),
    revokedAt: timestampMs(),
  },
  (t) => [index("share_links_campaign").on(t.campaignId, t.createdAt)],
);
