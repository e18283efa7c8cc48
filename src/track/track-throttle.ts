import { lte } from "drizzle-orm";
import { trackRequests } from "../../schema";
import type { Db } from "../db";
import { limitingFailure, rateLimited, secondsBlocked, type Throttle } from "../throttle";
import type { Clock } from "../time";

// What the shop's script may send: a visitor (its click id) and a session (one visit) may each
// make only so many requests to track/lead and track/events in a window. A visit sends a page
// view per page and an engaged-time report each time the page is hidden, so a person stays far
// below; a script replaying one click id or one session in a loop does not. The visitor's limit
// holds a visitor's sessions together (a new session id is free to make up, a click id is not:
// only the redirect signs one).
export const TRACK_SESSION_THROTTLE: Throttle = { limit: 60, windowMs: 10 * 60_000 };
export const TRACK_VISITOR_THROTTLE: Throttle = { limit: 200, windowMs: 10 * 60_000 };
// Rows older than the longest window count for no limit.
export const TRACK_WINDOW_MS = Math.max(TRACK_SESSION_THROTTLE.windowMs, TRACK_VISITOR_THROTTLE.windowMs);

export type TrackRequester = { visitor: string; session: string | null };

const columns = (bucket: typeof trackRequests.visitor | typeof trackRequests.session) => ({
  bucket,
  createdAt: trackRequests.createdAt,
});

// Refuses (rate_limited, with the wait) a visitor or session over its limit; otherwise counts
// this request. Refused requests are not counted: a flood costs reads, never writes. Two
// concurrent requests may both pass at the limit's edge, one request over at most.
export async function admitTrackRequest(db: Db, by: TrackRequester, clock: Clock): Promise<void> {
  const now = clock();
  const [visitor, session] = await db.batch([
    limitingFailure(
      db,
      trackRequests,
      columns(trackRequests.visitor),
      by.visitor,
      TRACK_VISITOR_THROTTLE,
      now,
    ),
    limitingFailure(
      db,
      trackRequests,
      columns(trackRequests.session),
      by.session,
      TRACK_SESSION_THROTTLE,
      now,
    ),
  ]);
  const wait = Math.max(
    secondsBlocked(TRACK_VISITOR_THROTTLE, visitor, now) ?? 0,
    secondsBlocked(TRACK_SESSION_THROTTLE, session, now) ?? 0,
  );
  if (wait > 0) throw rateLimited("Too many tracking requests from this visitor.", wait);
  await db.batch([
    // Rows that left every window are swept as new ones come, so the table holds only recent ones
    // (the cron's pruneTrackRequests takes what is left when requests stop coming).
    db.delete(trackRequests).where(lte(trackRequests.createdAt, new Date(now - TRACK_WINDOW_MS))),
    db.insert(trackRequests).values({ visitor: by.visitor, session: by.session, createdAt: new Date(now) }),
  ]);
}

// The scheduled task's sweep: what the last requests left when no new one came to sweep it, in
// batches of the oldest rows (by the created_at index), a bounded number a run.
export async function pruneTrackRequests(
  d1: D1Database,
  now: number,
  options: { batchRows: number; maxBatches: number },
) {
  const report = { deleted: 0, batches: 0, caught_up: false };
  while (report.batches < options.maxBatches) {
    const result = await d1
      .prepare(
        `DELETE FROM track_requests
         WHERE id IN (SELECT id FROM track_requests WHERE created_at <= ?1 ORDER BY created_at LIMIT ?2)`,
      )
      .bind(now - TRACK_WINDOW_MS, options.batchRows)
      .run();
    report.batches += 1;
    report.deleted += result.meta.changes;
    if (result.meta.changes < options.batchRows) {
      report.caught_up = true;
      break;
    }
  }
  return report;
}
