import { Hono } from "hono";
import { campaignOfShareToken } from "../../src/reports/share-links";
import { loadCampaignReport } from "./campaign-report";
import { Layout } from "./layout";
import { type PageEnv, render, renderMessage } from "./page-context";
import { ReportBody } from "./report-body";
import { AsOf } from "./report-sections";
import { ReportSummary } from "./report-summary";
import { reportView } from "./report-view";

// A campaign's report for people without a key: read-only, no forms, not indexed; it opens with a
// summary for stakeholders and prints to A4 (the stylesheet's print rules). An unknown,
// expired and revoked token all answer the same 404, so a token's history is not revealed.
export const reportRoutes = new Hono<PageEnv>().get("/r/:token", async (c) => {
  const ui = c.get("ui");
  const campaignId = await campaignOfShareToken(c.var.ctx.db, c.req.param("token"), c.var.ctx.clock);
  if (!campaignId) return renderMessage(c, 404, ui.t.notFoundTitle, ui.t.reportGone);
  const report = await loadCampaignReport(
    c.var.ctx.db,
    campaignId,
    reportView((name) => c.req.query(name)),
    c.var.ctx.clock,
  );
  c.header("X-Robots-Tag", "noindex, nofollow");
  return render(
    c,
    <Layout ui={ui} title={`${report.campaign.name} · ${ui.t.sharedReport}`} noindex>
      <h1>{report.campaign.name}</h1>
      <p class="muted">{ui.t.sharedReportNote}</p>
      <div class="row">
        <AsOf ui={ui} asOf={report.asOf} />
        <button type="button" class="secondary" data-print>
          {ui.t.printReport}
        </button>
      </div>
      <ReportSummary ui={ui} report={report} />
      <ReportBody ui={ui} report={report} />
    </Layout>,
  );
});
