import { Hono } from "hono";
import { listPromoCodes } from "../../src/codes/promo-codes";
import type { Db } from "../../src/db";
import { findInfluencer } from "../../src/influencers/influencers";
import { listLinks } from "../../src/links/links";
import { mapPage } from "../../src/pagination";
import { campaignTimeseries } from "../../src/summaries/campaign-timeseries";
import { influencerSummary } from "../../src/summaries/influencer-summary";
import type { Clock } from "../../src/time";
import { serializePromoCode } from "../schemas/codes";
import { serializeLink } from "../schemas/links";
import { Layout } from "./layout";
import { CodeList, LinkList } from "./owned-items";
import { type PageEnv, render, requireSession } from "./page-context";
import { AsOf, DailyChart, KpiTiles } from "./report-sections";

const LIST = { limit: 100 };

// This influencer's own figures in each of its campaigns (the function behind /me/summary), with
// its clicks and orders per day; nobody else's figures are read.
async function ownFigures(db: Db, clock: Clock, influencerId: string) {
  const summary = await influencerSummary(db, influencerId, {}, {});
  return Promise.all(
    summary.campaigns.map(async (row) => {
      const daily = await campaignTimeseries(db, row.campaign_id, {}, clock, { influencerId });
      return { row, asOf: summary.as_of, daily: daily.points };
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
    const [influencer, links, codes, figures] = await Promise.all([
      findInfluencer(db, influencerId),
      listLinks(db, LIST, filter).then((p) => mapPage(p, (row) => serializeLink(row, base))),
      listPromoCodes(db, LIST, filter).then((p) => mapPage(p, serializePromoCode)),
      ownFigures(db, c.var.ctx.clock, influencerId),
    ]);
    return render(
      c,
      <Layout ui={ui} title={ui.t.portal}>
        <h1>
          {ui.t.portal}: @{influencer.handle}
        </h1>
        <LinkList ui={ui} links={links.data} />
        <CodeList ui={ui} codes={codes.data} />
        <h2>{ui.t.yourFigures}</h2>
        {figures.map(({ row, asOf, daily }) => (
          <section class="card" aria-label={row.name}>
            <h2>{row.name}</h2>
            <AsOf ui={ui} asOf={asOf} />
            <KpiTiles ui={ui} totals={row} currency={row.currency} idPrefix={row.campaign_id} />
            <DailyChart ui={ui} points={daily} id={`daily-${row.campaign_id}`} />
          </section>
        ))}
      </Layout>,
    );
  });
