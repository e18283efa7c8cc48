// The counters a post's metric snapshot carries: running totals the platform showed.
export const METRIC_COUNTERS = [
  "impressions",
  "reach",
  "views",
  "likes",
  "comments",
  "shares",
  "saves",
] as const;
export type MetricCounter = (typeof METRIC_COUNTERS)[number];

// A snapshot reports the figures it gives. One giving none changes no level: the API stores it, as
// the contract makes every figure optional; the snapshot form and the CSV import refuse it, a
// line or a form left blank being a user's slip rather than a report.
export const reportsAFigure = (counters: Partial<Record<MetricCounter, number | null | undefined>>) =>
  METRIC_COUNTERS.some((name) => counters[name] !== undefined && counters[name] !== null);
