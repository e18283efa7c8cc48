import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";

// Requests accepted from the shop's script (track/lead and track/events), one row each, by
// visitor (its click id) and by session: a visitor or a session with too many recent requests is
// refused for a while (src/track/track-throttle.ts). Rows older than the window are swept away as
// new ones are written.
export const trackRequests = sqliteTable(
  "track_requests",
  {
    id: integer().primaryKey(),
    visitor: text().notNull(),
    session: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index("track_requests_visitor").on(t.visitor, t.createdAt),
    index("track_requests_session").on(t.session, t.createdAt),
    index("track_requests_created").on(t.createdAt),
  ],
);
