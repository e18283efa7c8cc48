import { DAY_MS } from "../time";
import type { Period } from "./figures";

// "The last N days": N whole UTC days including today, so from the start of the UTC day N - 1 days
// ago and open at the end (today's figures still grow). Null days: all time.
export function lastDays(days: number | null, now: number): Period {
  if (days === null) return {};
  return { from: new Date(Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS) };
}
