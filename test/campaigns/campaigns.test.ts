import { describe, expect, it } from "vitest";
import { api, createCampaign, createInfluencer, expectError } from "../support/helpers";

describe("campaigns", () => {
  it("creates a campaign with defaults and upper-case currency", async () => {
    const res = await api("POST", "/campaigns", {
      body: {
        name: "Spring",
        objective: "awareness",
        currency: "eur",
        starts_at: "2026-03-01T00:00:00+01:00",
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "Spring",
      objective: "awareness",
      currency: "EUR",
      budget: null,
      starts_at: "2026-02-28T23:00:00.000Z",
      ends_at: null,
      attribution_window_days: 30,
      emv_cpm: null,
      goals: [],
    });
    expect(res.body.id).toMatch(/^cmp_/);
    expect((await api("GET", `/campaigns/${res.body.id}`)).body).toEqual(res.body);
  });

  it("reads starts_at and ends_at given as days as the campaign's own days, and refuses an end before the start", async () => {
    // New York is UTC-5 until 8 March, UTC-4 after: 1 March starts at 05:00 UTC, 10 March ends
    // at 03:59:59.999 UTC on the 11th.
    const res = await api("POST", "/campaigns", {
      body: {
        name: "Days",
        objective: "sales",
        currency: "USD",
        timezone: "America/New_York",
        starts_at: "2026-03-01",
        ends_at: "2026-03-10",
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      starts_at: "2026-03-01T05:00:00.000Z",
      ends_at: "2026-03-11T03:59:59.999Z",
    });
    // A patch's day is read in the zone the campaign has (or the one the patch gives it).
    const moved = await api("PATCH", `/campaigns/${res.body.id}`, {
      body: { ends_at: "2026-03-20", timezone: "Europe/Paris" },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.ends_at).toBe("2026-03-20T22:59:59.999Z");
    // An end before the start: in one body, or against the start already stored.
    const backwards = await api("POST", "/campaigns", {
      body: {
        name: "Back",
        objective: "sales",
        currency: "EUR",
        starts_at: "2026-03-10",
        ends_at: "2026-03-01",
      },
    });
    expectError(backwards, 422, "validation_failed");
    // The message says what is wrong; the detail names the field and the reason.
    expect(backwards.body.error.message).toBe(
      "The end is before the start: ends_at must not be before starts_at.",
    );
    expect(backwards.body.error.details).toEqual([
      { path: "ends_at", message: "The end is before the start.", reason: "end_before_start" },
    ]);
    expectError(
      await api("PATCH", `/campaigns/${res.body.id}`, { body: { ends_at: "2026-02-01" } }),
      422,
      "validation_failed",
    );
    // Nothing was changed by the refused patch.
    expect((await api("GET", `/campaigns/${res.body.id}`)).body.ends_at).toBe("2026-03-20T22:59:59.999Z");
    // A made-up currency has the shape of a code but is none.
    expectError(
      await api("POST", "/campaigns", { body: { name: "X", objective: "sales", currency: "ABC" } }),
      422,
      "validation_failed",
    );
  });

  it("takes budget, window, EMV CPM and goals on metrics it knows", async () => {
    const campaign = await createCampaign({
      budget: 500000,
      attribution_window_days: 7,
      emv_cpm: 1250,
      goals: [
        { metric: "conversions", target: 100, due: "2026-12-31T00:00:00Z" },
        // Times are answered in UTC whatever offset they came with.
        { metric: "revenue", target: 500000, due: "2026-12-31T02:00:00+02:00" },
      ],
    });
    const goals = [
      { metric: "conversions", target: 100, due: "2026-12-31T00:00:00.000Z" },
      { metric: "revenue", target: 500000, due: "2026-12-31T00:00:00.000Z" },
    ];
    expect(campaign).toMatchObject({ budget: 500000, attribution_window_days: 7, emv_cpm: 1250, goals });
    expect((await api("GET", `/campaigns/${campaign.id}`)).body.goals).toEqual(goals);
    const patched = await api("PATCH", `/campaigns/${campaign.id}`, {
      body: { goals: [{ metric: "clicks", target: 10, due: "2027-01-01T05:30:00+05:30" }] },
    });
    expect(patched.body.goals).toEqual([{ metric: "clicks", target: 10, due: "2027-01-01T00:00:00.000Z" }]);
    expectError(
      await api("POST", "/campaigns", {
        body: { name: "G", objective: "sales", currency: "EUR", goals: [{ metric: "vibes", target: 1 }] },
      }),
      422,
      "validation_failed",
    );
  });

  it("patches fields but never the currency", async () => {
    const campaign = await createCampaign();
    const res = await api("PATCH", `/campaigns/${campaign.id}`, { body: { name: "Renamed", budget: null } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Renamed", budget: null, currency: "EUR" });
    expectError(
      await api("PATCH", `/campaigns/${campaign.id}`, { body: { currency: "USD" } }),
      422,
      "validation_failed",
    );
    expectError(
      await api("PATCH", "/campaigns/cmp_missing", { body: { name: "x" } }),
      404,
      "campaign_not_found",
    );
    expectError(await api("GET", "/campaigns/cmp_missing"), 404, "campaign_not_found");
  });

  it("enrols an influencer with costs; a second PUT replaces only what it sends", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const path = `/campaigns/${campaign.id}/influencers/${influencer.id}`;
    const first = await api("PUT", path, { body: { fee: 150000, commission_rate: 0.1 } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      fee: 150000,
      commission_rate: 0.1,
      other_costs: 0,
      commission_per_sale: 0,
      commission_per_lead: 0,
      holding_days: 30,
    });
    const second = await api("PUT", path, {
      body: { other_costs: 2500, commission_per_sale: 300, commission_per_lead: 75, holding_days: 0 },
    });
    expect(second.body).toMatchObject({
      fee: 150000,
      commission_rate: 0.1,
      other_costs: 2500,
      commission_per_sale: 300,
      commission_per_lead: 75,
      holding_days: 0,
    });
    for (const bad of [
      { holding_days: 366 },
      { holding_days: -1 },
      { holding_days: 1.5 },
      { commission_per_sale: -1 },
    ]) {
      expectError(await api("PUT", path, { body: bad }), 422, "validation_failed");
    }
    expectError(await api("PUT", path, { body: { commission_rate: 1.5 } }), 422, "validation_failed");
    expectError(await api("PUT", path, { body: { fee: -1 } }), 422, "validation_failed");
    expectError(
      await api("PUT", `/campaigns/${campaign.id}/influencers/inf_missing`, { body: {} }),
      404,
      "influencer_not_found",
    );
    const list = await api("GET", `/campaigns/${campaign.id}/influencers`);
    expect(list.body.data).toEqual([
      expect.objectContaining({ influencer_id: influencer.id, other_costs: 2500 }),
    ]);
  });

  it("lists a campaign's enrolments a page at a time, each once", async () => {
    const campaign = await createCampaign();
    const enrolled: string[] = [];
    for (let i = 0; i < 5; i++) {
      const influencer = await createInfluencer();
      await api("PUT", `/campaigns/${campaign.id}/influencers/${influencer.id}`, { body: {} });
      enrolled.push(influencer.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const res = await api("GET", `/campaigns/${campaign.id}/influencers${query}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((e: { influencer_id: string }) => e.influencer_id));
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual([...enrolled].sort());
    expectError(
      await api("GET", `/campaigns/${campaign.id}/influencers?limit=101`),
      422,
      "validation_failed",
    );
    expectError(await api("GET", `/campaigns/${campaign.id}/influencers?cursor=nope`), 422, "invalid_cursor");
  });

  it("refuses a link, code, post or enrolment for an unknown campaign or influencer, the campaign named first", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const issue = (campaignId: string, influencerId: string) => [
      api("POST", "/links", {
        body: { campaign_id: campaignId, influencer_id: influencerId, url: "https://shop.example/" },
      }),
      api("POST", "/codes", {
        body: { code: `NOPE${Date.now() % 100000}`, campaign_id: campaignId, influencer_id: influencerId },
      }),
      api("POST", "/posts", {
        body: { campaign_id: campaignId, influencer_id: influencerId, url: "https://instagram.com/p/x" },
      }),
      api("PUT", `/campaigns/${campaignId}/influencers/${influencerId}`, { body: {} }),
    ];
    for (const res of await Promise.all(issue("cmp_missing", "inf_missing"))) {
      expectError(res, 404, "campaign_not_found");
    }
    for (const res of await Promise.all(issue("cmp_missing", influencer.id))) {
      expectError(res, 404, "campaign_not_found");
    }
    for (const res of await Promise.all(issue(campaign.id, "inf_missing"))) {
      expectError(res, 404, "influencer_not_found");
    }
    // Nothing was enrolled on the way.
    expect((await api("GET", `/campaigns/${campaign.id}/influencers`)).body.data).toEqual([]);
  });
});

describe("influencers", () => {
  it("creates, strips a leading @, and refuses a second account with the same handle", async () => {
    const res = await api("POST", "/influencers", {
      body: { handle: "@lea.cuisine", platform: "tiktok", name: "Léa", followers: 120000 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      handle: "lea.cuisine",
      platform: "tiktok",
      name: "Léa",
      followers: 120000,
    });
    expect(res.body.id).toMatch(/^inf_/);
    expectError(
      await api("POST", "/influencers", { body: { handle: "lea.cuisine", platform: "tiktok" } }),
      409,
      "influencer_taken",
    );
    // The same handle on another platform is another account.
    expect(
      (await api("POST", "/influencers", { body: { handle: "lea.cuisine", platform: "youtube" } })).status,
    ).toBe(201);
    expectError(
      await api("POST", "/influencers", { body: { handle: "x", platform: "myspace" } }),
      422,
      "validation_failed",
    );
  });

  it("lists by platform, patches, and records follower snapshots", async () => {
    const influencer = await createInfluencer({ platform: "twitch" });
    const list = await api("GET", "/influencers?platform=twitch&limit=100");
    expect(list.body.data.every((i: { platform: string }) => i.platform === "twitch")).toBe(true);
    expect(list.body.data.map((i: { id: string }) => i.id)).toContain(influencer.id);

    const patched = await api("PATCH", `/influencers/${influencer.id}`, {
      body: { followers: 5000, name: "Max" },
    });
    expect(patched.body).toMatchObject({ followers: 5000, name: "Max" });

    const snap = await api("POST", `/influencers/${influencer.id}/followers`, {
      body: { count: 5100, captured_at: "2026-11-01T12:00:00Z" },
    });
    expect(snap.status).toBe(201);
    expect(snap.body).toMatchObject({
      influencer_id: influencer.id,
      count: 5100,
      captured_at: "2026-11-01T12:00:00.000Z",
    });
    const snaps = await api("GET", `/influencers/${influencer.id}/followers`);
    expect(snaps.body.data).toHaveLength(1);
    expectError(
      await api("POST", `/influencers/${influencer.id}/followers`, { body: { count: -5 } }),
      422,
      "validation_failed",
    );
    expectError(
      await api("POST", "/influencers/inf_missing/followers", { body: { count: 5 } }),
      404,
      "influencer_not_found",
    );
  });
});
