import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, timestampMs } from "./columns";
import { influencers } from "./influencers";

export const KEY_SCOPES = ["admin", "checkout", "influencer", "publishable"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

// The key itself is shown once; only the SHA-256 of its secret part is kept.
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text().primaryKey(),
    name: text(),
    scope: text().$type<KeyScope>().notNull(),
    influencerId: text().references(() => influencers.id),
    // A checkout key's source (see ORDER_SOURCE in src/auth/api-keys.ts): the namespace of the
    // order and refund ids it sends. Null for other scopes.
    source: text(),
    // A publishable key's origins (`https://shop.example`): the only pages it may be used from,
    // since anyone can read it in them. Null for other scopes.
    allowedOrigins: text({ mode: "json" }).$type<string[]>(),
    secretHash: text().notNull(),
    // The first characters of the key, so a person can tell keys apart in a list.
    prefix: text().notNull(),
    createdAt: createdAt(),
    revokedAt: timestampMs(),
  },
  (t) => [index("api_keys_created").on(t.createdAt)],
);
