import { isMetricField, type MetricField } from "../../src/metrics/metric-fields";
import { lastDays, type Period } from "../../src/summaries/periods";
import { addDays, daysFrom, isCalendarDay } from "../../src/time";

// How a report page is asked to show its figures (?sort=, ?days=, ?from=&to=): anything else is
// the default, so a made-up value shows the page rather than an error.

export function sortField(value: string | undefined): MetricField {
  return isMetricField(value) ? value : "revenue";
}

// The periods a page offers as links (?days=): the last 7, 30 or 90 local days including today,
// else all; or any range of local days (?from=&to=, both included).
export const PERIOD_DAYS = [7, 30, 90] as const;
export type PeriodDays = (typeof PERIOD_DAYS)[number];

export function periodDays(value: string | undefined): PeriodDays | null {
  return PERIOD_DAYS.find((days) => String(days) === value) ?? null;
}

const calendarDay = (value: string | undefined) => (value && isCalendarDay(value) ? value : undefined);

// Local days of the campaign, both included. One end alone is a range open at the other end;
// ends sent the wrong way round are swapped rather than refused.
export type DayRange = { from: string | null; to: string | null };

function dayRange(from: string | undefined, to: string | undefined): DayRange | null {
  const [a, b] = [calendarDay(from) ?? null, calendarDay(to) ?? null];
  if (a === null && b === null) return null;
  return a !== null && b !== null && a > b ? { from: b, to: a } : { from: a, to: b };
}

export type ReportView = { sort: MetricField; days: PeriodDays | null; range: DayRange | null };

export function reportView(query: (name: string) => string | undefined): ReportView {
  const range = dayRange(query("from"), query("to"));
  return { sort: sortField(query("sort")), days: range ? null : periodDays(query("days")), range };
}

// The period of figures the view asks for, in the campaign's zone.
export function viewPeriod(view: ReportView, now: number, zone: string): Period {
  if (!view.range) return lastDays(view.days, now, zone);
  return {
    ...(view.range.from ? { from: view.range.from } : {}),
    ...(view.range.to ? { to: view.range.to } : {}),
  };
}

// A chart covers at most `maxDays` days: the last ones of a longer range (open: through today).
export function chartPeriod(period: Period, maxDays: number, today: string): Period {
  const { from } = period;
  const to = typeof period.to === "string" ? period.to : today;
  if (typeof from !== "string" || daysFrom(from, to) < maxDays) return period;
  return { from: addDays(to, -(maxDays - 1)), to };
}
