import type { campaigns } from "../../schema";
import { localDay } from "../campaigns/time-zones";
import type { Db } from "../db";
import type { Metrics } from "../metrics/formulas";
import { METRIC_FIELDS, type MetricField, metricUnit } from "../metrics/metric-fields";
import { minorToDecimal } from "../money";
import type { Clock } from "../time";
import { campaignSummary } from "./campaign-summary";
import { type CsvCell, decimal, toCsv } from "./csv";
import { type Period, periodDays } from "./periods";

// A ratio's cell: rounded to 4 decimals, always written with them (0.0188, 1.0000), never -0.0000.
function ratioCell(value: number): CsvCell {
  const text = value.toFixed(4);
  return decimal(/^-0\.0+$/.test(text) ? text.slice(1) : text);
}

// A figure as a spreadsheet wants it: money in major units with the currency's digits (the JSON
// API keeps integer minor units), ratios to 4 decimals, counts as integers; null an empty cell.
function metricCells(metrics: Metrics, currency: string): CsvCell[] {
  return METRIC_FIELDS.map((field) => {
    const value = metrics[field];
    if (value === null) return null;
    const unit = metricUnit(field);
    if (unit === "amount") return decimal(minorToDecimal(value, currency));
    if (unit === "ratio") return ratioCell(value);
    return value;
  });
}

// The file's name says what it holds: the campaign and the local days of the period, both
// included ("swayline-cmp_x-2026-11-01-to-2026-11-30.csv"), "all-time" without bounds. A period
// open at the end (the last N days) runs to today.
export function reportFilename(campaignId: string, period: Period, zone: string, now: number): string {
  const name = (days: string) => `swayline-${campaignId}-${days}.csv`;
  if (period.from === undefined && period.to === undefined) return name("all-time");
  const { from, to } = periodDays(period, zone);
  if (period.from === undefined) return name(`up-to-${to}`);
  if (period.to !== undefined) return name(`${from}-to-${to}`);
  const today = localDay(now, zone);
  return name(from <= today ? `${from}-to-${today}` : `from-${from}`);
}

// The campaign summary as a spreadsheet: one row per influencer (in the summary's order): its id,
// handle, the campaign's currency, then the Metrics columns in METRIC_FIELDS order; with `totals`,
// then a row of the totals, whose influencer_id is "total" (the contract's file has influencer
// rows only, so it is asked for).
export async function campaignReportCsv(
  db: Db,
  campaign: typeof campaigns.$inferSelect,
  period: Period,
  options: { sort?: MetricField | undefined; totals?: boolean | undefined },
  clock: Clock,
) {
  const summary = await campaignSummary(db, campaign, period, { sort: options.sort }, clock);
  const { currency } = summary;
  const rows: CsvCell[][] = [
    ["influencer_id", "handle", "currency", ...METRIC_FIELDS],
    ...summary.influencers.map((row) => [
      row.influencer_id,
      row.handle,
      currency,
      ...metricCells(row, currency),
    ]),
    ...(options.totals ? [["total", "", currency, ...metricCells(summary.totals, currency)]] : []),
  ];
  return { filename: reportFilename(campaign.id, period, campaign.timezone, clock()), csv: toCsv(rows) };
}
