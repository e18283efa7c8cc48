import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { campaigns, enrolments } from "../../schema";
import { listPromoCodes } from "../../src/codes/promo-codes";
import type { Db } from "../../src/db";
import { findInfluencer } from "../../src/influencers/influencers";
import { listLinks } from "../../src/links/links";
import { campaignSummary } from "../../src/summaries/campaign-summary";
import { systemClock } from "../../src/time";
import { type PageEnv, render, requireSession } from "../lib/page-context";
import { Layout } from "./layout";
import { CodeList, LinkList } from "./owned-items";
import { AsOf, KpiTiles } from "./report-sections";

const LIST = { limit: 100 };

// This influencer's own row of each campaign it is in; nobody else's figures leave this function.
async function ownFigures(db: Db, influencerId: string) {
  const joined = await db
    .select({ id: campaigns.id, name: campaigns.name })
    .from(enrolments)
    .innerJoin(campaigns, eq(campaigns.id, enrolments.campaignId))
    .where(eq(enrolments.influencerId, influencerId));
  return Promise.all(
    joined.map(async (campaign) => {
      const summary = await campaignSummary(db, campaign.id, {}, {}, systemClock);
      const own = summary.influencers.find((row) => row.influencer_id === influencerId);
      return { campaign, currency: summary.currency, asOf: summary.as_of, totals: own ?? null };
    }),
  );
}

// The influencer portal: signed in with an influencer key, it shows that influencer's links,
// codes and figures, and the influencer comes from the session, never from the request.
export const portalRoutes = new Hono<PageEnv>()
  .use("/portal/*", requireSession("influencer"))
  .get("/portal", async (c) => {
    const ui = c.get("ui");
    const db = c.get("db");
    const influencerId = c.get("session")?.influencerId;
    if (!influencerId) return c.redirect("/login", 303);
    const base = c.env.SHORT_LINK_BASE_URL || new URL(c.req.url).origin;
    const filter = { influencerId, campaignId: undefined };
    const [influencer, links, codes, figures] = await Promise.all([
      findInfluencer(db, influencerId),
      listLinks(db, LIST, filter, base),
      listPromoCodes(db, LIST, filter),
      ownFigures(db, influencerId),
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
        {figures.map((f) => (
          <section class="card" aria-label={f.campaign.name}>
            <h2>{f.campaign.name}</h2>
            <AsOf ui={ui} asOf={f.asOf} />
            {f.totals ? (
              <KpiTiles ui={ui} totals={f.totals} currency={f.currency} idPrefix={f.campaign.id} />
            ) : null}
          </section>
        ))}
      </Layout>,
    );
  });
