import type { CampaignReport } from "./campaign-report";
import type { Ui } from "./layout";
import {
  Breakdown,
  DailyChart,
  FunnelChart,
  Goals,
  KpiTiles,
  Leaderboard,
  PeriodNav,
} from "./report-sections";

// The report proper: the same on the dashboard and on a shared link.
export const ReportBody = ({ ui, report }: { ui: Ui; report: CampaignReport }) => (
  <>
    <PeriodNav ui={ui} view={report.view} />
    <KpiTiles ui={ui} totals={report.totals} currency={report.campaign.currency} />
    <div class="grid2">
      <DailyChart ui={ui} points={report.daily} />
      <FunnelChart ui={ui} totals={report.totals} />
    </div>
    <Leaderboard
      ui={ui}
      rows={report.influencers}
      currency={report.campaign.currency}
      sort={report.view.sort}
    />
    <div class="grid2">
      <Breakdown
        ui={ui}
        id="by-country"
        title={ui.t.byCountry}
        column={ui.t.country}
        rows={report.breakdowns.country}
        currency={report.campaign.currency}
      />
      <Breakdown
        ui={ui}
        id="by-device"
        title={ui.t.byDevice}
        column={ui.t.device}
        rows={report.breakdowns.device}
        currency={report.campaign.currency}
      />
    </div>
    <Goals ui={ui} goals={report.goals} currency={report.campaign.currency} />
  </>
);
