import { DEFAULT_TIME_ZONE, localDay } from "../campaigns/time-zones";
import type { TimeZones } from "../clicks/ingest-clicks";
import type { BehaviourMessage } from "../events/behaviour-event";

// The campaign and influencer of each link a behaviour message names: one read per queue batch.
export type LinkOwners = ReadonlyMap<string, { campaign_id: string; influencer_id: string }>;

export async function linkOwners(d1: D1Database, linkIds: Iterable<string>): Promise<LinkOwners> {
  const ids = [...new Set(linkIds)];
  if (ids.length === 0) return new Map();
  const { results } = await d1
    .prepare("SELECT id, campaign_id, influencer_id FROM links WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(ids))
    .all<{ id: string; campaign_id: string; influencer_id: string }>();
  return new Map(results.map((r) => [r.id, r]));
}

// D1 allows 100 bound parameters per statement: as for clicks (src/clicks/ingest-clicks.ts), the
// rows of a whole queue batch are bound as one JSON text each, unpacked with json_each, so a batch
// of any size is two statements. Every row is a positional array.
//
// A session is keyed by the script's session id. Redelivered or reordered messages only ever move
// its start earlier (with the start's day) and its `returning_visitor` from false to true, so any order
// of any number of deliveries ends in the same row. Every write marks it to be rolled up again.
const UPSERT_SESSIONS = `
WITH rows (v) AS MATERIALIZED (SELECT value FROM json_each(?1))
INSERT INTO visitor_sessions (id, click_id, link_id, campaign_id, influencer_id, clicked_at, started_at, day,
                              returning_visitor, received_at)
SELECT v ->> 0, v ->> 1, v ->> 2, v ->> 3, v ->> 4, v ->> 5, v ->> 6, v ->> 7, v ->> 8, ?2
FROM rows
WHERE true
ON CONFLICT (id) DO UPDATE SET
  day = CASE WHEN excluded.started_at < COALESCE(visitor_sessions.started_at, excluded.started_at + 1)
             THEN excluded.day ELSE visitor_sessions.day END,
  started_at = MIN(COALESCE(visitor_sessions.started_at, excluded.started_at),
                   COALESCE(excluded.started_at, visitor_sessions.started_at)),
  returning_visitor = MAX(visitor_sessions.returning_visitor, excluded.returning_visitor),
  to_roll = 1
WHERE visitor_sessions.click_id = excluded.click_id`;

// A page view is keyed by (session, view). Its path and time are those of its page_view event
// (the same in every delivery); its engaged seconds the most any report said (they are cumulative).
// An engagement report that arrives before its page view makes the row without path or time.
// A session id belongs to the click it first came with (the sessions statement runs first): page
// views sent under the same session id with another click id are not counted, in neither session.
const UPSERT_PAGE_VIEWS = `
WITH rows (v) AS MATERIALIZED (SELECT value FROM json_each(?1))
INSERT INTO page_views (session_id, view_id, path, viewed_at, engaged_seconds)
SELECT v ->> 0, v ->> 1, v ->> 2, v ->> 3, v ->> 4
FROM rows
WHERE EXISTS (SELECT 1 FROM visitor_sessions s WHERE s.id = v ->> 0 AND s.click_id = v ->> 5)
ON CONFLICT (session_id, view_id) DO UPDATE SET
  path = COALESCE(page_views.path, excluded.path),
  viewed_at = COALESCE(page_views.viewed_at, excluded.viewed_at),
  engaged_seconds = MAX(page_views.engaged_seconds, excluded.engaged_seconds)`;

type View = { path: string | null; at: number | null; seconds: number };

// A message's page views, one per view id. A page view's time comes from the visitor's clock: it
// is kept between the click and now, so a wrong clock cannot date a visit before its click or in
// the future.
function viewsOf(message: BehaviourMessage, now: number): Map<string, View> {
  const views = new Map<string, View>();
  for (const event of message.events) {
    const view = views.get(event.view_id) ?? { path: null, at: null, seconds: 0 };
    if (event.type === "page_view") {
      view.path ??= event.path;
      const at = Math.min(now, Math.max(message.clicked_at, Date.parse(event.at)));
      view.at = view.at === null ? at : Math.min(view.at, at);
    } else {
      view.seconds = Math.max(view.seconds, Math.round(event.seconds));
    }
    views.set(event.view_id, view);
  }
  return views;
}

// The statements that write a batch's behaviour messages: those whose link exists (the others are
// left to the caller to drop).
export function behaviourStatements(
  d1: D1Database,
  messages: BehaviourMessage[],
  owners: LinkOwners,
  zones: TimeZones,
  now: number,
): D1PreparedStatement[] {
  const sessions: unknown[][] = [];
  const views: unknown[][] = [];
  for (const message of messages) {
    const owner = owners.get(message.link_id);
    if (!owner) continue;
    let startedAt: number | null = null;
    for (const [viewId, view] of viewsOf(message, now)) {
      views.push([message.session_id, viewId, view.path, view.at, view.seconds, message.click_id]);
      if (view.at !== null && (startedAt === null || view.at < startedAt)) startedAt = view.at;
    }
    const zone = zones.get(owner.campaign_id) ?? DEFAULT_TIME_ZONE;
    sessions.push([
      message.session_id,
      message.click_id,
      message.link_id,
      owner.campaign_id,
      owner.influencer_id,
      message.clicked_at,
      startedAt,
      startedAt === null ? null : localDay(startedAt, zone),
      message.returning ? 1 : 0,
    ]);
  }
  if (sessions.length === 0) return [];
  const statements = [d1.prepare(UPSERT_SESSIONS).bind(JSON.stringify(sessions), now)];
  if (views.length > 0) statements.push(d1.prepare(UPSERT_PAGE_VIEWS).bind(JSON.stringify(views)));
  return statements;
}
