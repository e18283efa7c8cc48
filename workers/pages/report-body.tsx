import type { Child } from "hono/jsx";
import type { CampaignReport } from "./campaign-report";
import { DailyCharts, FunnelChart } from "./charts";
import type { Ui } from "./layout";
import { Breakdowns, Goals, KpiTiles, Leaderboard, PeriodNav } from "./report-sections";

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
  return (
    <>
      <PeriodNav ui={ui} view={report.view} />
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
      <Breakdowns ui={ui} rows={report.breakdowns} currency={currency} />
      <Goals
        ui={ui}
        goals={report.goals}
        currency={currency}
        now={report.now}
        startsAt={report.campaign.starts_at}
        timezone={report.campaign.timezone}
        hint={editing?.goalHint}
        action={editing?.goalAction}
      />
    </>
  );
};
