import { utcDay } from "../time";
import type { ClickEvent } from "./click-event";

// D1 allows at most 100 bound parameters per statement, so a multi-row VALUES insert of 16
// columns takes 6 rows a statement. Instead the whole batch is bound as ONE JSON parameter and
// unpacked with json_each: one statement per table whatever the batch size (a queue batch is at
// most 100 messages, about 40 KB of JSON, well under D1's statement limits).
const INSERT_CLICKS = `
INSERT INTO clicks (id, link_id, campaign_id, influencer_id, clicked_at, day, country, region, city,
                    device, browser, os, referer_host, is_bot, visitor_hash, received_at)
SELECT value ->> 'id', value ->> 'link_id', value ->> 'campaign_id', value ->> 'influencer_id',
       value ->> 'clicked_at', value ->> 'day', value ->> 'country', value ->> 'region', value ->> 'city',
       value ->> 'device', value ->> 'browser', value ->> 'os', value ->> 'referer_host',
       value ->> 'is_bot', value ->> 'visitor_hash', ?2
FROM json_each(?1)
WHERE true
ON CONFLICT (id) DO NOTHING`;

// Delivery is at least once and in any order. A human click claims (link, day, visitor) if it is
// the earliest seen so far; replays change nothing, so the count of rows is exact.
const CLAIM_UNIQUES = `
INSERT INTO click_uniques (link_id, day, visitor_hash, click_id, clicked_at)
SELECT value ->> 'link_id', value ->> 'day', value ->> 'visitor_hash', value ->> 'id', value ->> 'clicked_at'
FROM json_each(?1)
WHERE value ->> 'is_bot' = 0
ON CONFLICT (link_id, day, visitor_hash) DO UPDATE
  SET click_id = excluded.click_id, clicked_at = excluded.clicked_at
  WHERE excluded.clicked_at < click_uniques.clicked_at
     OR (excluded.clicked_at = click_uniques.clicked_at AND excluded.click_id < click_uniques.click_id)`;

export function clickInsertStatements(
  db: D1Database,
  events: ClickEvent[],
  receivedAt: number,
): D1PreparedStatement[] {
  if (events.length === 0) return [];
  const rows = JSON.stringify(
    events.map((event) => ({ ...event, is_bot: event.is_bot ? 1 : 0, day: utcDay(event.clicked_at) })),
  );
  return [db.prepare(INSERT_CLICKS).bind(rows, receivedAt), db.prepare(CLAIM_UNIQUES).bind(rows)];
}
