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
