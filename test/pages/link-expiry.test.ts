import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, api, createCampaign, createInfluencer, follow, unique } from "../support/helpers";
import { PageClient } from "../support/page-client";

// A link's expiry on the dashboard is the last day it works, a day of its campaign's time zone:
// the redirect serves it through that day's last instant there, and refuses it from the next day's
// first. The API keeps its instant (`expires_at`, when the link stops working).

afterEach(() => {
  vi.useRealTimers();
});

const inputValue = (html: string, id: string) => new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1];

// The redirect's answer to the link at a given instant.
async function followAt(iso: string, slug: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.parse(iso));
  const response = await follow(slug);
  vi.useRealTimers();
  return { status: response.status, location: response.headers.get("Location") ?? "" };
}

async function campaignPage(timezone: string) {
  const browser = new PageClient();
  await browser.signIn(ADMIN);
  const campaign = await createCampaign({ timezone });
  const influencer = await createInfluencer();
  return {
    browser,
    influencer,
    campaignId: campaign.id as string,
    page: `/dashboard/campaigns/${campaign.id}`,
  };
}

// The campaign's one link, as the API answers it.
async function theLink(campaignId: string) {
  const links = (await api("GET", `/links?campaign_id=${campaignId}`)).body.data;
  expect(links).toHaveLength(1);
  return links[0];
}

describe("a link's expiry on the dashboard: the last day it works, in its campaign's zone", () => {
  it("Paris: the created link works through 15 January there, the edit form shows that day back, an edit moves it", async () => {
    const { browser, influencer, campaignId, page } = await campaignPage("Europe/Paris");
    const slug = unique("paris");
    const created = await browser.post(
      `${page}/links`,
      { influencer: influencer.id, url: "https://shop.example/winter", slug, expires_at: "2027-01-15" },
      page,
    );
    expect(created.status).toBe(303);
    const link = await theLink(campaignId);
    // Paris is UTC+1 in January: 16 January begins there at 23:00 UTC on the 15th.
    expect(link.expires_at).toBe("2027-01-15T23:00:00.000Z");

    const edit = `/dashboard/links/${link.id}/edit`;
    expect(inputValue((await browser.request(edit)).text, "link-edit-expires_at")).toBe("2027-01-15");

    expect(await followAt("2027-01-15T22:59:59.999Z", slug)).toMatchObject({
      status: 302,
      location: expect.stringMatching(/^https:\/\/shop\.example\/winter\?/),
    });
    expect((await followAt("2027-01-15T23:00:00.000Z", slug)).status).toBe(410);

    // Saved unchanged, the form keeps the day; a summer day (UTC+2) ends at 22:00 UTC.
    const fields = { url: "https://shop.example/winter", expired_url: "https://shop.example/ended" };
    expect((await browser.post(edit, { ...fields, expires_at: "2027-01-15" })).status).toBe(303);
    expect((await theLink(campaignId)).expires_at).toBe("2027-01-15T23:00:00.000Z");
    expect((await browser.post(edit, { ...fields, expires_at: "2027-07-14" })).status).toBe(303);
    expect((await theLink(campaignId)).expires_at).toBe("2027-07-14T22:00:00.000Z");
    expect(inputValue((await browser.request(edit)).text, "link-edit-expires_at")).toBe("2027-07-14");
    expect((await followAt("2027-07-14T21:59:59.999Z", slug)).location).toMatch(
      /^https:\/\/shop\.example\/winter\?/,
    );
    expect(await followAt("2027-07-14T22:00:00.000Z", slug)).toEqual({
      status: 302,
      location: "https://shop.example/ended",
    });
  });

  it("Kolkata (UTC+5:30): the typed day ends at 18:30 UTC, and is shown back as typed", async () => {
    const { browser, influencer, campaignId, page } = await campaignPage("Asia/Kolkata");
    const slug = unique("kolkata");
    await browser.post(
      `${page}/links`,
      { influencer: influencer.id, url: "https://shop.example/k", slug },
      page,
    );
    const link = await theLink(campaignId);
    expect(link.expires_at).toBeNull();
    const edit = `/dashboard/links/${link.id}/edit`;
    const saved = await browser.post(edit, { url: "https://shop.example/k", expires_at: "2027-01-15" });
    expect(saved.status).toBe(303);
    expect((await theLink(campaignId)).expires_at).toBe("2027-01-15T18:30:00.000Z");
    expect(inputValue((await browser.request(edit)).text, "link-edit-expires_at")).toBe("2027-01-15");
    expect((await followAt("2027-01-15T18:29:59.999Z", slug)).status).toBe(302);
    expect((await followAt("2027-01-15T18:30:00.000Z", slug)).status).toBe(410);
  });

  it("refuses a day the calendar does not have on its field, in the page's language", async () => {
    const { browser, influencer, page } = await campaignPage("Europe/Paris");
    const refused = await browser.post(
      `${page}/links?lang=fr`,
      { influencer: influencer.id, url: "https://shop.example/x", expires_at: "2027-02-30" },
      page,
    );
    expect(refused.status).toBe(422);
    expect(/id="link-expires_at-error"[^>]*>([^<]*)</.exec(refused.text)?.[1]).toBe("Saisissez une date.");
  });
});
