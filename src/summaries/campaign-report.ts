import type { Db } from "../db";
import { METRIC_FIELDS, type MetricField } from "../metrics/metric-fields";
import type { Clock } from "../time";
import { campaignSummary } from "./campaign-summary";
import { toCsv } from "./csv";
import type { Period } from "./figures";

// The campaign summary as a spreadsheet: one row per influencer (in the summary's order), the
// Metrics columns in METRIC_FIELDS order; with `totals`, then a row of the totals, whose
// influencer_id is "total" (the contract's file has influencer rows only, so it is asked for).
// Empty cells are nulls.
export async function campaignReportCsv(
  db: Db,
  campaignId: string,
  period: Period,
  options: { sort?: MetricField | undefined; totals?: boolean | undefined },
  clock: Clock,
) {
  const summary = await campaignSummary(db, campaignId, period, { sort: options.sort }, clock);
  const rows = [
    ["influencer_id", "handle", ...METRIC_FIELDS],
    ...summary.influencers.map((row) => [
      row.influencer_id,
      row.handle,
      ...METRIC_FIELDS.map((field) => row[field]),
    ]),
    ...(options.totals ? [["total", "", ...METRIC_FIELDS.map((field) => summary.totals[field])]] : []),
  ];
  return { filename: `swayline-${summary.campaign_id}-report.csv`, csv: toCsv(rows) };
}
