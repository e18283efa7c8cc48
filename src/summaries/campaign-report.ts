import type { Db } from "../db";
import type { Metrics } from "../metrics/formulas";
import { METRIC_FIELDS, type MetricField, metricUnit } from "../metrics/metric-fields";
import { minorToDecimal } from "../money";
import type { Clock } from "../time";
import { campaignSummary } from "./campaign-summary";
import { type CsvCell, decimal, toCsv } from "./csv";
import type { Period } from "./periods";

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

// The campaign summary as a spreadsheet: one row per influencer (in the summary's order): its id,
// handle, the campaign's currency, then the Metrics columns in METRIC_FIELDS order; with `totals`,
// then a row of the totals, whose influencer_id is "total" (the contract's file has influencer
// rows only, so it is asked for).
export async function campaignReportCsv(
  db: Db,
  campaignId: string,
  period: Period,
  options: { sort?: MetricField | undefined; totals?: boolean | undefined },
  clock: Clock,
) {
  const summary = await campaignSummary(db, campaignId, period, { sort: options.sort }, clock);
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
  return { filename: `swayline-${summary.campaign_id}-report.csv`, csv: toCsv(rows) };
}
