import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, api, createCampaign, createInfluencer, createKey, unique } from "../support/helpers";
import { PageClient } from "../support/page-client";

const DAY = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
});

async function shareReport(browser: PageClient, campaignId: string, form: Record<string, string> = {}) {
  const page = `/dashboard/campaigns/${campaignId}`;
  const res = await browser.post(`${page}/share-links`, form, page);
  const url = /data-share-url[^>]*>([^<]+)</.exec(res.text)?.[1];
  const id = /data-share-link="([^"]+)"/.exec(res.text)?.[1];
  return { res, path: url ? new URL(url).pathname : undefined, id };
}

describe("shared reports", () => {
  it("open without a key, read-only and noindex, until revoked", async () => {
    const marketer = new PageClient();
    await marketer.signIn(ADMIN);
    const campaign = await createCampaign({ name: unique("Shared") });
    const { res, path, id } = await shareReport(marketer, campaign.id, { label: "Board" });
    expect(res.status).toBe(201);
    expect(path).toMatch(/^\/r\/[0-9A-Za-z]{32}$/);

    const stakeholder = new PageClient();
    const report = await stakeholder.request(path as string);
    expect(report.status).toBe(200);
    expect(report.text).toContain(campaign.name);
    expect(report.text).toContain('<meta name="robots" content="noindex, nofollow"/>');
    expect(report.headers.get("X-Robots-Tag")).toBe("noindex, nofollow");
    // Read-only: no form but the period's (a GET), and the dashboard stays closed.
    expect(report.text.match(/<form[^>]*>/g)).toEqual([
      `<form method="get" action="${path}" class="row period-range">`,
    ]);
    expect((await stakeholder.request(`/dashboard/campaigns/${campaign.id}`)).status).toBe(303);
    // The token is not stored, only its hash.
    expect(JSON.stringify((await api("GET", `/campaigns/${campaign.id}`)).body)).not.toContain(
      (path as string).slice(3),
    );

    const page = `/dashboard/campaigns/${campaign.id}`;
    const revoked = await marketer.post(`/dashboard/share-links/${id}/revoke`, {}, page);
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get("Location")).toBe(`${page}#share`);
    const gone = await stakeholder.request(path as string);
    expect(gone.status).toBe(404);
    expect(gone.text).not.toContain(campaign.name);
    expect((await marketer.request(page)).text).toMatch(/Revoked/);
  });

  it("expire after the days chosen (default 7, at most 90)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    vi.setSystemTime(start);
    const marketer = new PageClient();
    await marketer.signIn(ADMIN);
    const campaign = await createCampaign();
    const week = await shareReport(marketer, campaign.id);
    const twoDays = await shareReport(marketer, campaign.id, { days: "2" });
    const tooLong = await shareReport(marketer, campaign.id, { days: "91" });
    expect(tooLong.res.status).toBe(422);
    expect(tooLong.res.text).toMatch(/id="share-days"[^>]*aria-invalid="true"/);

    const reader = new PageClient();
    vi.setSystemTime(start + 2 * DAY - 1000);
    expect((await reader.request(twoDays.path as string)).status).toBe(200);
    vi.setSystemTime(start + 2 * DAY + 1000);
    expect((await reader.request(twoDays.path as string)).status).toBe(404);
    expect((await reader.request(week.path as string)).status).toBe(200);
    vi.setSystemTime(start + 7 * DAY + 1000);
    expect((await reader.request(week.path as string)).status).toBe(404);
  });

  it("answer an unknown or malformed token with the same 404", async () => {
    const reader = new PageClient();
    expect((await reader.request(`/r/${"A".repeat(32)}`)).status).toBe(404);
    expect((await reader.request("/r/short")).status).toBe(404);
  });
});

describe("influencer portal", () => {
  it("shows an influencer its own links and codes and nobody else's", async () => {
    const campaign = await createCampaign({ name: unique("Portal") });
    const mine = await createInfluencer({ handle: unique("mine") });
    const theirs = await createInfluencer({ handle: unique("theirs") });
    const link = (mine: string, slug: string) =>
      api("POST", "/links", {
        body: { campaign_id: campaign.id, influencer_id: mine, url: "https://shop.example/", slug },
      });
    const mySlug = unique("my");
    const theirSlug = unique("their");
    await link(mine.id, mySlug);
    await link(theirs.id, theirSlug);
    const myCode = unique("MINE").toUpperCase();
    const theirCode = unique("THEIRS").toUpperCase();
    await api("POST", "/codes", { body: { code: myCode, campaign_id: campaign.id, influencer_id: mine.id } });
    await api("POST", "/codes", {
      body: { code: theirCode, campaign_id: campaign.id, influencer_id: theirs.id },
    });

    const key = await createKey("influencer", { influencer_id: mine.id });
    const browser = new PageClient();
    expect((await browser.signIn(key.key)).headers.get("Location")).toBe("/portal");
    const portal = await browser.request("/portal");
    expect(portal.status).toBe(200);
    expect(portal.text).toContain(`/${mySlug}`);
    expect(portal.text).toContain(myCode);
    expect(portal.text).toMatch(/<svg class="qr"/);
    expect(portal.text).toContain(campaign.name);
    for (const other of [theirSlug, theirCode, theirs.handle, theirs.id])
      expect(portal.text).not.toContain(other);

    // An influencer session cannot open the marketer's dashboard, nor post its forms.
    expect((await browser.request("/dashboard")).status).toBe(403);
    expect((await browser.request(`/dashboard/campaigns/${campaign.id}`)).status).toBe(403);
    const token = await browser.csrfFrom("/portal");
    const post = await browser.request(`/dashboard/campaigns/${campaign.id}/codes`, {
      form: { _csrf: token, influencer_id: mine.id, code: unique("SNEAK") },
    });
    expect(post.status).toBe(403);
  });

  it("is closed to admin sessions and to visitors without a session", async () => {
    const admin = new PageClient();
    await admin.signIn(ADMIN);
    expect((await admin.request("/portal")).status).toBe(403);
    expect((await new PageClient().request("/portal")).headers.get("Location")).toBe("/login");
  });
});
