import { ApiError } from "../errors";
import { toIso, utcDay } from "../time";

// An instant range; figures count the whole UTC days from `from` to `to` (both included).
export type Period = { from?: Date | undefined; to?: Date | undefined };
// UTC days, YYYY-MM-DD, both included.
export type DayRange = { first: string; last: string };

// Summaries cover whole UTC days: from's day to to's day, both included; either end open.
export function periodDays(period: Period): DayRange {
  return {
    first: period.from ? utcDay(period.from.getTime()) : "0000-00-00",
    last: period.to ? utcDay(period.to.getTime()) : "9999-99-99",
  };
}

export function assertPeriod(period: Period): void {
  if (period.from && period.to && period.from > period.to) {
    throw new ApiError("validation_failed", "from must not be after to.", [
      { path: "from", message: "After to." },
    ]);
  }
}

// The period as asked, in a response: ISO instants, null for an open end.
export const periodEcho = (period: Period) => ({
  from: toIso(period.from ?? null),
  to: toIso(period.to ?? null),
});
