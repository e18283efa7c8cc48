import { ApiError } from "../errors";
import { utcDay } from "../time";
import type { Period } from "./campaign-summary";

// Summaries cover whole UTC days: from's day to to's day, both included; either end open.
export function periodDays(period: Period): { first: string; last: string } {
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
