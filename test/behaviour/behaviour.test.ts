import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { runRollup } from "../../src/rollup/rollup";
import { rollUpSessionChunk } from "../../src/rollup/session-rollup";
import {
  behaviourMessage,
  behaviourOf,
  campaignWithLinks,
  engagement,
  pageView,
  type Visit,
  visit,
} from "../support/behaviour-helpers";
import { order, promoCode, rollUp } from "../support/figure-helpers";
import { api, createKey, saleByClick } from "../support/helpers";
import { deliver } from "../support/queue-helpers";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function rows(sql: string, ...params: unknown[]) {
  const { results } = await env.DB.prepare(sql)
    .bind(...params)
    .all<Record<string, unknown>>();
  return results;
}

const sessionRow = async (v: Visit) =>
  (
    await rows(
      "SELECT link_id, campaign_id, influencer_id, clicked_at, started_at, day, returning_visitor FROM visitor_sessions WHERE id = ?",
      v.sessionId,
    )
  )[0];
const viewRows = (v: Visit) =>
  rows(
    "SELECT view_id, path, viewed_at, engaged_seconds FROM page_views WHERE session_id = ? ORDER BY view_id",
    v.sessionId,
  );

// One visit's beacons: the engagement of the landing page reported before the page view itself,
// cumulative engaged time reported three times, a second page.
function beacons(v: Visit, landedAt: number) {
  return [
    behaviourMessage(v, [engagement("view-0001", 4)]),
    behaviourMessage(v, [pageView("view-0001", landedAt, "/product")]),
    behaviourMessage(v, [engagement("view-0001", 9.4), pageView("view-0002", landedAt + MINUTE, "/cart")]),
    behaviourMessage(v, [engagement("view-0001", 7)]),
    behaviourMessage(v, [engagement("view-0002", 3)]),
  ];
}

describe("behaviour messages in the queue consumer", () => {
  it("write one session and its page views however often and in whatever order they arrive", async () => {
    const { campaignId, influencers } = await campaignWithLinks("UTC");
    const link = influencers[0]?.linkId as string;
    const landedAt = Date.now() - 2 * HOUR;
    const once = visit(link, landedAt - MINUTE);
    const shuffled = visit(link, landedAt - MINUTE);
    for (const body of beacons(once, landedAt)) await deliver([body]);
    // Every message twice, in reverse, the page view of the landing page last; some in one batch.
    const reversed = beacons(shuffled, landedAt).reverse();
    await deliver(reversed.slice(0, 3));
    for (const body of [...reversed, ...reversed.slice(2)]) {
      const { batch, result } = await deliver([body]);
      expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    }

    const expected = {
      link_id: link,
      campaign_id: campaignId,
      influencer_id: influencers[0]?.id,
      clicked_at: landedAt - MINUTE,
      started_at: landedAt,
      day: new Date(landedAt).toISOString().slice(0, 10),
      returning_visitor: 0,
    };
    expect(await sessionRow(once)).toEqual(expected);
    expect(await sessionRow(shuffled)).toEqual(expected);
    const views = [
      { view_id: "view-0001", path: "/product", viewed_at: landedAt, engaged_seconds: 9 },
      { view_id: "view-0002", path: "/cart", viewed_at: landedAt + MINUTE, engaged_seconds: 3 },
    ];
    expect(await viewRows(once)).toEqual(views);
    expect(await viewRows(shuffled)).toEqual(views);

    const report = await runRollup(env.DB, Date.now);
    expect(report.sources.sessions).toMatchObject({ rows: expect.any(Number), caught_up: true });
    // Two sessions of two page views each (engaged), 12 engaged seconds each.
    expect(await behaviourOf(campaignId)).toEqual({
      sessions: 2,
      engaged_sessions: 2,
      bounce_rate: 0,
      pages_per_session: 2,
      avg_engaged_seconds: 12,
      returning_sessions: 0,
    });
    // Delivered again after the rollup: counted still once.
    for (const body of beacons(once, landedAt)) await deliver([body]);
    await rollUp();
    expect((await behaviourOf(campaignId)).sessions).toBe(2);
  });

  it("keeps a session id to the click it first came with", async () => {
    const { campaignId, influencers } = await campaignWithLinks("UTC", 2);
    const landedAt = Date.now() - HOUR;
    const first = visit(influencers[0]?.linkId as string, landedAt - MINUTE);
    const other = {
      ...visit(influencers[1]?.linkId as string, landedAt - MINUTE),
      sessionId: first.sessionId,
    };
    await deliver([behaviourMessage(first, [pageView("view-0001", landedAt)])]);
    await rollUp();
    await deliver([
      behaviourMessage(other, [pageView("view-0002", landedAt - 1000), engagement("view-0001", 50)]),
    ]);
    await rollUp();
    expect(await sessionRow(first)).toMatchObject({ link_id: first.linkId, started_at: landedAt });
    expect(await viewRows(first)).toEqual([
      { view_id: "view-0001", path: "/", viewed_at: landedAt, engaged_seconds: 0 },
    ]);
    expect(await behaviourOf(campaignId)).toMatchObject({
      sessions: 1,
      pages_per_session: 1,
      avg_engaged_seconds: 0,
    });
  });

  it("drops a message whose link does not exist, with a log line, and writes nothing", async () => {
    const warn = vi.spyOn(console, "warn");
    const v = visit("lnk_doesnotexist00", Date.now() - HOUR);
    const { batch, result } = await deliver([behaviourMessage(v, [pageView("view-0001", Date.now())])]);
    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    expect(result.retryMessages).toEqual([]);
    expect(await sessionRow(v)).toBeUndefined();
    expect(await viewRows(v)).toEqual([]);
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringContaining('"event":"behaviour_link_unknown"'),
    );
    warn.mockRestore();
  });

  it("sets a malformed message aside in dead_letters", async () => {
    const { influencers } = await campaignWithLinks("UTC");
    const v = { ...visit(influencers[0]?.linkId as string, Date.now() - HOUR), sessionId: "short" };
    const { batch, result } = await deliver([behaviourMessage(v, [engagement("view-0001", 90_000)])]);
    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    const letters = await rows("SELECT reason FROM dead_letters WHERE message_id = ?", batch.messages[0]?.id);
    expect(String(letters[0]?.reason)).toMatch(
      /session_id.*events\.0\.seconds|events\.0\.seconds.*session_id/s,
    );
    expect(await sessionRow(v)).toBeUndefined();
  });

  it("keeps a visitor's wrong clock from dating a page view before its click or in the future", async () => {
    const { influencers } = await campaignWithLinks("UTC");
    const clickedAt = Date.now() - HOUR;
    const v = visit(influencers[0]?.linkId as string, clickedAt);
    const before = Date.now();
    await deliver([
      behaviourMessage(v, [
        pageView("view-0001", clickedAt - 3 * HOUR),
        pageView("view-0002", before + 48 * HOUR),
      ]),
    ]);
    const [early, late] = await viewRows(v);
    expect(early?.viewed_at).toBe(clickedAt);
    expect(late?.viewed_at).toBeGreaterThanOrEqual(before);
    expect(late?.viewed_at).toBeLessThanOrEqual(Date.now());
  });
});

describe("behaviour figures from the rollup", () => {
  it("count a session on the local day it started, in the campaign's time zone", async () => {
    const { campaignId, influencers } = await campaignWithLinks("America/New_York");
    const link = influencers[0]?.linkId as string;
    // 03:30 UTC on 21 November is 22:30 on 20 November in New York.
    const landedAt = Date.parse("2026-11-21T03:30:00Z");
    const v = visit(link, landedAt - MINUTE);
    await deliver([
      behaviourMessage(v, [pageView("view-0001", landedAt), engagement("view-0001", 25)], true),
    ]);
    await rollUp();
    expect(await behaviourOf(campaignId, "from=2026-11-20&to=2026-11-20")).toEqual({
      sessions: 1,
      engaged_sessions: 1,
      bounce_rate: 0,
      pages_per_session: 1,
      avg_engaged_seconds: 25,
      returning_sessions: 1,
    });
    expect((await behaviourOf(campaignId, "from=2026-11-21&to=2026-11-21")).sessions).toBe(0);
    const series = await api("GET", `/campaigns/${campaignId}/timeseries?from=2026-11-19&to=2026-11-21`);
    expect(series.body.points.map((p: { date: string; sessions: number }) => [p.date, p.sessions])).toEqual([
      ["2026-11-19", 0],
      ["2026-11-20", 1],
      ["2026-11-21", 0],
    ]);
    // No session: the ratios have no denominator.
    expect(series.body.points[0]).toMatchObject({
      bounce_rate: null,
      pages_per_session: null,
      avg_engaged_seconds: null,
    });
  });

  it("take late page views and engaged time of a session already rolled up, once, on the day it started", async () => {
    const { campaignId, influencers } = await campaignWithLinks("Europe/Paris");
    const link = influencers[0]?.linkId as string;
    // 00:30 in Paris on 12 November; a page view found later is from 23:50 on the 11th.
    const landedAt = Date.parse("2026-11-11T23:30:00Z");
    const earlier = Date.parse("2026-11-11T22:50:00Z");
    const v = visit(link, earlier - MINUTE);
    await deliver([behaviourMessage(v, [pageView("view-0002", landedAt), engagement("view-0002", 3)])]);
    await rollUp();
    const day11 = "from=2026-11-11&to=2026-11-11";
    const day12 = "from=2026-11-12&to=2026-11-12";
    expect(await behaviourOf(campaignId, day12)).toMatchObject({
      sessions: 1,
      engaged_sessions: 0,
      bounce_rate: 1,
    });

    await deliver([behaviourMessage(v, [engagement("view-0002", 8), pageView("view-0001", earlier)])]);
    await rollUp();
    await rollUp();
    expect((await behaviourOf(campaignId, day12)).sessions).toBe(0);
    expect(await behaviourOf(campaignId, day11)).toEqual({
      sessions: 1,
      engaged_sessions: 1,
      bounce_rate: 0,
      pages_per_session: 2,
      avg_engaged_seconds: 8,
      returning_sessions: 0,
    });
    expect(await behaviourOf(campaignId)).toMatchObject({ sessions: 1, pages_per_session: 2 });
  });

  it("make a session engaged by a sale through its click, not by a promo code, whichever is rolled up first", async () => {
    const { campaignId, influencers } = await campaignWithLinks("UTC");
    const influencer = influencers[0] as { id: string; linkId: string };
    const checkout = (await createKey("checkout")).key;
    const landedAt = Date.now() - HOUR;
    const [first, second, third] = [0, 1, 2].map(() => visit(influencer.linkId, landedAt - MINUTE)) as [
      Visit,
      Visit,
      Visit,
    ];
    // One page, 2 seconds: a bounce each, until a sale.
    for (const v of [first, second, third]) {
      await deliver([behaviourMessage(v, [pageView("view-0001", landedAt), engagement("view-0001", 2)])]);
    }
    await rollUp();
    expect(await behaviourOf(campaignId)).toMatchObject({ sessions: 3, engaged_sessions: 0, bounce_rate: 1 });
    // Sold through the first visit's click after its session was rolled up; a code order besides.
    expect((await saleByClick(checkout, first.clickId, 1000)).status).toBe(201);
    await order(await promoCode(campaignId, influencer.id), 500, new Date().toISOString());
    await rollUp();
    expect(await behaviourOf(campaignId)).toMatchObject({ sessions: 3, engaged_sessions: 1 });
    // Sold through the second visit's click and rolled up together with its next report.
    expect((await saleByClick(checkout, second.clickId, 1000)).status).toBe(201);
    await deliver([behaviourMessage(second, [engagement("view-0001", 3)])]);
    await rollUp();
    await rollUp();
    const figures = await behaviourOf(campaignId);
    expect(figures).toMatchObject({ sessions: 3, engaged_sessions: 2, avg_engaged_seconds: 7 / 3 });
    expect(figures.bounce_rate).toBeCloseTo(1 / 3, 12);
  });

  it("are in every Metrics object: influencer rows, the influencer's summary and the CSV", async () => {
    const { campaignId, influencers } = await campaignWithLinks("UTC", 2);
    const [ana, ben] = influencers as { id: string; linkId: string }[];
    const landedAt = Date.now() - HOUR;
    for (const [n, who] of [ana, ana, ben].entries()) {
      const v = visit(who?.linkId as string, landedAt - MINUTE);
      await deliver([
        behaviourMessage(v, [pageView("view-0001", landedAt), engagement("view-0001", 10 + n)], n === 1),
      ]);
    }
    await rollUp();
    const summary = await api("GET", `/campaigns/${campaignId}/summary`);
    const row = (id: string) =>
      summary.body.influencers.find((r: { influencer_id: string }) => r.influencer_id === id);
    expect(row(ana?.id as string)).toMatchObject({
      sessions: 2,
      returning_sessions: 1,
      avg_engaged_seconds: 10.5,
    });
    expect(row(ben?.id as string)).toMatchObject({
      sessions: 1,
      returning_sessions: 0,
      avg_engaged_seconds: 12,
    });
    const own = await api("GET", `/influencers/${ana?.id}/summary`);
    expect(own.body.totals).toMatchObject({ sessions: 2, engaged_sessions: 2, bounce_rate: 0 });
    const csv = await api("GET", `/campaigns/${campaignId}/report.csv?totals=true`);
    const [header, ...lines] = String(csv.body.text).trim().split("\r\n");
    const columns = (header as string).split(",");
    const total = (lines.at(-1) as string).split(",");
    const cell = (name: string) => total[columns.indexOf(name)];
    expect([
      cell("sessions"),
      cell("engaged_sessions"),
      cell("bounce_rate"),
      cell("avg_engaged_seconds"),
    ]).toEqual(["3", "3", "0.0000", "11.0000"]);
  });

  it("read only the sessions that changed, not those already rolled up", async () => {
    const { influencers } = await campaignWithLinks("UTC");
    const link = influencers[0]?.linkId as string;
    const landedAt = Date.now() - HOUR;
    const visits = Array.from({ length: 300 }, () => visit(link, landedAt - MINUTE));
    await deliver(visits.map((v) => behaviourMessage(v, [pageView("view-0001", landedAt)])));
    while (!(await runRollup(env.DB, Date.now)).caught_up);
    await deliver([behaviourMessage(visits[0] as Visit, [engagement("view-0001", 30)])]);
    const chunk = await rollUpSessionChunk(env.DB, 100, Date.now());
    expect(chunk.sessions).toBe(1);
    // The session, its page view, a sale looked up, the day's rollup rows: a few dozen rows at most.
    expect(chunk.rowsRead).toBeLessThan(100);
  });
});
