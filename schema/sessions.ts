import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, timestampMs } from "./columns";
import { influencers } from "./influencers";

export const SESSION_SCOPES = ["admin", "influencer"] as const;
export type SessionScope = (typeof SESSION_SCOPES)[number];

// A signed-in browser. The cookie carries a random session id; only its SHA-256 is stored, so a
// copy of the database signs nobody in. The key used to sign in is remembered by id, so revoking
// the key ends its sessions too.
export const sessions = sqliteTable(
  "sessions",
  {
    idHash: text().primaryKey(),
    scope: text().$type<SessionScope>().notNull(),
    keyId: text().notNull(),
    influencerId: text().references(() => influencers.id),
    createdAt: createdAt(),
    lastSeenAt: timestampMs().notNull(),
    expiresAt: timestampMs().notNull(),
  },
  (t) => [index("sessions_expires").on(t.expiresAt)],
);
