import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { enrol } from "../support/figure-helpers";
import {
  ADMIN,
  api,
  createCampaign,
  createCode,
  createInfluencer,
  createLink,
  follow,
  stopClock,
  unique,
} from "../support/helpers";
import { PageClient } from "../support/page-client";

// Editing, pausing and archiving from the dashboard, its lists' search and pages, and the
// influencer pickers. Each change is read back through the API, as any client would see it.

async function admin() {
  const browser = new PageClient();
  await browser.signIn(ADMIN);
  return browser;
}

const fieldError = (html: string, id: string) => new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(html)?.[1];
const inputValue = (html: string, id: string) => new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1];

describe("edit pages", () => {
  it("edits a campaign from its pre-filled form; a blank optional field clears it, a blank name is refused", async () => {
    const browser = await admin();
    const campaign = await createCampaign({
      budget: 150_050,
      starts_at: "2026-11-01T00:00:00Z",
      emv_cpm: 1_000,
    });
    const edit = `/dashboard/campaigns/${campaign.id}/edit`;
    const form = (await browser.request(edit)).text;
    expect(inputValue(form, "campaign-edit-name")).toBe(campaign.name);
    expect(inputValue(form, "campaign-edit-budget")).toBe("1500.50");
    expect(inputValue(form, "campaign-edit-starts_at")).toBe("2026-11-01");
    expect(inputValue(form, "campaign-edit-attribution_window_days")).toBe("30");

    const fields = {
      name: "Renamed",
      objective: "leads",
      budget: "",
      starts_at: "2026-11-02",
      ends_at: "2026-12-24",
      attribution_window_days: "7",
      emv_cpm: "12,50",
      timezone: "Europe/Paris",
    };
    const saved = await browser.post(edit, fields);
    expect(saved.status).toBe(303);
    expect((await api("GET", `/campaigns/${campaign.id}`)).body).toMatchObject({
      name: "Renamed",
      objective: "leads",
      budget: null,
      // Days of Paris (UTC+1 in winter): the start of the first, the last instant of the last.
      starts_at: "2026-11-01T23:00:00.000Z",
      ends_at: "2026-12-24T22:59:59.999Z",
      attribution_window_days: 7,
      emv_cpm: 1250,
      timezone: "Europe/Paris",
    });

    const refused = await browser.post(`${edit}?lang=fr`, {
      ...fields,
      name: " ",
      attribution_window_days: "400",
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, "campaign-edit-name")).toBe("Obligatoire.");
    expect(fieldError(refused.text, "campaign-edit-attribution_window_days")).toBe("Au plus 365.");
    expect((await api("GET", `/campaigns/${campaign.id}`)).body.name).toBe("Renamed");
  });

  it("shows a time zone fixed by events as text, and words the API's timezone_locked on the field", async () => {
    const browser = await admin();
    const campaign = await createCampaign();
    const edit = `/dashboard/campaigns/${campaign.id}/edit`;
    expect((await browser.request(edit)).text).toContain('id="campaign-edit-timezone"');
    await env.DB.prepare("UPDATE campaigns SET first_event_at = 1 WHERE id = ?").bind(campaign.id).run();
    const locked = (await browser.request(edit)).text;
    expect(locked).not.toContain('id="campaign-edit-timezone"');
    expect(locked).toContain("data-zone-locked");
    // A form from before the first event still sends a zone: refused on its field, nothing changed.
    const stale = await browser.post(
      edit,
      { name: "Zone", objective: "sales", attribution_window_days: "30", timezone: "Asia/Tokyo" },
      `/dashboard/campaigns/${campaign.id}`,
    );
    expect(stale.status).toBe(422);
    expect(stale.text).toContain("Fixed once the campaign has clicks or conversions.");
    expect((await api("GET", `/campaigns/${campaign.id}`)).body).toMatchObject({
      timezone: "UTC",
      name: campaign.name,
    });
  });

  it("edits an influencer, and archives and restores them: out of the list and the pickers, then back", async () => {
    const browser = await admin();
    const tag = unique("edinf");
    const influencer = await createInfluencer({ handle: `${tag}.one`, name: "One" });
    const edit = `/dashboard/influencers/${influencer.id}/edit`;
    expect(inputValue((await browser.request(edit)).text, "influencer-edit-handle")).toBe(`${tag}.one`);
    const saved = await browser.post(edit, {
      handle: `@${tag}.two`,
      platform: "tiktok",
      name: "",
      followers: "52000",
    });
    expect(saved.status).toBe(303);
    expect((await api("GET", `/influencers/${influencer.id}`)).body).toMatchObject({
      handle: `${tag}.two`,
      platform: "tiktok",
      name: null,
      followers: 52000,
    });
    const other = await createInfluencer({ handle: `${tag}.taken`, platform: "tiktok" });
    const taken = await browser.post(edit, { handle: other.handle, platform: "tiktok" });
    expect(fieldError(taken.text, "influencer-edit-handle")).toBe(
      "This handle already has an influencer on this platform.",
    );

    const listed = async (path: string) =>
      (await browser.request(path)).text.includes(`data-influencer-row="${influencer.id}"`);
    const picked = async () =>
      (await browser.request(`/dashboard/influencers.json?q=${tag}`)).text.includes(influencer.id);
    expect([await listed(`/dashboard/influencers?q=${tag}`), await picked()]).toEqual([true, true]);
    const archive = `/dashboard/influencers/${influencer.id}/archive`;
    const archived = await browser.post(
      archive,
      { archived: "true", back: `/dashboard/influencers?q=${tag}` },
      edit,
    );
    expect(archived.status).toBe(303);
    expect(archived.headers.get("Location")).toBe(`/dashboard/influencers?q=${tag}`);
    expect((await api("GET", `/influencers/${influencer.id}`)).body.archived_at).toEqual(expect.any(String));
    expect([await listed(`/dashboard/influencers?q=${tag}`), await picked()]).toEqual([false, false]);
    expect(await listed(`/dashboard/influencers?q=${tag}&archived=1`)).toBe(true);
    expect((await browser.request(edit)).text).toContain("data-archived");
    // Back only ever to the dashboard.
    const restored = await browser.post(archive, { archived: "false", back: "https://evil.example/" }, edit);
    expect(restored.headers.get("Location")).toBe("/dashboard/influencers");
    expect([await listed(`/dashboard/influencers?q=${tag}`), await picked()]).toEqual([true, true]);
    expect((await browser.post(archive, { archived: "maybe" }, edit)).status).toBe(422);
  });

  it("edits an enrolment's terms from its pre-filled form and archives it without losing them", async () => {
    const browser = await admin();
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    await enrol(campaign.id, influencer.id, { fee: 25_000, commission_rate: 0.1, other_costs: 1_250 });
    const base = `/dashboard/campaigns/${campaign.id}/enrolments/${influencer.id}`;
    const form = (await browser.request(`${base}/edit`)).text;
    expect(inputValue(form, "enrolment-edit-fee")).toBe("250.00");
    expect(inputValue(form, "enrolment-edit-commission_rate")).toBe("10");
    expect(inputValue(form, "enrolment-edit-other_costs")).toBe("12.50");
    expect(
      (await browser.post(`${base}/edit`, { fee: "300", commission_rate: "7.5", other_costs: "" })).status,
    ).toBe(303);
    const terms = async () =>
      (await api("GET", `/campaigns/${campaign.id}/influencers?include_archived=true`)).body.data[0];
    expect(await terms()).toMatchObject({
      fee: 30_000,
      commission_rate: 0.075,
      other_costs: 0,
      archived_at: null,
    });
    const refused = await browser.post(`${base}/edit`, { fee: "3,005", commission_rate: "150" });
    expect(fieldError(refused.text, "enrolment-edit-commission_rate")).toBe("At most 100%.");

    const page = `/dashboard/campaigns/${campaign.id}`;
    expect((await browser.request(page)).text).toContain(`data-enrolment="${influencer.id}"`);
    await browser.post(`${base}/archive`, { archived: "true", back: `${page}#enrolments` }, page);
    expect(await terms()).toMatchObject({ fee: 30_000, archived_at: expect.any(String) });
    expect((await browser.request(page)).text).not.toContain(`data-enrolment="${influencer.id}"`);
    expect((await browser.request(`${page}?enrolments_archived=1`)).text).toContain(
      `data-enrolment="${influencer.id}"`,
    );
    // Archiving someone who is not enrolled enrols nobody.
    const stranger = await createInfluencer();
    const none = await browser.post(
      `/dashboard/campaigns/${campaign.id}/enrolments/${stranger.id}/archive`,
      { archived: "true" },
      page,
    );
    expect(none.status).toBe(404);
    expect(
      (await api("GET", `/campaigns/${campaign.id}/influencers?include_archived=true`)).body.data,
    ).toHaveLength(1);
  });

  it("edits a link, and disables it from its button: the redirect answers 410 at once", async () => {
    const browser = await admin();
    const link = await createLink();
    const edit = `/dashboard/links/${link.id}/edit`;
    expect(inputValue((await browser.request(edit)).text, "link-edit-url")).toBe(link.url);
    const saved = await browser.post(edit, {
      url: "https://shop.example/new",
      expires_at: "2031-01-01",
      expired_url: "",
    });
    expect(saved.status).toBe(303);
    expect((await api("GET", `/links/${link.id}`)).body).toMatchObject({
      url: "https://shop.example/new",
      // The last day it works, of its campaign's zone (UTC here): over when 2 January begins.
      expires_at: "2031-01-02T00:00:00.000Z",
      expired_url: null,
      disabled: false,
    });
    const bad = await browser.post(edit, { url: "ftp://x" });
    expect(fieldError(bad.text, "link-edit-url")).toBe("An address starting with http:// or https://.");

    expect((await follow(link.slug)).status).toBe(302);
    const page = `/dashboard/campaigns/${link.campaign_id}`;
    await browser.post(
      `/dashboard/links/${link.id}/disabled`,
      { disabled: "true", back: `${page}#links` },
      page,
    );
    expect((await follow(link.slug)).status).toBe(410);
    await browser.post(`/dashboard/links/${link.id}/disabled`, { disabled: "false" }, page);
    expect((await follow(link.slug)).status).toBe(302);

    await browser.post(`/dashboard/links/${link.id}/archive`, { archived: "true" }, page);
    expect((await browser.request(page)).text).not.toContain(`data-link="${link.id}"`);
    expect((await browser.request(`${page}?links_archived=1`)).text).toContain(`data-link="${link.id}"`);
    // Archived, it still redirects: only disabling stops it.
    expect((await follow(link.slug)).status).toBe(302);
  });

  it("edits a code's limits, dates and state, and pauses it from its button", async () => {
    const browser = await admin();
    const link = await createLink();
    const code = await createCode({ campaign_id: link.campaign_id, influencer_id: link.influencer_id });
    const edit = `/dashboard/codes/${code.id}/edit`;
    expect((await browser.request(edit)).text).toMatch(/id="code-edit-active"[^>]*checked/);
    const saved = await browser.post(edit, {
      max_redemptions: "40",
      starts_at: "2026-12-01",
      ends_at: "2027-01-31",
    });
    expect(saved.status).toBe(303);
    expect((await api("GET", `/codes/${code.id}`)).body).toMatchObject({
      max_redemptions: 40,
      // Days of the campaign's zone (UTC here): the start of the first, through the last.
      starts_at: "2026-12-01T00:00:00.000Z",
      ends_at: "2027-01-31T23:59:59.999Z",
      // The box was left unticked.
      active: false,
    });
    expect(
      fieldError(
        (await browser.post(edit, { max_redemptions: "0", active: "on" })).text,
        "code-edit-max_redemptions",
      ),
    ).toBe("At least 1.");
    const page = `/dashboard/campaigns/${link.campaign_id}`;
    await browser.post(`/dashboard/codes/${code.id}/active`, { active: "true" }, page);
    expect((await api("GET", `/codes/${code.id}`)).body.active).toBe(true);
    await browser.post(`/dashboard/codes/${code.id}/active`, { active: "false" }, page);
    expect((await api("GET", `/codes/${code.id}`)).body.active).toBe(false);
  });
});

describe("lists and pickers", () => {
  it("archives a campaign out of the campaign list and restores it from the archived view", async () => {
    const browser = await admin();
    const tag = unique("camp");
    const campaign = await createCampaign({ name: `Archivable ${tag}` });
    const list = async (query: string) => (await browser.request(`/dashboard?${query}`)).text;
    expect(await list(`q=${tag}`)).toContain(campaign.id);
    await browser.post(`/dashboard/campaigns/${campaign.id}/archive`, { archived: "true" }, "/dashboard");
    expect(await list(`q=${tag}`)).not.toContain(campaign.id);
    const archived = await list(`q=${tag}&archived=1`);
    expect(archived).toContain(campaign.id);
    expect(archived).toContain(">Restore<");
    expect((await browser.request(`/dashboard/campaigns/${campaign.id}`)).text).toContain("data-archived");
    await browser.post(`/dashboard/campaigns/${campaign.id}/archive`, { archived: "false" }, "/dashboard");
    expect(await list(`q=${tag}`)).toContain(campaign.id);
  });

  it("pages the influencer list, keeping the search", async () => {
    const browser = await admin();
    const tag = unique("page");
    for (let i = 0; i < 52; i++) await createInfluencer({ handle: `${tag}_${i}` });
    const first = (await browser.request(`/dashboard/influencers?q=${tag}`)).text;
    expect(first.match(/data-influencer-row=/g)).toHaveLength(50);
    const next = /href="([^"]+)" rel="next"/.exec(first)?.[1]?.replaceAll("&amp;", "&") as string;
    expect(next).toContain(`q=${tag}`);
    const second = (await browser.request(next)).text;
    expect(second.match(/data-influencer-row=/g)).toHaveLength(2);
    expect(second).not.toContain('rel="next"');
    expect(second).toContain("First page");
  });

  it("offers the campaign's enrolled influencers first, and takes a handle typed or picked", async () => {
    const browser = await admin();
    const tag = unique("pick");
    const campaign = await createCampaign();
    const enrolled = await createInfluencer({ handle: `${tag}.zed` });
    await enrol(campaign.id, enrolled.id);
    // The twin a millisecond after the other Amy: made in the same one, they would be in id order.
    stopClock();
    const newer = await createInfluencer({ handle: `${tag}.amy`, name: "Amy" });
    vi.setSystemTime(Date.now() + 1);
    const twin = await createInfluencer({ handle: `${tag}.amy`, platform: "tiktok" });
    const found = await browser.request(
      `/dashboard/influencers.json?q=${tag.toUpperCase()}&campaign_id=${campaign.id}`,
    );
    expect(found.headers.get("Content-Type")).toMatch(/^application\/json/);
    const { data } = JSON.parse(found.text) as { data: { id: string; value: string; label: string }[] };
    expect(data.map((o) => o.id)).toEqual([enrolled.id, twin.id, newer.id]);
    expect(data[0]).toMatchObject({ value: `@${tag}.zed (instagram)`, label: "enrolled" });
    expect(data[2]?.label).toBe("Amy");
    // The page's own datalist holds the enrolled one first too.
    const page = `/dashboard/campaigns/${campaign.id}`;
    expect((await browser.request(page)).text).toMatch(
      new RegExp(`<datalist id="link-influencer-options"><option value="@${tag}\\.zed \\(instagram\\)"`),
    );

    const linkWith = (influencer: string) =>
      browser.post(`${page}/links`, { influencer, url: "https://shop.example/" }, page);
    expect((await linkWith(`@${tag}.amy (tiktok)`)).status).toBe(303);
    expect((await linkWith(`${tag}.zed`)).status).toBe(303);
    const ambiguous = await linkWith(`@${tag}.amy`);
    expect(fieldError(ambiguous.text, "link-influencer")).toBe(
      "This handle is on several platforms: choose one from the list.",
    );
    expect(fieldError((await linkWith("@nobody.at.all")).text, "link-influencer")).toBe(
      "Choose an influencer from the list.",
    );
    const links = (await api("GET", `/links?campaign_id=${campaign.id}`)).body.data;
    expect(links.map((l: { influencer_id: string }) => l.influencer_id).sort()).toEqual(
      [enrolled.id, twin.id].sort(),
    );
  });
});
