import { describe, expect, it } from "vitest";
import { ADMIN, api, createCampaign, createInfluencer, unique } from "../support/helpers";
import { PageClient } from "../support/page-client";

// The edit pages show a stored instant as a day of the campaign's zone. An instant set through the
// API at noon must survive a save of its form that leaves its day as shown: only a day changed on
// the form is read as a day (a start at its first instant, an end at its last, an expiry at the
// end of the last day it works).

const inputValue = (html: string, id: string) =>
  new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1] ?? "";

async function parisCampaign(dates: Record<string, string> = {}) {
  const browser = new PageClient();
  await browser.signIn(ADMIN);
  const campaign = await createCampaign({ timezone: "Europe/Paris", ...dates });
  const influencer = await createInfluencer();
  return { browser, campaign, influencer };
}

describe("an edit form saved with a date's day as shown keeps the stored instant", () => {
  it("a campaign's start and end; a changed day is read as a day, a new zone reads the days in it", async () => {
    const { browser, campaign } = await parisCampaign({
      starts_at: "2026-06-01T12:00:00Z",
      ends_at: "2026-06-30T12:00:00Z",
    });
    const edit = `/dashboard/campaigns/${campaign.id}/edit`;
    const form = (await browser.request(edit)).text;
    const shown = {
      starts_at: inputValue(form, "campaign-edit-starts_at"),
      ends_at: inputValue(form, "campaign-edit-ends_at"),
    };
    expect(shown).toEqual({ starts_at: "2026-06-01", ends_at: "2026-06-30" });
    const fields = {
      name: "Renamed",
      objective: "sales",
      attribution_window_days: "30",
      timezone: "Europe/Paris",
    };

    expect((await browser.post(edit, { ...fields, ...shown })).status).toBe(303);
    expect((await api("GET", `/campaigns/${campaign.id}`)).body).toMatchObject({
      name: "Renamed",
      starts_at: "2026-06-01T12:00:00.000Z",
      ends_at: "2026-06-30T12:00:00.000Z",
    });

    // Another end day: its last instant in Paris (UTC+2 in summer); the start as it was.
    expect((await browser.post(edit, { ...fields, ...shown, ends_at: "2026-07-01" })).status).toBe(303);
    expect((await api("GET", `/campaigns/${campaign.id}`)).body).toMatchObject({
      starts_at: "2026-06-01T12:00:00.000Z",
      ends_at: "2026-07-01T21:59:59.999Z",
    });

    // A new zone: the days typed are days of it (New York, UTC-4 in summer).
    const moved = { ...fields, ...shown, ends_at: "2026-07-01", timezone: "America/New_York" };
    expect((await browser.post(edit, moved)).status).toBe(303);
    expect((await api("GET", `/campaigns/${campaign.id}`)).body).toMatchObject({
      timezone: "America/New_York",
      starts_at: "2026-06-01T04:00:00.000Z",
      ends_at: "2026-07-02T03:59:59.999Z",
    });
  });

  it("a link's expiry (the reviewer's case: 12:00 UTC, not moved to 22:00 UTC by a new URL)", async () => {
    const { browser, campaign, influencer } = await parisCampaign();
    const created = await api("POST", "/links", {
      body: {
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        url: "https://shop.example/a",
        slug: unique("noon"),
        expires_at: "2026-06-15T12:00:00Z",
      },
    });
    expect(created.status).toBe(201);
    const edit = `/dashboard/links/${created.body.id}/edit`;
    const shown = inputValue((await browser.request(edit)).text, "link-edit-expires_at");
    expect(shown).toBe("2026-06-15");

    expect((await browser.post(edit, { url: "https://shop.example/b", expires_at: shown })).status).toBe(303);
    expect((await api("GET", `/links/${created.body.id}`)).body).toMatchObject({
      url: "https://shop.example/b",
      expires_at: "2026-06-15T12:00:00.000Z",
    });

    // Another day: the instant it is over in Paris; a blank field clears the expiry.
    expect(
      (await browser.post(edit, { url: "https://shop.example/b", expires_at: "2026-06-16" })).status,
    ).toBe(303);
    expect((await api("GET", `/links/${created.body.id}`)).body.expires_at).toBe("2026-06-16T22:00:00.000Z");
    expect((await browser.post(edit, { url: "https://shop.example/b", expires_at: "" })).status).toBe(303);
    expect((await api("GET", `/links/${created.body.id}`)).body.expires_at).toBeNull();
  });

  it("a promo code's start and end", async () => {
    const { browser, campaign, influencer } = await parisCampaign();
    const created = await api("POST", "/codes", {
      body: {
        code: unique("NOON").replaceAll(".", "").slice(0, 32),
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        starts_at: "2026-06-01T12:00:00Z",
        ends_at: "2026-06-30T12:00:00Z",
      },
    });
    expect(created.status).toBe(201);
    const edit = `/dashboard/codes/${created.body.id}/edit`;
    const form = (await browser.request(edit)).text;
    const shown = {
      starts_at: inputValue(form, "code-edit-starts_at"),
      ends_at: inputValue(form, "code-edit-ends_at"),
    };
    expect(shown).toEqual({ starts_at: "2026-06-01", ends_at: "2026-06-30" });

    expect((await browser.post(edit, { max_redemptions: "40", active: "on", ...shown })).status).toBe(303);
    expect((await api("GET", `/codes/${created.body.id}`)).body).toMatchObject({
      max_redemptions: 40,
      starts_at: "2026-06-01T12:00:00.000Z",
      ends_at: "2026-06-30T12:00:00.000Z",
    });

    const restarted = { max_redemptions: "40", active: "on", ...shown, starts_at: "2026-06-02" };
    expect((await browser.post(edit, restarted)).status).toBe(303);
    expect((await api("GET", `/codes/${created.body.id}`)).body).toMatchObject({
      starts_at: "2026-06-01T22:00:00.000Z",
      ends_at: "2026-06-30T12:00:00.000Z",
    });
  });
});
