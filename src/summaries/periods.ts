import { localDay } from "../campaigns/time-zones";
import { DAY_MS, utcDay } from "../time";
import type { Period } from "./figures";

// "The last N days": N whole local days of the campaign's zone including today, from the start of
// the local day N - 1 days ago and open at the end (today's figures still grow). Null days: all time.
export function lastDays(days: number | null, now: number, zone: string): Period {
  if (days === null) return {};
  const today = Date.parse(`${localDay(now, zone)}T00:00:00Z`);
  return { from: utcDay(today - (days - 1) * DAY_MS) };
}
