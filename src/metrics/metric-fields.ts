// The Metrics fields of the contract, in the order reports show them. Goals name one of these.
export const METRIC_FIELDS = [
  "impressions",
  "reach",
  "views",
  "engagements",
  "engagement_rate",
  "clicks",
  "unique_clicks",
  "bot_clicks",
  "ctr",
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
