import { describe, expect, it } from "vitest";
import { enrol, order, ownDay, promoCode, refund, rollUp } from "../support/figure-helpers";
import { api, createCampaign, createInfluencer, createLink, expectError } from "../support/helpers";
import { capturedClick, clicksMessage, deliver } from "../support/queue-helpers";

const hash = (n: number) => n.toString(16).padStart(64, "0");
let visitors = 1;

// A campaign in `zone` with one influencer, one link and one code; at each instant one human click
// (a new visitor), one order of 10.00 by code and a refund of 1.00; then the rollup.
async function campaignWithEvents(zone: string, instants: string[]) {
  const campaign = await createCampaign({ timezone: zone });
  expect(campaign.timezone).toBe(zone);
  const influencer = await createInfluencer();
  await enrol(campaign.id, influencer.id);
  const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
  const code = await promoCode(campaign.id, influencer.id);
  const clicks = instants.map((at, i) =>
    capturedClick({
      id: `tz-${link.id}-${i}`,
      link_id: link.id,
      campaign_id: campaign.id,
      influencer_id: influencer.id,
      clicked_at: Date.parse(at),
      visitor_hash: hash(visitors++),
    }),
  );
  const { result } = await deliver([clicksMessage(...clicks)]);
  expect(result.explicitAcks.length).toBe(1);
  for (const at of instants) await refund(await order(code, 1_000, at), 100, at);
  await rollUp();
  return campaign;
}

// What each local day must hold, counted here from the instants sent.
function expectedByDay(zone: string, instants: string[]) {
  const days = new Map<string, number>();
  for (const at of instants) days.set(ownDay(at, zone), (days.get(ownDay(at, zone)) ?? 0) + 1);
  return days;
}

async function expectLocalDays(zone: string, instants: string[]) {
  const campaign = await campaignWithEvents(zone, instants);
  const byDay = expectedByDay(zone, instants);
  const days = [...byDay.keys()].sort();
  for (const [day, n] of byDay) {
    const summary = await api("GET", `/campaigns/${campaign.id}/summary?from=${day}&to=${day}`);
    expect(summary.status).toBe(200);
    expect(summary.body.totals, `${zone} ${day}`).toMatchObject({
      clicks: n,
      unique_clicks: n,
      conversions: n,
      revenue: n * 1_000,
      refunds: n * 100,
    });
    const breakdown = await api(
      "GET",
      `/campaigns/${campaign.id}/breakdown?by=country&from=${day}&to=${day}`,
    );
    expect(breakdown.status).toBe(200);
    expect(breakdown.body.rows).toEqual([
      expect.objectContaining({ value: "DE", clicks: n, unique_clicks: n }),
      expect.objectContaining({ value: null, reason: "no_click", conversions: n, revenue: n * 1_000 }),
    ]);
  }
  const first = days[0] as string;
  const last = days[days.length - 1] as string;
  const series = await api(
    "GET",
    `/campaigns/${campaign.id}/timeseries?interval=day&from=${first}&to=${last}`,
  );
  expect(series.status).toBe(200);
  const points = series.body.points as {
    date: string;
    clicks: number;
    conversions: number;
    revenue: number;
  }[];
  for (const point of points) {
    const n = byDay.get(point.date) ?? 0;
    expect(point, `${zone} ${point.date}`).toMatchObject({ clicks: n, conversions: n, revenue: n * 1_000 });
  }
  expect(points.map((p) => p.date)).toEqual(expect.arrayContaining(days));
  // An instant as a bound stands for the local day it falls on.
  const at = instants[0] as string;
  const byInstant = await api("GET", `/campaigns/${campaign.id}/summary?from=${at}&to=${at}`);
  expect(byInstant.body.totals.clicks).toBe(byDay.get(ownDay(at, zone)));
  return { campaign, byDay };
}

describe("a campaign's local days", () => {
  it("counts 23:30 and 00:30 in Paris on their own local days, though they share a UTC day", async () => {
    const instants = ["2026-01-14T22:30:00Z", "2026-01-14T23:30:00Z"];
    const { byDay } = await expectLocalDays("Europe/Paris", instants);
    expect([...byDay.keys()].sort()).toEqual(["2026-01-14", "2026-01-15"]);
  });

  it("moves its day edge with the October daylight-saving change in Paris (25 hours on 25 October)", async () => {
    // 23:30 and 00:30 either side of midnight before the change (+2) and after it (+1).
    const instants = [
      "2026-10-24T21:30:00Z",
      "2026-10-24T22:30:00Z",
      "2026-10-25T00:59:59Z",
      "2026-10-25T01:00:00Z",
      "2026-10-25T22:30:00Z",
      "2026-10-25T23:30:00Z",
    ];
    const { byDay } = await expectLocalDays("Europe/Paris", instants);
    expect(Object.fromEntries(byDay)).toEqual({ "2026-10-24": 1, "2026-10-25": 4, "2026-10-26": 1 });
  });

  it("keeps the half-hour offset of Asia/Kolkata (+5:30)", async () => {
    const instants = ["2026-03-10T18:00:00Z", "2026-03-10T19:00:00Z", "2026-03-11T18:29:59.999Z"];
    const { byDay } = await expectLocalDays("Asia/Kolkata", instants);
    expect(Object.fromEntries(byDay)).toEqual({ "2026-03-10": 1, "2026-03-11": 2 });
  });

  it("counts a visitor once per UTC day, on the local day of the first click", async () => {
    const campaign = await createCampaign({ timezone: "Europe/Paris" });
    const influencer = await createInfluencer();
    await enrol(campaign.id, influencer.id);
    const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
    const visitor = hash(visitors++);
    // 23:30 and 00:30 in Paris, one UTC day: the later arrives first, the earlier takes the claim.
    const click = (i: number, at: string) =>
      capturedClick({
        id: `tzu-${link.id}-${i}`,
        link_id: link.id,
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        clicked_at: Date.parse(at),
        visitor_hash: visitor,
      });
    await deliver([clicksMessage(click(1, "2026-01-14T23:30:00Z"))]);
    await deliver([clicksMessage(click(0, "2026-01-14T22:30:00Z"))]);
    await rollUp();
    const on = async (day: string) =>
      (await api("GET", `/campaigns/${campaign.id}/summary?from=${day}&to=${day}`)).body.totals;
    expect(await on("2026-01-14")).toMatchObject({ clicks: 1, unique_clicks: 1 });
    expect(await on("2026-01-15")).toMatchObject({ clicks: 1, unique_clicks: 0 });
  });

  it("takes the last N days of the dashboard as local days", async () => {
    const { lastDays } = await import("../../src/summaries/periods");
    // 23:30 UTC on 31 December is 1 January in Paris.
    const now = Date.parse("2026-12-31T23:30:00Z");
    expect(lastDays(1, now, "Europe/Paris")).toEqual({
      from: ownDay("2026-12-31T23:30:00Z", "Europe/Paris"),
    });
    expect(lastDays(1, now, "UTC")).toEqual({ from: "2026-12-31" });
  });
});

describe("the campaign's time zone", () => {
  it("is UTC unless given, stored by the name Intl resolves, and refused when Intl does not know it", async () => {
    expect((await createCampaign()).timezone).toBe("UTC");
    expect((await createCampaign({ timezone: "europe/paris" })).timezone).toBe("Europe/Paris");
    for (const timezone of ["Mars/Olympus_Mons", "+05:30", "", "Europe/Paris/x"]) {
      const res = await api("POST", "/campaigns", {
        body: { name: "Bad zone", objective: "sales", currency: "EUR", timezone },
      });
      expectError(res, 422, "validation_failed");
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: "timezone" })]);
    }
    const campaign = await createCampaign();
    expectError(
      await api("PATCH", `/campaigns/${campaign.id}`, { body: { timezone: "Nowhere" } }),
      422,
      "validation_failed",
    );
  });

  it("changes while the campaign has no events, and is locked by its first click", async () => {
    const campaign = await createCampaign();
    const patched = await api("PATCH", `/campaigns/${campaign.id}`, { body: { timezone: "Asia/Kolkata" } });
    expect(patched.status).toBe(200);
    expect(patched.body.timezone).toBe("Asia/Kolkata");
    const influencer = await createInfluencer();
    const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
    await deliver([
      clicksMessage(
        capturedClick({
          id: `tzl-${link.id}`,
          link_id: link.id,
          campaign_id: campaign.id,
          influencer_id: influencer.id,
          clicked_at: Date.parse("2026-03-10T19:00:00Z"),
        }),
      ),
    ]);
    const locked = await api("PATCH", `/campaigns/${campaign.id}`, { body: { timezone: "UTC" } });
    expectError(locked, 422, "timezone_locked");
    // Nothing else of the campaign is locked, nor is sending the zone it has.
    const same = await api("PATCH", `/campaigns/${campaign.id}`, {
      body: { timezone: "Asia/Kolkata", name: "Renamed" },
    });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ timezone: "Asia/Kolkata", name: "Renamed" });
    expectError(
      await api("PATCH", "/campaigns/cmp_unknown", { body: { timezone: "UTC" } }),
      404,
      "campaign_not_found",
    );
  });

  it("is locked by a first conversion", async () => {
    const campaign = await createCampaign({ timezone: "Europe/Paris" });
    const influencer = await createInfluencer();
    await enrol(campaign.id, influencer.id);
    const code = await promoCode(campaign.id, influencer.id);
    expect(
      (await api("PATCH", `/campaigns/${campaign.id}`, { body: { timezone: "Europe/Berlin" } })).status,
    ).toBe(200);
    await order(code, 1_000, "2026-01-14T23:30:00Z");
    expectError(
      await api("PATCH", `/campaigns/${campaign.id}`, { body: { timezone: "Europe/Paris" } }),
      422,
      "timezone_locked",
    );
  });
});
