// What visitors did on the shop after the click, as its script (sl.js) reports it.
export const BEHAVIOUR_FIELDS = [
  "sessions",
  "engaged_sessions",
  "bounce_rate",
  "pages_per_session",
  "avg_engaged_seconds",
  "returning_sessions",
] as const;

// The Metrics fields of the contract, in the order reports show them. Goals name one of these.
export const METRIC_FIELDS = [
  "impressions",
  "reach",
  "views",
  "engagements",
  "engagement_rate",
  "followers_gained",
  "follower_growth_rate",
  "clicks",
  "unique_clicks",
  "bot_clicks",
  "ctr",
  ...BEHAVIOUR_FIELDS,
  "leads",
  "conversions",
  "code_conversions",
  "click_conversions",
  "conversion_rate",
  "revenue",
  "refunds",
  "net_revenue",
  "aov",
  "cost",
  "roi",
  "roas",
  "cpa",
  "cpl",
  "cpc",
  "emv",
] as const;

export type MetricField = (typeof METRIC_FIELDS)[number];

export const isMetricField = (value: unknown): value is MetricField =>
  (METRIC_FIELDS as readonly unknown[]).includes(value);

// The fields in a currency, or made from money: a total over campaigns in different currencies
// has none of them (adding euros to dollars means nothing).
export const MONEY_FIELDS = [
  "revenue",
  "refunds",
  "net_revenue",
  "aov",
  "cost",
  "roi",
  "roas",
  "cpa",
  "cpl",
  "cpc",
  "emv",
] as const satisfies readonly MetricField[];

// What each field measures: an amount of money (minor units of the campaign's currency, possibly
// with a fraction where it is a quotient, like aov), a ratio (a fraction, or a multiple for
// roas), or a count. Reports write each kind its own way (src/summaries/campaign-report.ts, the
// pages' formatter).
export const AMOUNT_FIELDS = [
  "revenue",
  "refunds",
  "net_revenue",
  "aov",
  "cost",
  "cpa",
  "cpl",
  "cpc",
  "emv",
] as const satisfies readonly MetricField[];
export const RATIO_FIELDS = [
  "engagement_rate",
  "follower_growth_rate",
  "ctr",
  "conversion_rate",
  "roi",
  "roas",
  // Averages per session: quotients too, written like ratios in reports.
  "bounce_rate",
  "pages_per_session",
  "avg_engaged_seconds",
] as const satisfies readonly MetricField[];
export type MetricUnit = "amount" | "ratio" | "count";
export function metricUnit(field: MetricField): MetricUnit {
  if ((AMOUNT_FIELDS as readonly MetricField[]).includes(field)) return "amount";
  if ((RATIO_FIELDS as readonly MetricField[]).includes(field)) return "ratio";
  return "count";
}
