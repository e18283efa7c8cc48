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

// A snapshot reports the figures it gives; one giving none says nothing about the post and is
// refused (read as zeros, it would take every figure back to 0).
export const reportsAFigure = (counters: Partial<Record<MetricCounter, number | null | undefined>>) =>
  METRIC_COUNTERS.some((name) => counters[name] !== undefined && counters[name] !== null);

export const NO_FIGURE_MESSAGE = `A snapshot reports at least one figure: ${METRIC_COUNTERS.join(", ")}.`;
