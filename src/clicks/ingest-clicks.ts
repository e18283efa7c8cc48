import { utcDay } from "../time";
import type { ClickRow } from "./click-event";

// D1 allows at most 100 bound parameters per statement, so a multi-row VALUES insert of 16
// columns would take 6 rows a statement. Instead a chunk of clicks is bound as ONE JSON text and
// unpacked with json_each: one statement per table per chunk. Chunks stay well under D1's 2 MB
// value limit (a click is about 400 bytes of JSON).
const CLICKS_PER_STATEMENT = 1000;

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
  clicks: ClickRow[],
  receivedAt: number,
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let start = 0; start < clicks.length; start += CLICKS_PER_STATEMENT) {
    const chunk = clicks.slice(start, start + CLICKS_PER_STATEMENT);
    const rows = JSON.stringify(
      chunk.map((click) => ({ ...click, is_bot: click.is_bot ? 1 : 0, day: utcDay(click.clicked_at) })),
    );
    statements.push(db.prepare(INSERT_CLICKS).bind(rows, receivedAt), db.prepare(CLAIM_UNIQUES).bind(rows));
  }
  return statements;
}
