import { addDays, DAY_MS, daysFrom, isCalendarDay, LAST_DAY, LATEST_MS, utcDay } from "../time";

export const DEFAULT_TIME_ZONE = "UTC";

// IANA's names in their own case, by lower case: "europe/paris" is stored as "Europe/Paris".
let namesByLowerCase: Map<string, string> | undefined;

// The name to store for a time zone, or undefined when Intl does not know it. Only names (IANA's
// "Europe/Paris", "UTC"): Intl also takes a bare offset ("+05:30"), which is no zone. A name is kept
// as sent, in IANA's case: Intl resolves some current names to older ones (Asia/Kolkata to
// Asia/Calcutta), which would surprise whoever sent the current one; both mean the same rules.
export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z]/.test(name)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  namesByLowerCase ??= new Map(Intl.supportedValuesOf("timeZone").map((zone) => [zone.toLowerCase(), zone]));
  const lower = name.toLowerCase();
  return namesByLowerCase.get(lower) ?? (resolved.toLowerCase() === lower ? resolved : name);
}

// Building a DateTimeFormat costs far more than using one: one per zone, kept for the isolate.
// The set of zones in use is small (one per campaign at most).
const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      era: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formats.set(zone, format);
  }
  return format;
}

// The wall-clock reading of an instant in a zone, as the UTC instant with the same reading.
// Intl knows every IANA zone's offsets and daylight-saving rules, :30 and :45 offsets included.
function wallClock(ms: number, zone: string): number {
  const parts: Record<string, string> = {};
  for (const part of formatFor(zone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  // Intl counts years by era (1 BC is the year 0).
  const year = parts.era === "BC" || parts.era === "B" ? 1 - Number(parts.year) : Number(parts.year);
  const date = new Date(0);
  date.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  date.setUTCHours(
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
    ms - Math.floor(ms / 1000) * 1000,
  );
  return date.getTime();
}

// The local calendar day of an instant in a zone, YYYY-MM-DD. East of UTC, the last stored
// instants fall on a local day of the year 10000, which has no such name: they are named the last
// day there is, 9999-12-31.
export function localDay(ms: number, zone: string): string {
  return zone === DEFAULT_TIME_ZONE ? utcDay(ms) : utcDay(Math.min(wallClock(ms, zone), LATEST_MS));
}

// The instant a local day (YYYY-MM-DD) begins in a zone: its first millisecond. A day that a
// daylight-saving change starts at 01:00 (or skips midnight) begins at its first existing time.
export function startOfLocalDay(day: string, zone: string): number {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  if (zone === DEFAULT_TIME_ZONE) return midnight;
  // The offset at a guess, then at the instant it gives: two rounds settle every real zone.
  let at = midnight - (wallClock(midnight, zone) - midnight);
  at = midnight - (wallClock(at, zone) - at);
  // Midnight that does not exist (skipped forward): the day begins at the change, later. Offsets
  // lie within a day of UTC, so a few steps settle it; the bound keeps a day the zone cannot name
  // from turning this into an endless loop.
  for (let steps = 0; localDay(at, zone) < day; steps++) at = step(at, 1, steps, day);
  for (let steps = 0; localDay(at - 1, zone) >= day; steps++) at = step(at, -1, steps, day);
  return at;
}

const STEP_MS = 15 * 60_000;
const MAX_STEPS = (2 * DAY_MS) / STEP_MS;
function step(at: number, direction: 1 | -1, steps: number, day: string): number {
  if (steps >= MAX_STEPS) throw new Error(`No start found for the local day ${day}.`);
  return at + direction * STEP_MS;
}

// The instant a local day (YYYY-MM-DD) is over in a zone: the first millisecond of the next one.
// The last day there is a name for, 9999-12-31, is over past every time Swayline stores.
export function endOfLocalDay(day: string, zone: string): number {
  return day >= LAST_DAY ? LATEST_MS + 1 : startOfLocalDay(addDays(day, 1), zone);
}

// The last instant of a local day in a zone: what a day means as an end or a due date, so that
// the instant reads back as that same day there.
export const lastInstantOfLocalDay = (day: string, zone: string): number => endOfLocalDay(day, zone) - 1;

// An end or a due date as sent: a day (YYYY-MM-DD) of the zone means its last instant, anything
// else is the instant given (a Date, or an ISO time as a stored goal keeps it).
export function lastInstantOf(bound: Date | string, zone: string): Date {
  return typeof bound === "string" && isCalendarDay(bound)
    ? new Date(lastInstantOfLocalDay(bound, zone))
    : new Date(bound);
}

// Which of a campaign's days an instant falls on, the first being 1, counted by the days' names in
// its zone: a day that a clock change makes 23 or 25 hours long is still one day.
export const campaignDayNumber = (start: number, at: number, zone: string): number =>
  daysFrom(localDay(start, zone), localDay(at, zone)) + 1;

// Campaign -> time zone, for campaigns whose zone is fixed (they have events): such a zone never
// changes again, so a per-isolate copy cannot go stale. Bounded like every per-isolate memo.
const fixedZones = new Map<string, string>();
const MAX_FIXED_ZONES = 10_000;

// The time zones of the campaigns an event is about to be written for, each fixed first: the
// campaign is marked as having events as its zone is read, so a PATCH can no longer change the
// zone the event's local day is computed in. An unknown campaign is in UTC.
export async function fixedTimeZones(
  d1: D1Database,
  campaignIds: Iterable<string>,
  now: number,
): Promise<Map<string, string>> {
  const zones = new Map<string, string>();
  const missing: string[] = [];
  for (const id of new Set(campaignIds)) {
    const zone = fixedZones.get(id);
    if (zone === undefined) missing.push(id);
    else zones.set(id, zone);
  }
  if (missing.length === 0) return zones;
  // One statement marks and reads (UPDATE ... RETURNING), so nothing comes between the two. It
  // rewrites the mark of a campaign already marked (COALESCE keeps its time), but only for a
  // campaign this isolate has not seen yet.
  const { results } = await d1
    .prepare(
      `UPDATE campaigns SET first_event_at = COALESCE(first_event_at, ?2)
       WHERE id IN (SELECT value FROM json_each(?1))
       RETURNING id, timezone`,
    )
    .bind(JSON.stringify(missing), now)
    .all<{ id: string; timezone: string }>();
  if (fixedZones.size + missing.length > MAX_FIXED_ZONES) fixedZones.clear();
  for (const row of results) {
    fixedZones.set(row.id, row.timezone);
    zones.set(row.id, row.timezone);
  }
  for (const id of missing) if (!zones.has(id)) zones.set(id, DEFAULT_TIME_ZONE);
  return zones;
}

// The local day of an event of one campaign, its zone fixed first (see fixedTimeZones).
export async function localDayOfEvent(d1: D1Database, campaignId: string, at: number, now: number) {
  const zones = await fixedTimeZones(d1, [campaignId], now);
  return localDay(at, zones.get(campaignId) ?? DEFAULT_TIME_ZONE);
}
