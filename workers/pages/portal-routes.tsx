import { Hono } from "hono";
import { findCampaign } from "../../src/campaigns/campaigns";
import { localDay } from "../../src/campaigns/time-zones";
import { listPromoCodes } from "../../src/codes/promo-codes";
import { balanceOf } from "../../src/commissions/entries";
import { payoutsOfInfluencer } from "../../src/commissions/payouts";
import type { Db } from "../../src/db";
import { findInfluencer } from "../../src/influencers/influencers";
import { listLinks } from "../../src/links/links";
import { mapPage } from "../../src/pagination";
import { campaignTimeseries, MAX_TIMESERIES_DAYS } from "../../src/summaries/campaign-timeseries";
import { influencerSummary } from "../../src/summaries/influencer-summary";
import type { Clock } from "../../src/time";
import { serializePromoCode } from "../schemas/codes";
import { serializeLink } from "../schemas/links";
import { loadBreakdowns } from "./campaign-report";
import { DailyCharts } from "./charts";
import { EarningsSection, OwnPayouts } from "./earnings";
import { Layout } from "./layout";
import { CodeList, LinkList } from "./owned-items";
import { type PageEnv, render, requireSession } from "./page-context";
import { AsOf, Breakdowns, KpiTiles, PeriodNav } from "./report-sections";
import { chartPeriod, type ReportView, reportView, viewPeriod } from "./report-view";

const LIST = { limit: 100 };

// This influencer's own figures in each of its campaigns (the function behind /me/summary), with
// its clicks and orders per day; nobody else's figures are read. "The last N days" are each
// campaign's own local days, so each campaign's figures are read with its own period.
async function ownFigures(db: Db, clock: Clock, influencerId: string, view: ReportView) {
  const all = await influencerSummary(db, influencerId, {}, {});
  return Promise.all(
    all.campaigns.map(async (allTime) => {
      const campaignId = allTime.campaign_id;
      const { timezone } = await findCampaign(db, campaignId);
      const now = clock();
      const period = viewPeriod(view, now, timezone);
      const chart = chartPeriod(period, MAX_TIMESERIES_DAYS, localDay(now, timezone));
      const [summary, daily, breakdowns] = await Promise.all([
        influencerSummary(db, influencerId, { campaignId }, period),
        campaignTimeseries(db, campaignId, chart, clock, { influencerId }),
        loadBreakdowns(db, campaignId, period, { influencerId }),
      ]);
      return { row: summary.campaigns[0] ?? allTime, asOf: summary.as_of, daily: daily.points, breakdowns };
    }),
  );
}

// The influencer portal: signed in with an influencer key, it shows that influencer's links,
// codes and figures, and the influencer comes from the session, never from the request.
export const portalRoutes = new Hono<PageEnv>()
  .use("/portal/*", requireSession("influencer"))
  .get("/portal", async (c) => {
    const ui = c.get("ui");
    const db = c.var.ctx.db;
    const influencerId = c.get("session")?.influencerId;
    if (!influencerId) return c.redirect("/login", 303);
    const base = c.var.ctx.shortLinkBase;
    const filter = { influencerId, campaignId: undefined };
    const view = reportView((name) => c.req.query(name));
    const [influencer, links, codes, figures, earnings, payouts] = await Promise.all([
      findInfluencer(db, influencerId),
      listLinks(db, LIST, filter).then((p) => mapPage(p, (row) => serializeLink(row, base))),
      listPromoCodes(db, LIST, filter).then((p) => mapPage(p, serializePromoCode)),
      ownFigures(db, c.var.ctx.clock, influencerId, view),
      balanceOf(db, influencerId, c.var.ctx.clock),
      payoutsOfInfluencer(db, influencerId),
    ]);
    // Each link and code says its campaign: an influencer may be in several.
    const names = new Map(figures.map(({ row }) => [row.campaign_id, row.name]));
    return render(
      c,
      <Layout ui={ui} title={ui.t.portal}>
        <h1>
          {ui.t.portal}: @{influencer.handle}
        </h1>
        <LinkList
          ui={ui}
          links={links.data.map((l) => ({ ...l, campaign: names.get(l.campaign_id) }))}
          hint={ui.t.portalHint}
        />
        <CodeList
          ui={ui}
          codes={codes.data.map((code) => ({ ...code, campaign: names.get(code.campaign_id) }))}
          hint={ui.t.portalHint}
        />
        <EarningsSection ui={ui} rows={earnings} title={ui.t.earnings.yours} />
        <OwnPayouts ui={ui} payouts={payouts} />
        <h2>{ui.t.yourFigures}</h2>
        <PeriodNav ui={ui} view={view} />
        {figures.map(({ row, asOf, daily, breakdowns }) => (
          <section class="card" aria-label={row.name}>
            <h2>{row.name}</h2>
            <AsOf ui={ui} asOf={asOf} />
            <KpiTiles ui={ui} totals={row} currency={row.currency} idPrefix={row.campaign_id} />
            <DailyCharts ui={ui} points={daily} id={`daily-${row.campaign_id}`} />
            <details class="breakdowns-details">
              <summary>{ui.t.whereClicksFrom}</summary>
              <Breakdowns
                ui={ui}
                rows={breakdowns}
                currency={row.currency}
                idPrefix={`${row.campaign_id}-`}
              />
            </details>
          </section>
        ))}
      </Layout>,
    );
  });
