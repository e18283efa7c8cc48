export const DAY_MS = 86_400_000;

// A clock is passed in wherever "now" matters, so tests and the scheduled worker can fix it.
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

export function toIso(value: Date | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return new Date(value).toISOString();
}

// UTC calendar day of an instant, YYYY-MM-DD: the unit of unique clicks and daily figures.
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

// Whether a string names a day the calendar has, as YYYY-MM-DD: Date.parse takes 2026-02-30 as
// 2 March, so the day must also read back as written.
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDay(ms) === value;
}

// Calendar arithmetic on a day's name (YYYY-MM-DD), whichever zone it is a day of: the day `n`
// days after it, and how many days lie from `from` to `to`.
const midnightOf = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, n: number): string => utcDay(midnightOf(day) + n * DAY_MS);
export const daysFrom = (from: string, to: string): number =>
  Math.round((midnightOf(to) - midnightOf(from)) / DAY_MS);

// The times Swayline takes, from the API or a shop's webhook: those of four-digit years, 0000 to
// 9999 (ISO-8601's). A Date holds more, up to the year 275760 (past it the Date is
// invalid and toISOString throws: an internal error), but SQLite's date functions, with which the rollup
// buckets days, know no other years.
export const EARLIEST_MS = Date.parse("0000-01-01T00:00:00.000Z");
export const LATEST_MS = Date.parse("9999-12-31T23:59:59.999Z");
export const LAST_DAY = "9999-12-31";

// A time in milliseconds as a Date when it is one of those (NaN is not), else undefined.
export function storableDate(ms: number): Date | undefined {
  return ms >= EARLIEST_MS && ms <= LATEST_MS ? new Date(ms) : undefined;
}
