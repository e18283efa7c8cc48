import { describe, expect, it } from "vitest";
import {
  behaviourMessage,
  campaignWithLinks,
  engagement,
  pageView,
  visit,
} from "../support/behaviour-helpers";
import { rollUp } from "../support/figure-helpers";
import { ADMIN, createKey } from "../support/helpers";
import { PageClient } from "../support/page-client";
import { deliver } from "../support/queue-helpers";

// The tile of one metric: its label and its value as the page writes them.
function tile(html: string, field: string) {
  const match = new RegExp(`data-metric="${field}"><dt>([^<]*)</dt><dd>([^<]*)</dd>`).exec(html);
  return match ? [match[1], match[2]] : null;
}

describe("the behaviour section of the pages", () => {
  it("shows sessions, bounce rate, pages and engaged time per session in English and French", async () => {
    const { campaignId, influencers } = await campaignWithLinks("UTC");
    const influencer = influencers[0] as { id: string; linkId: string };
    const landedAt = Date.now() - 3_600_000;
    // Two sessions: one of three pages and 31 engaged seconds, one bounce of 4 seconds.
    const engaged = visit(influencer.linkId, landedAt - 60_000);
    const bounced = visit(influencer.linkId, landedAt - 60_000);
    await deliver([
      behaviourMessage(engaged, [
        pageView("view-0001", landedAt),
        pageView("view-0002", landedAt + 1000),
        pageView("view-0003", landedAt + 2000),
        engagement("view-0001", 31),
      ]),
      behaviourMessage(bounced, [pageView("view-0001", landedAt), engagement("view-0001", 4)], true),
    ]);
    await rollUp();

    const marketer = new PageClient();
    await marketer.signIn(ADMIN);
    const en = (await marketer.request(`/dashboard/campaigns/${campaignId}?lang=en`)).text;
    expect(en).toContain('<h2 id="stage-behaviour">On the shop</h2>');
    expect(tile(en, "sessions")).toEqual(["Sessions", "2"]);
    expect(tile(en, "bounce_rate")).toEqual(["Bounce rate", "50%"]);
    expect(tile(en, "pages_per_session")).toEqual(["Pages per session", "2"]);
    // 17.5 s: seconds past ten are read whole.
    expect(tile(en, "avg_engaged_seconds")).toEqual(["Engaged seconds per session", "18"]);
    expect(tile(en, "returning_sessions")).toEqual(["Returning sessions", "1"]);
    const fr = (await marketer.request(`/dashboard/campaigns/${campaignId}?lang=fr`)).text;
    expect(fr).toContain('<h2 id="stage-behaviour">Sur la boutique</h2>');
    expect(tile(fr, "bounce_rate")).toEqual(["Taux de rebond", "50\u00a0%"]);
    expect(tile(fr, "avg_engaged_seconds")).toEqual(["Secondes d’engagement par session", "18"]);

    const own = new PageClient();
    await own.signIn((await createKey("influencer", { influencer_id: influencer.id })).key);
    const portal = (await own.request("/portal?lang=en")).text;
    expect(portal).toContain(`id="${campaignId}-behaviour">On the shop</h2>`);
    expect(tile(portal, "engaged_sessions")).toEqual(["Engaged sessions", "1"]);
  });
});
