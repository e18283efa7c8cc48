import { describe, expect, it } from "vitest";
import { enrol, order, promoCode, rollUp } from "../support/figure-helpers";
import { ADMIN, api, createCampaign, createInfluencer, createKey, unique } from "../support/helpers";
import { PageClient } from "../support/page-client";

// What issue 18 found on the pages (points 6 to 8), as a marketer, an influencer and a stakeholder
// meet them: goals once, empty sections that say what fills them, the browser, OS and referrer
// breakdowns, the portal's codes, links and period, the shared report's summary, the favicon and
// the root address.

async function admin() {
  const browser = new PageClient();
  await browser.signIn(ADMIN);
  return browser;
}

async function shareReport(browser: PageClient, campaignId: string) {
  const page = `/dashboard/campaigns/${campaignId}`;
  const res = await browser.post(`${page}/share-links`, {}, page);
  const url = /data-share-url[^>]*>([^<]+)</.exec(res.text)?.[1] as string;
  return new URL(url).pathname;
}

const count = (text: string, part: string) => text.split(part).length - 1;
const now = Date.now();
const daysFromNow = (offset: number) => new Date(now + offset * 86_400_000).toISOString();

// First in this file: its database has no campaign yet.
describe("the campaign list", () => {
  it("says which form makes the first campaign", async () => {
    const html = (await (await admin()).request("/dashboard")).text;
    expect(html).toContain("No campaigns yet. Create one with the “New campaign” form below.");
  });
});

describe("the campaign page", () => {
  it("shows each goal once, with its progress and its remove button together", async () => {
    const browser = await admin();
    const campaign = await createCampaign({ name: unique("Goals") });
    const page = `/dashboard/campaigns/${campaign.id}`;
    await browser.post(`${page}/goals`, { metric: "revenue", target: "14321.00" }, page);
    const html = (await browser.request(page)).text;
    expect(count(html, "€14,321.00")).toBe(1);
    const goal = /<li data-goal="revenue"[\s\S]*?<\/li>/.exec(html)?.[0] ?? "";
    expect(goal).toContain("<progress");
    expect(goal).toContain(`action="${page}/goals/remove"`);
  });

  it("says what is missing and which form fills it, instead of tables of bare headers", async () => {
    const browser = await admin();
    const campaign = await createCampaign({ name: unique("Empty") });
    const html = (await browser.request(`/dashboard/campaigns/${campaign.id}`)).text;
    expect(html).not.toMatch(/<tbody><\/tbody>/);
    for (const words of [
      "No influencer is enrolled in this campaign yet. Enrol one with the “Enrol with costs” form below.",
      "No links yet. Issue one with the “Issue a link” form below.",
      "No promo codes yet. Issue one with the “Issue a promo code” form below.",
      "No goals set. Add one with the “Add a goal” form below.",
      "No shared report yet: create one with the form below.",
    ]) {
      expect(html).toContain(words);
    }
    expect(count(html, "No clicks in this period yet")).toBe(5);
  });

  it("breaks clicks down by browser, operating system and referrer too", async () => {
    const browser = await admin();
    const campaign = await createCampaign({ name: unique("Breakdowns") });
    const html = (await browser.request(`/dashboard/campaigns/${campaign.id}?lang=fr`)).text;
    for (const [id, title] of [
      ["by-browser", "Par navigateur"],
      ["by-os", "Par système d’exploitation"],
      ["by-referer", "Par site d’origine"],
    ]) {
      expect(html).toContain(`<h3 id="${id}">${title}</h3>`);
    }
  });
});

describe("the influencer portal", () => {
  it("says each link's and code's campaign, has no empty column, offers a period and its own breakdowns", async () => {
    const spring = await createCampaign({ name: unique("Spring") });
    const autumn = await createCampaign({ name: unique("Autumn") });
    const me = await createInfluencer({ handle: unique("me") });
    await enrol(spring.id, me.id);
    await enrol(autumn.id, me.id);
    const code = await promoCode(autumn.id, me.id);
    await api("POST", "/links", {
      body: { campaign_id: spring.id, influencer_id: me.id, url: "https://shop.example/" },
    });
    await order(code, 2500, daysFromNow(-20));
    await order(code, 1500, new Date(now - 1000).toISOString());
    // Someone else's order in the same campaign: in none of this influencer's figures.
    const other = await createInfluencer({ handle: unique("other") });
    await enrol(autumn.id, other.id);
    await order(await promoCode(autumn.id, other.id), 9900, new Date(now - 1000).toISOString());
    await rollUp();

    const browser = new PageClient();
    await browser.signIn((await createKey("influencer", { influencer_id: me.id })).key);
    const portal = (await browser.request("/portal")).text;
    expect(/data-link-campaign[^>]*>([^<]+)</.exec(portal)?.[1]).toBe(spring.name);
    const codes = /<section aria-labelledby="codes">[\s\S]*?<\/section>/.exec(portal)?.[0] ?? "";
    expect([...codes.matchAll(/<th scope="col"[^>]*>([^<]+)</g)].map((m) => m[1])).toEqual([
      "Code",
      "Campaign",
      "Redemptions",
    ]);
    expect(codes).toContain(`<td>${autumn.name}</td>`);
    expect(codes).not.toContain("<td></td>");

    const orders = (html: string) =>
      new RegExp(
        `aria-label="${autumn.name}"[\\s\\S]*?data-metric="conversions"><dt>[^<]+</dt><dd>(\\d+)<`,
      ).exec(html)?.[1];
    expect(orders(portal)).toBe("2");
    // Its own clicks and orders broken down, each campaign's tables with headings of their own.
    const referrers =
      new RegExp(`<section aria-labelledby="${autumn.id}-by-referer">[\\s\\S]*?</section>`).exec(
        portal,
      )?.[0] ?? "";
    expect(referrers).toContain(
      '<th scope="row">No click (code orders)</th><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">–</td><td class="num">2</td><td class="num">€40.00</td>',
    );
    expect(portal).toContain(`id="${spring.id}-by-referer"`);
    expect(portal).toContain('<strong aria-current="page">All time</strong>');
    const week = (await browser.request("/portal?days=7")).text;
    expect(week).toContain('<strong aria-current="page">Last 7 days</strong>');
    expect(orders(week)).toBe("1");
  });
});

describe("the shared report", () => {
  it("opens with the period, the goals met and missed, and the best and weakest influencer", async () => {
    const campaign = await createCampaign({
      name: unique("Report"),
      starts_at: daysFromNow(-30),
      ends_at: daysFromNow(30),
    });
    const star = await createInfluencer({ handle: unique("star") });
    const flop = await createInfluencer({ handle: unique("flop") });
    await enrol(campaign.id, star.id, { fee: 1000 });
    await enrol(campaign.id, flop.id, { fee: 5000 });
    await order(await promoCode(campaign.id, star.id), 4000, daysFromNow(-2));
    await order(await promoCode(campaign.id, flop.id), 1000, new Date(now - 1000).toISOString());
    await rollUp();
    const goals = [
      { metric: "conversions", target: 2, due: null },
      { metric: "revenue", target: 100_000, due: daysFromNow(-1) },
      { metric: "revenue", target: 200_000, due: null },
    ];
    expect((await api("PATCH", `/campaigns/${campaign.id}`, { body: { goals } })).status).toBe(200);

    const path = await shareReport(await admin(), campaign.id);
    const html = (await new PageClient().request(path)).text;
    const summary = /<section aria-labelledby="summary"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    expect(summary).toMatch(
      /data-summary="period">All time: [A-Z][a-z]{2} \d+, \d{4} to [A-Z][a-z]{2} \d+, \d{4}</,
    );
    expect(summary).toContain("1 of 3 met");
    expect(summary).toMatch(new RegExp(`data-summary="best"><strong>@${star.handle}</strong>: ROI 300%`));
    expect(summary).toMatch(new RegExp(`data-summary="worst"><strong>@${flop.handle}</strong>: ROI -80%`));
    expect(summary).toContain("EMV");
    // Met, missed (due yesterday, short of it) and still open, each said once in the goals.
    expect([...html.matchAll(/data-goal-status="(\w*)"/g)].map((m) => m[1])).toEqual([
      "met",
      "missed",
      expect.stringMatching(/^(on_track|behind|)$/),
    ]);
    expect(html).toContain("data-print");
  });
});

describe("the shared report's best and weakest influencer", () => {
  it("are chosen among influencers with an ROI: one enrolled at no cost and with no sale is neither", async () => {
    const campaign = await createCampaign({ name: unique("Compared") });
    const [star, fair, idle] = await Promise.all(
      ["star", "fair", "lea"].map((handle) => createInfluencer({ handle: unique(handle) })),
    );
    if (!star || !fair || !idle) throw new Error("three influencers");
    await enrol(campaign.id, star.id, { fee: 1000 });
    await enrol(campaign.id, fair.id, { fee: 2000 });
    // Enrolled at zero cost by its promo code, and nothing sold: no ROI, CPA or figure to compare.
    await promoCode(campaign.id, idle.id);
    await order(await promoCode(campaign.id, star.id), 4000, daysFromNow(-2));
    await order(await promoCode(campaign.id, fair.id), 2300, daysFromNow(-2));
    await rollUp();
    const path = await shareReport(await admin(), campaign.id);
    const summary = async (lang: string) => {
      const html = (await new PageClient().request(`${path}?lang=${lang}`)).text;
      return /<section aria-labelledby="summary"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    };
    const en = await summary("en");
    expect(en).toMatch(new RegExp(`data-summary="best"><strong>@${star.handle}</strong>: ROI 300%`));
    expect(en).toMatch(new RegExp(`data-summary="worst"><strong>@${fair.handle}</strong>: ROI 15%`));
    expect(en).not.toContain(idle.handle);
    expect(en).toContain("Among influencers with an ROI (a cost recorded), ranked by ROI");
    expect(await summary("fr")).toContain("Parmi les influenceurs qui ont un ROI");
  });
});

describe("around the pages", () => {
  it("sends a newcomer at the root to the sign-in, and serves a favicon every page names", async () => {
    const visitor = new PageClient();
    const root = await visitor.request("/");
    expect(root.status).toBe(302);
    expect(root.headers.get("Location")).toBe("/login");
    const login = await visitor.request("/login");
    expect(login.text).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
    for (const path of ["/favicon.svg", "/favicon.ico"]) {
      const icon = await visitor.request(path);
      expect(icon.status, path).toBe(200);
      expect(icon.headers.get("Content-Type"), path).toBe("image/svg+xml");
      expect(icon.text, path).toMatch(/^<svg /);
      expect(icon.headers.get("Content-Security-Policy"), path).toBe("default-src 'none'");
    }
  });
});
