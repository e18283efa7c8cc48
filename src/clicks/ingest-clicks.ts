import { DEFAULT_TIME_ZONE, localDay } from "../campaigns/time-zones";
import type { ClickRow } from "./click-event";

// D1 allows at most 100 bound parameters per statement, so a multi-row VALUES insert of 16
// columns would take 6 rows a statement. Instead a chunk of clicks is bound as ONE JSON text and
// unpacked with json_each: one statement per chunk. Each click is a positional array (SQLite
// reads `value ->> 3` faster than `value ->> 'key'`; see docs/performance.md). Chunks
// stay well under D1's 2 MB value limit (a click is about 300 bytes of JSON).
const CLICKS_PER_STATEMENT = 1000;

const COLUMNS = [
  "id",
  "link_id",
  "campaign_id",
  "influencer_id",
  "clicked_at",
  "day",
  "country",
  "region",
  "city",
  "device",
  "browser",
  "os",
  "referer_host",
  "is_bot",
  "visitor_hash",
] as const;

// json_each hands each element over as JSON text, rebuilt every time `value` is read: reading it
// once per column rebuilt it 15 times a click. The MATERIALIZED CTE reads it once, and SQLite's
// JSON parse cache serves every `v ->> i` from one parse (measured with bench:d1-writer).
//
// Unique clicks need no statement of their own: each inserted human click claims its (link, day,
// visitor) in click_uniques through the clicks_claim_unique trigger (migration 0011). A replayed
// click id inserts nothing and so claims nothing again, and the earliest click of a visitor stays
// the claim whatever the delivery order.
const INSERT_CLICKS = `
WITH rows (v) AS MATERIALIZED (SELECT value FROM json_each(?1))
INSERT INTO clicks (${COLUMNS.join(", ")}, received_at)
SELECT ${COLUMNS.map((_, i) => `v ->> ${i}`).join(", ")}, ?2
FROM rows
WHERE true
ON CONFLICT (id) DO NOTHING`;

// Campaign -> time zone (see fixedTimeZones); a campaign not in it is in UTC.
export type TimeZones = ReadonlyMap<string, string>;

// A click as the positional array INSERT_CLICKS reads, in COLUMNS order. Its day is the campaign's
// local day, computed here once: the zone is fixed by now, so the day never goes stale.
function row(c: ClickRow, zones: TimeZones): unknown[] {
  return [
    c.id,
    c.link_id,
    c.campaign_id,
    c.influencer_id,
    c.clicked_at,
    localDay(c.clicked_at, zones.get(c.campaign_id) ?? DEFAULT_TIME_ZONE),
    c.country,
    c.region,
    c.city,
    c.device,
    c.browser,
    c.os,
    c.referer_host,
    c.is_bot ? 1 : 0,
    c.visitor_hash,
  ];
}

export function clickInsertStatements(
  db: D1Database,
  clicks: ClickRow[],
  receivedAt: number,
  zones: TimeZones = new Map(),
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let start = 0; start < clicks.length; start += CLICKS_PER_STATEMENT) {
    const rows = JSON.stringify(clicks.slice(start, start + CLICKS_PER_STATEMENT).map((c) => row(c, zones)));
    statements.push(db.prepare(INSERT_CLICKS).bind(rows, receivedAt));
  }
  return statements;
}
