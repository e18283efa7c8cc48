import { lastInstantOfLocalDay, localDay, startOfLocalDay } from "../campaigns/time-zones";
import { DomainError } from "../errors";
import { addDays, toIso } from "../time";

// Periods of figures: what from and to select, in a campaign's time zone.

// A bound of a period: a local day of the campaign (YYYY-MM-DD), or an instant, which stands for
// the campaign's local day it falls on.
export type PeriodBound = Date | string;
// Figures count the whole local days from `from` to `to` (both included).
export type Period = { from?: PeriodBound | undefined; to?: PeriodBound | undefined };
// A campaign's local days, YYYY-MM-DD, both included.
export type DayRange = { from: string; to: string };

const boundDay = (bound: PeriodBound, zone: string) =>
  typeof bound === "string" ? bound : localDay(bound.getTime(), zone);

// Two instants are compared as instants; a day with anything, as days (in the campaign's zone).
export function checkPeriod(period: Period, zone: string) {
  const { from, to } = period;
  if (from === undefined || to === undefined) return;
  const after =
    from instanceof Date && to instanceof Date ? from > to : boundDay(from, zone) > boundDay(to, zone);
  if (after) {
    throw new DomainError("validation_failed", "from must not be after to.", [
      { path: "from", message: "After to." },
    ]);
  }
}

// An open end of a period, as a day that sorts before or after every real one.
export const BEFORE_ALL_DAYS = "0000-00-00";
export const PAST_ALL_DAYS = "9999-99-99";

export function periodDays(period: Period, zone: string): DayRange {
  return {
    from: period.from ? boundDay(period.from, zone) : BEFORE_ALL_DAYS,
    to: period.to ? boundDay(period.to, zone) : PAST_ALL_DAYS,
  };
}

// Where post levels are read: at `to` when it is an instant, else at the end of its local day.
export function periodEnd(period: Period, zone: string): number {
  const { to } = period;
  if (to === undefined) return Number.MAX_SAFE_INTEGER;
  if (to instanceof Date) return to.getTime();
  return lastInstantOfLocalDay(to, zone);
}

// A day is echoed as sent, an instant in UTC.
const echo = (bound: PeriodBound | undefined) => (typeof bound === "string" ? bound : toIso(bound ?? null));
export const periodEcho = (period: Period) => ({ from: echo(period.from), to: echo(period.to) });

// The first instant a period counts: `from` when it is an instant, else the start of its local
// day; without `from`, before any snapshot (the growth is from the base).
export function periodStart(period: Period, zone: string): number {
  const { from } = period;
  if (from === undefined) return Number.MIN_SAFE_INTEGER;
  if (from instanceof Date) return from.getTime();
  return startOfLocalDay(from, zone);
}

// "The last N days": N whole local days of the campaign's zone including today, from the start of
// the local day N - 1 days ago and open at the end (today's figures still grow). Null days: all time.
export function lastDays(days: number | null, now: number, zone: string): Period {
  if (days === null) return {};
  return { from: addDays(localDay(now, zone), -(days - 1)) };
}
