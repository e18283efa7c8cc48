import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runRollup } from "../../src/rollup/rollup";
import {
  behaviourMessage,
  behaviourOf,
  campaignWithLinks,
  engagement,
  pageView,
  type Visit,
  visit,
} from "../support/behaviour-helpers";
import { api, createKey, saleByClick } from "../support/helpers";
import { backfillStatements } from "../support/migrations";
import { CRAWLER, capturedClick, clicksMessage, deliver } from "../support/queue-helpers";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DIMENSIONS = ["country", "device", "browser", "os", "referer"] as const;
const WINDOWS_CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

type Row = Record<string, unknown> & { value: string | null; sessions: number };

async function rollUpAll() {
  for (;;) {
    const report = await runRollup(env.DB, Date.now);
    expect(report.status).toBe("ok");
    if (report.caught_up) return;
  }
}

async function breakdown(campaignId: string, by: string, query = ""): Promise<Row[]> {
  const res = await api("GET", `/campaigns/${campaignId}/breakdown?by=${by}${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.rows;
}

// Each row's session figures, by value, leaving out the click figures.
async function sessionsBy(campaignId: string, by: string, query = "") {
  return Object.fromEntries(
    (await breakdown(campaignId, by, query))
      .filter((r) => r.sessions !== 0)
      .map((r) => [
        r.value,
        [r.sessions, r.engaged_sessions, r.returning_sessions, r.pages_per_session, r.avg_engaged_seconds],
      ]),
  );
}

// Under every dimension, the rows' session figures add up to the summary's over the same days.
async function expectRowsAddUpToSummary(campaignId: string, query = "") {
  const summary = await behaviourOf(campaignId, query.replace(/^&/, ""));
  for (const by of DIMENSIONS) {
    const rows = await breakdown(campaignId, by, query);
    const sum = (f: (r: Row) => number) => rows.reduce((n, r) => n + f(r), 0);
    const sessions = sum((r) => r.sessions);
    expect(sessions, by).toBe(summary.sessions);
    expect(
      sum((r) => r.engaged_sessions as number),
      by,
    ).toBe(summary.engaged_sessions);
    expect(
      sum((r) => r.returning_sessions as number),
      by,
    ).toBe(summary.returning_sessions);
    const pageViews = sum((r) => ((r.pages_per_session as number | null) ?? 0) * r.sessions);
    expect(pageViews, by).toBeCloseTo(((summary.pages_per_session as number | null) ?? 0) * sessions, 9);
    const seconds = sum((r) => ((r.avg_engaged_seconds as number | null) ?? 0) * r.sessions);
    expect(seconds, by).toBeCloseTo(((summary.avg_engaged_seconds as number | null) ?? 0) * sessions, 9);
  }
}

// The click of a visit as the redirect captured it, from Windows Chrome in `country` via `referer`.
const clickOf = (
  v: Visit,
  campaignId: string,
  influencerId: string,
  country: string,
  referer: string | null,
) =>
  clicksMessage(
    capturedClick({
      id: v.clickId,
      link_id: v.linkId,
      campaign_id: campaignId,
      influencer_id: influencerId,
      clicked_at: v.clickedAt,
      country,
      user_agent: WINDOWS_CHROME,
      referer_host: referer,
    }),
  );

describe("visitor sessions in the breakdowns", () => {
  it("leave out the sessions of bot clicks, also when the bot's click arrives after its session was counted", async () => {
    const { campaignId, influencers } = await campaignWithLinks("UTC");
    const { id: influencerId, linkId } = influencers[0] as { id: string; linkId: string };
    const landedAt = Date.now() - 3 * HOUR;
    const human = visit(linkId, landedAt - MINUTE);
    const crawler = visit(linkId, landedAt - MINUTE);
    const botClick = (v: Visit) =>
      clicksMessage(
        capturedClick({
          id: v.clickId,
          link_id: v.linkId,
          campaign_id: campaignId,
          influencer_id: influencerId,
          clicked_at: v.clickedAt,
          user_agent: CRAWLER,
        }),
      );
    await deliver([clickOf(human, campaignId, influencerId, "DE", null)]);
    await deliver([
      behaviourMessage(human, [pageView("view-0001", landedAt)]),
      behaviourMessage(crawler, [pageView("view-0001", landedAt), engagement("view-0001", 30)]),
    ]);
    await rollUpAll();
    // The crawler's click is not in D1 yet: its session counts, under unknown, for now.
    expect((await behaviourOf(campaignId)).sessions).toBe(2);
    await deliver([botClick(crawler)]);
    await rollUpAll();
    expect(await behaviourOf(campaignId)).toMatchObject({ sessions: 1, engaged_sessions: 0 });
    expect(await sessionsBy(campaignId, "country")).toEqual({ DE: [1, 0, 0, 1, 0] });
    await expectRowsAddUpToSummary(campaignId);
    // More of the bot's visit changes nothing.
    await deliver([behaviourMessage(crawler, [pageView("view-0002", landedAt + MINUTE)])]);
    await rollUpAll();
    expect((await behaviourOf(campaignId)).sessions).toBe(1);
  });

  it("count under their click's values, a late click's sessions under unknown until it is rolled up", async () => {
    const { campaignId, influencers } = await campaignWithLinks("UTC");
    const { id: influencerId, linkId } = influencers[0] as { id: string; linkId: string };
    const landedAt = Date.now() - 3 * HOUR;
    const early = visit(linkId, landedAt - MINUTE);
    const late = visit(linkId, landedAt - MINUTE);
    // The first visit's click is in D1 before its session; the second's arrives after its session
    // was rolled up.
    await deliver([clickOf(early, campaignId, influencerId, "DE", "l.instagram.com")]);
    const earlyBeacons = [
      behaviourMessage(early, [pageView("view-0001", landedAt), engagement("view-0001", 12)]),
      behaviourMessage(early, [pageView("view-0002", landedAt + MINUTE)], true),
    ];
    const lateBeacons = [
      behaviourMessage(late, [pageView("view-0001", landedAt), engagement("view-0001", 3)]),
    ];
    await deliver([...earlyBeacons, ...lateBeacons]);
    await rollUpAll();

    expect(await sessionsBy(campaignId, "country")).toEqual({
      DE: [1, 1, 1, 2, 12],
      unknown: [1, 0, 0, 1, 3],
    });
    expect(await sessionsBy(campaignId, "referer")).toEqual({
      "l.instagram.com": [1, 1, 1, 2, 12],
      unknown: [1, 0, 0, 1, 3],
    });
    await expectRowsAddUpToSummary(campaignId);

    // The late click arrives, with nothing new of its session: rolling the click up moves it.
    await deliver([clickOf(late, campaignId, influencerId, "FR", null)]);
    await rollUpAll();
    const settled = {
      country: { DE: [1, 1, 1, 2, 12], FR: [1, 0, 0, 1, 3] },
      device: { desktop: [2, 1, 1, 1.5, 7.5] },
      browser: { Chrome: [2, 1, 1, 1.5, 7.5] },
      os: { Windows: [2, 1, 1, 1.5, 7.5] },
      referer: { "l.instagram.com": [1, 1, 1, 2, 12], unknown: [1, 0, 0, 1, 3] },
    };
    for (const by of DIMENSIONS) expect(await sessionsBy(campaignId, by), by).toEqual(settled[by]);
    // Everything delivered again, and the rollup run twice, change nothing.
    await deliver([clickOf(late, campaignId, influencerId, "FR", null), ...earlyBeacons, ...lateBeacons]);
    await rollUpAll();
    await rollUpAll();
    for (const by of DIMENSIONS) expect(await sessionsBy(campaignId, by), by).toEqual(settled[by]);
    // The session left the unknown country with nothing: no row of zeros stays behind.
    expect((await breakdown(campaignId, "country")).map((r) => r.value)).toEqual(["DE", "FR"]);
    await expectRowsAddUpToSummary(campaignId);
  });

  it("move a session to its day and its engagement by difference, and keep its values once its click is pruned", async () => {
    const { campaignId, influencers } = await campaignWithLinks("Asia/Tokyo");
    const { id: influencerId, linkId } = influencers[0] as { id: string; linkId: string };
    // Tokyo (UTC+9, no daylight saving) starts the day of the UTC midnight `midnight` 9 h before it.
    const midnight = Math.floor((Date.now() - 2 * DAY) / DAY) * DAY;
    const boundary = midnight - 9 * HOUR;
    const firstDay = new Date(midnight - DAY).toISOString().slice(0, 10);
    const secondDay = new Date(midnight).toISOString().slice(0, 10);
    const v = visit(linkId, boundary - 2 * HOUR);
    await deliver([clickOf(v, campaignId, influencerId, "PT", "www.tiktok.com")]);
    // A page view at 00:30 on the second day is rolled up first; the landing page, at 23:50 on the
    // first day, comes later.
    await deliver([behaviourMessage(v, [pageView("view-0002", boundary + 30 * MINUTE)])]);
    await rollUpAll();
    const onDay = (day: string) => sessionsBy(campaignId, "country", `&from=${day}&to=${day}`);
    expect(await onDay(firstDay)).toEqual({});
    expect(await onDay(secondDay)).toEqual({ PT: [1, 0, 0, 1, 0] });

    await deliver([behaviourMessage(v, [pageView("view-0001", boundary - 10 * MINUTE)])]);
    await rollUpAll();
    expect(await onDay(firstDay)).toEqual({ PT: [1, 1, 0, 2, 0] });
    expect(await onDay(secondDay)).toEqual({});
    for (const day of [firstDay, secondDay])
      await expectRowsAddUpToSummary(campaignId, `&from=${day}&to=${day}`);

    // The click is pruned (as retention would); then a sale through it and more engaged time
    // arrive, and the session is rolled again: it stays under its click's values.
    await env.DB.prepare("DELETE FROM clicks WHERE id = ?").bind(v.clickId).run();
    const checkout = (await createKey("checkout")).key;
    expect((await saleByClick(checkout, v.clickId, 4000)).status).toBe(201);
    await deliver([behaviourMessage(v, [engagement("view-0001", 20)])]);
    await rollUpAll();
    expect(await sessionsBy(campaignId, "referer")).toEqual({ "www.tiktok.com": [1, 1, 0, 2, 20] });
    await expectRowsAddUpToSummary(campaignId);
  });
});

describe("sessions rolled up before breakdowns had them", () => {
  it("are added under unknown by the migration, then moved to their click's values by the next run", async () => {
    const { campaignId, influencers } = await campaignWithLinks("UTC");
    const { id: influencerId, linkId } = influencers[0] as { id: string; linkId: string };
    const landedAt = Date.now() - 2 * HOUR;
    const v = visit(linkId, landedAt - MINUTE);
    await deliver([clickOf(v, campaignId, influencerId, "NL", "l.instagram.com")]);
    await deliver([behaviourMessage(v, [pageView("view-0001", landedAt), engagement("view-0001", 11)])]);
    await rollUpAll();
    const summary = await behaviourOf(campaignId);
    // As the rollup left things before this change: no session in a breakdown row, no copy.
    await env.DB.batch([
      env.DB.prepare(
        `UPDATE rollup_breakdown_daily SET sessions = 0, engaged_sessions = 0, returning_sessions = 0,
                page_views = 0, engaged_seconds = 0 WHERE campaign_id = ?`,
      ).bind(campaignId),
      env.DB.prepare(
        "UPDATE visitor_sessions SET country = NULL, device = NULL, browser = NULL, os = NULL, referer_host = NULL WHERE id = ?",
      ).bind(v.sessionId),
    ]);
    expect(await sessionsBy(campaignId, "country")).toEqual({});

    await env.DB.batch(backfillStatements("session_breakdowns").map((q) => env.DB.prepare(q)));
    expect(await sessionsBy(campaignId, "country")).toEqual({ unknown: [1, 1, 0, 1, 11] });
    await expectRowsAddUpToSummary(campaignId);
    await rollUpAll();
    expect(await sessionsBy(campaignId, "country")).toEqual({ NL: [1, 1, 0, 1, 11] });
    expect(await sessionsBy(campaignId, "referer")).toEqual({ "l.instagram.com": [1, 1, 0, 1, 11] });
    expect(await behaviourOf(campaignId)).toEqual(summary);
    await expectRowsAddUpToSummary(campaignId);
  });
});
