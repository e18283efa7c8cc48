import type { Child } from "hono/jsx";
import type { BreakdownDimension } from "../../src/summaries/campaign-breakdown";
import type { CampaignReport } from "./campaign-report";
import { DailyCharts, FunnelChart } from "./charts";
import type { Ui } from "./layout";
import { Breakdown, Goals, KpiTiles, Leaderboard, PeriodNav } from "./report-sections";

// What the dashboard adds to the shared report's body: the hint of each empty section says which
// form below fills it, and each goal has its remove button.
export type ReportEditing = {
  enrolHint: string;
  goalHint: string;
  goalAction: (index: number) => Child;
};

// The report proper: the same on the dashboard and on a shared link.
export const ReportBody = ({
  ui,
  report,
  editing,
}: {
  ui: Ui;
  report: CampaignReport;
  editing?: ReportEditing | undefined;
}) => {
  const { currency } = report.campaign;
  const breakdowns: [BreakdownDimension, string, string][] = [
    ["country", ui.t.byCountry, ui.t.country],
    ["device", ui.t.byDevice, ui.t.device],
    ["browser", ui.t.byBrowser, ui.t.browser],
    ["os", ui.t.byOs, ui.t.os],
    ["referer", ui.t.byReferrer, ui.t.referrer],
  ];
  return (
    <>
      <PeriodNav ui={ui} days={report.view.days} />
      <KpiTiles ui={ui} totals={report.totals} currency={currency} />
      <div class="grid2">
        <DailyCharts ui={ui} points={report.daily} />
        <FunnelChart ui={ui} totals={report.totals} />
      </div>
      <Leaderboard
        ui={ui}
        rows={report.influencers}
        currency={currency}
        sort={report.view.sort}
        hint={editing?.enrolHint}
      />
      <div class="grid2 breakdowns">
        {breakdowns.map(([by, title, column]) => (
          <Breakdown
            ui={ui}
            by={by}
            title={title}
            column={column}
            rows={report.breakdowns[by]}
            currency={currency}
          />
        ))}
      </div>
      <Goals
        ui={ui}
        goals={report.goals}
        currency={currency}
        now={report.now}
        hint={editing?.goalHint}
        action={editing?.goalAction}
      />
    </>
  );
};
