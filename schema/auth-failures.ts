import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";

// Failed sign-ins and unknown API keys, by client (a keyed hash of its address, never the
// address): a client with too many recent failures is refused for a while. Rows older than the
// window are swept away when the next failure is written.
export const authFailures = sqliteTable(
  "auth_failures",
  {
    id: integer().primaryKey(),
    client: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("auth_failures_client").on(t.client, t.createdAt),
    index("auth_failures_created").on(t.createdAt),
  ],
);
