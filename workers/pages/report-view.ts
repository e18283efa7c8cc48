import { isMetricField, type MetricField } from "../../src/metrics/metric-fields";

// How a report page is asked to show its figures (?sort=, ?days=): anything else is the default,
// so a made-up value shows the page rather than an error.

export function sortField(value: string | undefined): MetricField {
  return isMetricField(value) ? value : "revenue";
}

// The periods a page offers (?days=): the last 7, 30 or 90 UTC days including today, else all.
export const PERIOD_DAYS = [7, 30, 90] as const;
export type PeriodDays = (typeof PERIOD_DAYS)[number];

export function periodDays(value: string | undefined): PeriodDays | null {
  return PERIOD_DAYS.find((days) => String(days) === value) ?? null;
}

export type ReportView = { sort: MetricField; days: PeriodDays | null };

export function reportView(query: (name: string) => string | undefined): ReportView {
  return { sort: sortField(query("sort")), days: periodDays(query("days")) };
}
