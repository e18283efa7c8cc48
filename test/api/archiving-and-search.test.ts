import { describe, expect, it, vi } from "vitest";
import { enrol, order, promoCode, rollUp } from "../support/figure-helpers";
import {
  ADMIN,
  api,
  createCampaign,
  createInfluencer,
  createLink,
  expectError,
  follow,
  stopClock,
  unique,
  waitForClicks,
} from "../support/helpers";
import { PageClient } from "../support/page-client";

// Archiving through PATCH (PUT for an enrolment): the thing leaves its list unless
// ?include_archived=true, is still found by id with its archived_at, comes back with
// archived: false, and its figures are still counted. Search (?q=) on every list.

type Row = { id?: string; influencer_id?: string };
const ids = (res: { body: Record<string, unknown> }) =>
  (res.body.data as Row[]).map((row) => row.id ?? row.influencer_id);

describe("archiving", () => {
  it("takes campaigns, influencers, links and codes out of their lists and back", async () => {
    const tag = unique("arch");
    const campaign = await createCampaign({ name: `Archived ${tag}` });
    const influencer = await createInfluencer({ handle: `${tag}.inf` });
    const link = await createLink({
      campaign_id: campaign.id,
      influencer_id: influencer.id,
      slug: `${tag}-l`,
    });
    const code = (
      await api("POST", "/codes", {
        body: { code: `${tag}C`.slice(0, 32), campaign_id: campaign.id, influencer_id: influencer.id },
      })
    ).body;
    const things = [
      { path: "/campaigns", id: campaign.id, list: `/campaigns?q=${tag}` },
      { path: "/influencers", id: influencer.id, list: `/influencers?q=${tag}` },
      { path: "/links", id: link.id, list: `/links?campaign_id=${campaign.id}` },
      { path: "/codes", id: code.id, list: `/codes?campaign_id=${campaign.id}` },
    ];
    for (const thing of things) {
      expect(ids(await api("GET", thing.list)), thing.path).toEqual([thing.id]);
      const archived = await api("PATCH", `${thing.path}/${thing.id}`, { body: { archived: true } });
      expect(archived.status, thing.path).toBe(200);
      expect(archived.body.archived_at, thing.path).toEqual(expect.any(String));
      expect(ids(await api("GET", thing.list)), thing.path).toEqual([]);
      const sep = thing.list.includes("?") ? "&" : "?";
      expect(ids(await api("GET", `${thing.list}${sep}include_archived=true`)), thing.path).toEqual([
        thing.id,
      ]);
      expect((await api("GET", `${thing.path}/${thing.id}`)).body.archived_at).toBe(
        archived.body.archived_at,
      );
      // Archiving again is no change: the first time stays.
      const again = await api("PATCH", `${thing.path}/${thing.id}`, { body: { archived: true } });
      expect(again.body.archived_at, thing.path).toBe(archived.body.archived_at);
      const restored = await api("PATCH", `${thing.path}/${thing.id}`, { body: { archived: false } });
      expect(restored.body.archived_at, thing.path).toBeNull();
      expect(ids(await api("GET", thing.list)), thing.path).toEqual([thing.id]);
    }
  });

  it("keeps an archived link redirecting and an archived code redeemable, and their figures counted", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
    await enrol(campaign.id, influencer.id, { fee: 10_000 });
    const code = await promoCode(campaign.id, influencer.id);
    const codeId = (await api("GET", `/codes?campaign_id=${campaign.id}`)).body.data[0].id;

    await api("PATCH", `/links/${link.id}`, { body: { archived: true } });
    await api("PATCH", `/codes/${codeId}`, { body: { archived: true } });
    const enrolment = await api("PUT", `/campaigns/${campaign.id}/influencers/${influencer.id}`, {
      body: { archived: true },
    });
    expect(enrolment.body).toMatchObject({ fee: 10_000, archived_at: expect.any(String) });
    await api("PATCH", `/influencers/${influencer.id}`, { body: { archived: true } });
    await api("PATCH", `/campaigns/${campaign.id}`, { body: { archived: true } });
    expect((await api("GET", `/campaigns/${campaign.id}/influencers`)).body.data).toEqual([]);
    expect(ids(await api("GET", `/campaigns/${campaign.id}/influencers?include_archived=true`))).toEqual([
      influencer.id,
    ]);

    const res = await follow(link.slug, {
      headers: { "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36" },
    });
    expect(res.status).toBe(302);
    await waitForClicks(link.id, 1);
    await order(code, 5_000, new Date().toISOString());
    await rollUp();
    const summary = (await api("GET", `/campaigns/${campaign.id}/summary`)).body;
    expect(summary.totals).toMatchObject({ clicks: 1, conversions: 1, revenue: 5_000, cost: 10_000 });
    expect(summary.influencers.map((i: { influencer_id: string }) => i.influencer_id)).toEqual([
      influencer.id,
    ]);
  });

  it("refuses an archived flag that is not a boolean", async () => {
    const campaign = await createCampaign();
    expectError(
      await api("PATCH", `/campaigns/${campaign.id}`, { body: { archived: "yes" } }),
      422,
      "validation_failed",
    );
    expectError(await api("GET", "/campaigns?include_archived=yes"), 422, "validation_failed");
  });
});

describe("search", () => {
  it("finds influencers by handle or name in any case, with or without @, and pages through the result", async () => {
    const tag = unique("srch");
    const made = [];
    // Each made a millisecond after the one before: two in the same one would be in id order.
    stopClock();
    for (let i = 0; i < 5; i++) {
      made.push(await createInfluencer({ handle: `${tag}_${i}`, name: `Creator ${tag}` }));
      vi.setSystemTime(Date.now() + 1);
    }
    await createInfluencer({ handle: `${tag}x0`, name: "Other" });
    const first = await api("GET", `/influencers?q=@${tag.toUpperCase()}_&limit=3`);
    expect(ids(first)).toEqual(
      made
        .slice(2)
        .reverse()
        .map((i) => i.id),
    );
    const second = await api(
      "GET",
      `/influencers?q=@${tag.toUpperCase()}_&limit=3&cursor=${first.body.next_cursor}`,
    );
    expect(ids(second)).toEqual(
      made
        .slice(0, 2)
        .reverse()
        .map((i) => i.id),
    );
    expect(second.body.next_cursor).toBeNull();
    // "_" is a letter here, not LIKE's any-character: the x0 handle does not match "<tag>_".
    expect(ids(await api("GET", `/influencers?q=${tag}_0`))).toEqual([made[0]?.id]);
    expect(ids(await api("GET", `/influencers?q=creator ${tag}`))).toHaveLength(5);
    expect(ids(await api("GET", `/influencers?q=${encodeURIComponent("%")}${tag}`))).toEqual([]);
  });

  it("answers the longest searches D1 can hold, wildcards and accents included, and refuses longer ones", async () => {
    // D1 refuses LIKE patterns over 50 bytes: 40 underscores escape to 80, "é" takes two bytes.
    for (const q of ["_".repeat(40), "é".repeat(40), "%".repeat(40)]) {
      for (const path of ["/campaigns", "/influencers", "/links", "/codes"]) {
        const res = await api("GET", `${path}?q=${encodeURIComponent(q)}`);
        expect(res.status, `${path} ${q}`).toBe(200);
      }
    }
    expectError(await api("GET", `/campaigns?q=${"x".repeat(41)}`), 422, "validation_failed");
    // The dashboard cuts a long search to what it can hold, rather than failing.
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    const page = await browser.request(`/dashboard?q=${"_".repeat(500)}`);
    expect(page.status).toBe(200);
  });

  it("finds campaigns by name, links by slug or handle, codes by code or handle, enrolments by handle", async () => {
    const tag = unique("find");
    const campaign = await createCampaign({ name: `Black Friday ${tag}` });
    const ana = await createInfluencer({ handle: `${tag}.ana` });
    const bob = await createInfluencer({ handle: `${tag}.bob` });
    const anaLink = await createLink({
      campaign_id: campaign.id,
      influencer_id: ana.id,
      slug: `${tag}-spring`,
    });
    const bobLink = await createLink({
      campaign_id: campaign.id,
      influencer_id: bob.id,
      slug: `${tag}-summer`,
    });
    const anaCode = await promoCode(campaign.id, ana.id);
    await promoCode(campaign.id, bob.id);

    expect(ids(await api("GET", `/campaigns?q=black friday ${tag.toLowerCase()}`))).toEqual([campaign.id]);
    const links = (q: string) => api("GET", `/links?campaign_id=${campaign.id}&q=${encodeURIComponent(q)}`);
    expect(ids(await links("SPRING"))).toEqual([anaLink.id]);
    expect(ids(await links(`@${tag}.bob`))).toEqual([bobLink.id]);
    expect(ids(await links("neither"))).toEqual([]);
    const codes = await api("GET", `/codes?campaign_id=${campaign.id}&q=${anaCode.toLowerCase()}`);
    expect(codes.body.data.map((c: { code: string }) => c.code)).toEqual([anaCode]);
    expect(ids(await api("GET", `/codes?campaign_id=${campaign.id}&q=.bob`))).toHaveLength(1);
    expect(ids(await api("GET", `/campaigns/${campaign.id}/influencers?q=ANA`))).toEqual([ana.id]);
  });
});
