import type { CampaignReport } from "./campaign-report";
import { fill } from "./i18n";
import type { Ui } from "./layout";
import { goalStatus, type LeaderboardRow } from "./report-sections";

// The top of the post-campaign report: what a stakeholder reads before deciding to rebook. The
// period the figures cover, the goals met, and the best and weakest influencer with the figures
// that decide it; everything else follows in the report's sections.

// The influencers that can be compared, best first by ROI (what each unit spent brought back),
// then by revenue. One without an ROI (no cost recorded) has no figure to compare: it is neither
// the best (a free collaboration) nor the weakest (one that cost nothing and sold nothing).
export function rankInfluencers(rows: readonly LeaderboardRow[]): LeaderboardRow[] {
  const ranked = rows.flatMap((row) => (row.roi === null ? [] : [{ row, roi: row.roi }]));
  ranked.sort((a, b) => b.roi - a.roi || (b.row.revenue ?? 0) - (a.row.revenue ?? 0));
  return ranked.map(({ row }) => row);
}

const RebookingFigures = ({ ui, row, currency }: { ui: Ui; row: LeaderboardRow; currency: string }) => (
  <>
    <strong>@{row.handle}</strong>
    {": "}
    {(["roi", "cpa", "conversions", "emv"] as const)
      .map((field) => `${ui.t.metrics[field]} ${ui.fmt.metric(field, row[field], currency)}`)
      .join(" · ")}
  </>
);

export const ReportSummary = ({ ui, report }: { ui: Ui; report: CampaignReport }) => {
  const { campaign, daily, goals, view } = report;
  const first = daily[0]?.date;
  const last = daily[daily.length - 1]?.date;
  const day = (date: string) => ui.fmt.date(`${date.slice(0, 10)}T00:00:00Z`);
  const periodName = view.range
    ? fill(ui.t.periodRange, {
        from: view.range.from ? day(view.range.from) : "–",
        to: view.range.to ? day(view.range.to) : "–",
      })
    : view.days === null
      ? ui.t.allTime
      : fill(ui.t.lastDays, { n: String(view.days) });
  const met = goals.filter((goal) => goalStatus(goal, report.now) === "met").length;
  const ranked = rankInfluencers(report.influencers);
  const best = ranked[0];
  const worst = ranked.length > 1 ? ranked[ranked.length - 1] : undefined;
  return (
    <section aria-labelledby="summary" class="summary">
      <h2 id="summary">{ui.t.summary}</h2>
      <dl class="facts">
        <dt>{ui.t.period}</dt>
        <dd data-summary="period">
          {periodName}
          {first && last && !view.range
            ? `: ${fill(ui.t.periodRange, { from: day(first), to: day(last) })}`
            : ""}
        </dd>
        <dt>{ui.t.campaignDates}</dt>
        <dd>
          {campaign.starts_at || campaign.ends_at
            ? fill(ui.t.periodRange, {
                // The campaign's dates are days of its zone.
                from: campaign.starts_at
                  ? ui.fmt.localDate(Date.parse(campaign.starts_at), campaign.timezone)
                  : "–",
                to: campaign.ends_at
                  ? ui.fmt.localDate(Date.parse(campaign.ends_at), campaign.timezone)
                  : "–",
              })
            : ui.t.notSet}
        </dd>
        <dt>{ui.t.goals}</dt>
        <dd data-summary="goals">
          {goals.length === 0 ? (
            ui.t.noGoals
          ) : (
            <a href="#goals">{fill(ui.t.goalsMet, { met: String(met), n: String(goals.length) })}</a>
          )}
        </dd>
        {(
          [
            ["best", ui.t.bestInfluencer, best],
            ["worst", ui.t.worstInfluencer, worst],
          ] as const
        ).map(([key, label, row]) =>
          row ? (
            <>
              <dt>{label}</dt>
              <dd data-summary={key}>
                <RebookingFigures ui={ui} row={row} currency={campaign.currency} />
              </dd>
            </>
          ) : null,
        )}
      </dl>
      {best ? <p class="muted small">{ui.t.rankedBy}</p> : null}
    </section>
  );
};
