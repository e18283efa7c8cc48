import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pruneRolledUpSessions } from "../../src/rollup/retention";
import { runRollup } from "../../src/rollup/rollup";
import { pruneTrackRequests, TRACK_WINDOW_MS } from "../../src/track/track-throttle";
import {
  behaviourMessage,
  campaignWithLinks,
  engagement,
  pageView,
  type Visit,
  visit,
} from "../support/behaviour-helpers";
import { api } from "../support/helpers";
import { capturedClick, clicksMessage, deliver } from "../support/queue-helpers";

const DAY_MS = 86_400_000;
const NOW = Date.now();
const daysAgo = (n: number) => NOW - n * DAY_MS;

async function rollUpAll() {
  while (!(await runRollup(env.DB, () => NOW)).caught_up) {}
}

// Every figure a campaign shows of its sessions: the summary, the timeseries and each breakdown.
async function figures(campaignId: string) {
  const summary = await api("GET", `/campaigns/${campaignId}/summary`);
  const from = new Date(daysAgo(20)).toISOString().slice(0, 10);
  // Through NOW's day, not the default today: the figures are compared before and after, and
  // a UTC midnight between them would add a day.
  const to = new Date(NOW).toISOString().slice(0, 10);
  const series = await api("GET", `/campaigns/${campaignId}/timeseries?from=${from}&to=${to}`);
  const breakdowns = await Promise.all(
    ["country", "device", "referer"].map((by) => api("GET", `/campaigns/${campaignId}/breakdown?by=${by}`)),
  );
  for (const res of [summary, series, ...breakdowns]) expect(res.status, JSON.stringify(res.body)).toBe(200);
  return {
    totals: summary.body.totals,
    points: series.body.points,
    rows: breakdowns.map((b) => b.body.rows),
  };
}

async function sessionsLeft(visits: Visit[]) {
  const ids = JSON.stringify(visits.map((v) => v.sessionId));
  const sessions = await env.DB.prepare(
    "SELECT id FROM visitor_sessions WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
  )
    .bind(ids)
    .all<{ id: string }>();
  const views = await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM page_views WHERE session_id IN (SELECT value FROM json_each(?))",
  )
    .bind(ids)
    .first<{ n: number }>();
  return { sessions: sessions.results.map((r) => r.id), page_views: views?.n };
}

describe("session retention", () => {
  it("prunes old rolled-up sessions and their page views only, in bounded batches; no figure changes", async () => {
    const { campaignId, influencers } = await campaignWithLinks("UTC");
    const { id: influencerId, linkId } = influencers[0] as { id: string; linkId: string };
    const at = (days: number) => {
      const v = visit(linkId, daysAgo(days));
      return {
        v,
        click: capturedClick({
          id: v.clickId,
          link_id: linkId,
          campaign_id: campaignId,
          influencer_id: influencerId,
          clicked_at: v.clickedAt,
        }),
      };
    };
    const old = [at(10), at(9), at(8)];
    const recent = at(1);
    const noPageView = at(7);
    await deliver([clicksMessage(...[...old, recent, noPageView].map((x) => x.click))]);
    await deliver([
      ...old.map(({ v }) =>
        behaviourMessage(v, [
          pageView("view-0001", v.clickedAt + 1000),
          pageView("view-0002", v.clickedAt + 5000),
        ]),
      ),
      behaviourMessage(recent.v, [
        pageView("view-0001", recent.v.clickedAt + 1000),
        engagement("view-0001", 30),
      ]),
      behaviourMessage(noPageView.v, [engagement("view-0001", 4)]),
    ]);
    await rollUpAll();
    // Old, but arrives after the rollup: not rolled up yet, so kept.
    const late = at(9);
    await deliver([behaviourMessage(late.v, [pageView("view-0001", late.v.clickedAt + 1000)])]);
    const before = await figures(campaignId);
    expect(before.totals).toMatchObject({ sessions: 4, engaged_sessions: 4 });

    const options = { retentionDays: 3, batchRows: 2, maxBatches: 1 };
    const first = await pruneRolledUpSessions(env.DB, () => NOW, options);
    expect(first.visitor_sessions.deleted).toBeLessThanOrEqual(2);
    expect(first.visitor_sessions.caught_up).toBe(false);
    let report = first;
    while (!report.visitor_sessions.caught_up)
      report = await pruneRolledUpSessions(env.DB, () => NOW, options);

    const all = [...old, recent, noPageView, late].map((x) => x.v);
    expect(await sessionsLeft(all)).toEqual({
      sessions: [recent.v.sessionId, late.v.sessionId],
      page_views: 2,
    });
    expect(await figures(campaignId)).toEqual(before);

    // Once rolled up, the late session goes too, and the figures still count it.
    await rollUpAll();
    const rolled = await figures(campaignId);
    expect(rolled.totals).toMatchObject({ sessions: 5 });
    await pruneRolledUpSessions(env.DB, () => NOW, { retentionDays: 3, batchRows: 100, maxBatches: 5 });
    expect(await sessionsLeft(all)).toEqual({ sessions: [recent.v.sessionId], page_views: 1 });
    expect(await figures(campaignId)).toEqual(rolled);
    // A late engagement report for a pruned session starts it again, with no page view: it counts
    // nothing.
    await deliver([behaviourMessage(old[0]?.v as Visit, [engagement("view-0002", 40)])]);
    await rollUpAll();
    expect(await figures(campaignId)).toEqual(rolled);
  });

  it("prunes the throttle's rows once out of every window, a bounded batch at a time", async () => {
    const now = Date.now() + 1000 * DAY_MS;
    const rows = [
      now - TRACK_WINDOW_MS - 3,
      now - TRACK_WINDOW_MS - 2,
      now - TRACK_WINDOW_MS,
      now - TRACK_WINDOW_MS + 1,
      now,
    ];
    for (const [i, createdAt] of rows.entries()) {
      await env.DB.prepare("INSERT INTO track_requests (visitor, session, created_at) VALUES (?, ?, ?)")
        .bind(`clk_prune_${i}`, null, createdAt)
        .run();
    }
    const left = async () =>
      (
        await env.DB.prepare(
          "SELECT created_at FROM track_requests WHERE visitor LIKE 'clk_prune_%' ORDER BY created_at",
        ).all<{
          created_at: number;
        }>()
      ).results.map((r) => r.created_at);
    const first = await pruneTrackRequests(env.DB, now, { batchRows: 1, maxBatches: 2 });
    expect(first).toMatchObject({ batches: 2, caught_up: false });
    let report = first;
    while (!report.caught_up) report = await pruneTrackRequests(env.DB, now, { batchRows: 1, maxBatches: 2 });
    expect(await left()).toEqual(rows.slice(3));
  });
});
