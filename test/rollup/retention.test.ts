import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newClickId } from "../../src/clicks/click-id";
import { DEFAULT_RETENTION_DAYS, pruneRolledUpClicks, retentionDaysFrom } from "../../src/rollup/retention";
import { runRollup } from "../../src/rollup/rollup";
import worker from "../../workers/index";
import { api, createKey, createLink, unique } from "../support/helpers";
import { CRAWLER, capturedClick, clicksMessage, deliver } from "../support/queue-helpers";

const DAY_MS = 86_400_000;
// The fake "now" of the pruning; clicks are dated relative to it.
const NOW = Date.now();
const daysAgo = (n: number) => NOW - n * DAY_MS;
const visitor = (n: number) => n.toString(16).padStart(64, "0");

async function rollUpAll() {
  while (!(await runRollup(env.DB, () => NOW)).caught_up) {}
}

async function countOf(table: "clicks" | "click_uniques", linkId: string) {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE link_id = ?`)
    .bind(linkId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function summary(campaignId: string) {
  const res = await api("GET", `/campaigns/${campaignId}/summary`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // as_of moves with every rollup run; the figures are what must not change.
  const { as_of: _asOf, ...figures } = res.body;
  return figures;
}

function saleByClick(key: string, clickId: string | undefined, at: number, amount: number) {
  return api("POST", "/conversions", {
    key,
    body: {
      type: "sale",
      customer_id: unique("c"),
      click_id: clickId,
      order_id: unique("ord"),
      amount,
      currency: "EUR",
      occurred_at: new Date(at).toISOString(),
    },
  });
}

describe("click retention", () => {
  it("prunes old rolled-up clicks and uniques only, in bounded batches, and the summary stays the same", async () => {
    const link = await createLink();
    const ids = { link_id: link.id, campaign_id: link.campaign_id, influencer_id: link.influencer_id };
    const clickAt = (n: number, at: number, extra = {}) =>
      capturedClick({
        ...ids,
        id: newClickId(env.SIGNING_SECRET, link.id, at),
        clicked_at: at,
        visitor_hash: visitor(n),
        ...extra,
      });
    const old = daysAgo(10);
    const oldClicks = [
      clickAt(1, old),
      clickAt(1, old + 1000), // the same visitor again: one unique
      clickAt(2, old + 2000),
      clickAt(3, old + 3000, { user_agent: CRAWLER }),
      clickAt(4, daysAgo(6)),
    ];
    const recent = [clickAt(1, daysAgo(1)), clickAt(5, NOW - 1000)];
    await deliver([clicksMessage(...oldClicks, ...recent)]);
    // A sale by the first old click, inside the campaign's 30-day window.
    const checkout = (await createKey("checkout")).key;
    const sale = await saleByClick(checkout, oldClicks[0]?.id, old + 60_000, 2500);
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    await rollUpAll();
    // Arrives after the rollup: old, but not rolled up yet.
    const late = clickAt(6, daysAgo(9));
    await deliver([clicksMessage(late)]);
    const before = await summary(link.campaign_id);
    expect(before.totals).toMatchObject({ clicks: 6, bot_clicks: 1, unique_clicks: 5, revenue: 2500 });
    expect(await countOf("clicks", link.id)).toBe(8);
    expect(await countOf("click_uniques", link.id)).toBe(6);

    // Tiny batches: a run is bounded and the next one continues.
    const options = { retentionDays: 3, batchRows: 2, maxBatches: 1 };
    const first = await pruneRolledUpClicks(env.DB, () => NOW, options);
    expect(first.before_day).toBe(new Date(daysAgo(3)).toISOString().slice(0, 10));
    expect(first.clicks.deleted).toBeLessThanOrEqual(2);
    expect(first.clicks.caught_up).toBe(false);
    let report = first;
    while (!report.clicks.caught_up || !report.click_uniques.caught_up) {
      report = await pruneRolledUpClicks(env.DB, () => NOW, options);
    }

    // Left: the two recent clicks and the late one the rollup has not read yet.
    const left = await env.DB.prepare("SELECT id FROM clicks WHERE link_id = ? ORDER BY clicked_at")
      .bind(link.id)
      .all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual([late.id, ...recent.map((c) => c.id)]);
    expect(await countOf("click_uniques", link.id)).toBe(3);
    expect(await summary(link.campaign_id)).toEqual(before);

    // A sale by a pruned click id is still attributed: the id itself names the link and time.
    const afterPrune = await saleByClick(checkout, oldClicks[2]?.id, old + 120_000, 1000);
    expect(afterPrune.status).toBe(201);
    expect(afterPrune.body).toMatchObject({ influencer_id: link.influencer_id, link_id: link.id });

    // Once rolled up, the late click is pruned too, and the figures still count it.
    await rollUpAll();
    const rolled = await summary(link.campaign_id);
    expect(rolled.totals).toMatchObject({ clicks: 7, unique_clicks: 6, revenue: 3500 });
    await pruneRolledUpClicks(env.DB, () => NOW, { retentionDays: 3, batchRows: 100, maxBatches: 5 });
    // Except that the late click, the table's newest row, stays until a newer one arrives.
    expect(await countOf("clicks", link.id)).toBe(3);
    await deliver([clicksMessage(clickAt(7, NOW - 500))]);
    await pruneRolledUpClicks(env.DB, () => NOW, { retentionDays: 3, batchRows: 100, maxBatches: 5 });
    expect(await countOf("clicks", link.id)).toBe(3); // the two recent ones and the newest
    expect(await summary(link.campaign_id)).toEqual(rolled);
  });

  it("never frees the newest rowid, so clicks that arrive after a prune are still rolled up", async () => {
    const link = await createLink();
    const ids = { link_id: link.id, campaign_id: link.campaign_id, influencer_id: link.influencer_id };
    const clickAt = (n: number, at: number) =>
      capturedClick({
        ...ids,
        id: newClickId(env.SIGNING_SECRET, link.id, at),
        clicked_at: at,
        visitor_hash: visitor(100 + n),
      });
    // The table's newest rows are all old and rolled up: pruning them all would let SQLite hand
    // their rowids out again, at or below the rollup's watermark.
    await deliver([
      clicksMessage(clickAt(1, daysAgo(20)), clickAt(2, daysAgo(20) + 1), clickAt(3, daysAgo(20) + 2)),
    ]);
    await rollUpAll();
    while (true) {
      const r = await pruneRolledUpClicks(env.DB, () => NOW, {
        retentionDays: 3,
        batchRows: 100,
        maxBatches: 5,
      });
      if (r.clicks.caught_up && r.click_uniques.caught_up) break;
    }
    await deliver([clicksMessage(clickAt(4, NOW - 5000))]);
    await rollUpAll();
    expect((await summary(link.campaign_id)).totals).toMatchObject({ clicks: 4, unique_clicks: 4 });
  });

  it("reads CLICK_RETENTION_DAYS from wrangler.toml and refuses a value that is not a whole number of days", () => {
    expect(env.CLICK_RETENTION_DAYS).toBe("400");
    expect(retentionDaysFrom(env.CLICK_RETENTION_DAYS)).toBe(400);
    expect(retentionDaysFrom(undefined)).toBe(DEFAULT_RETENTION_DAYS);
    expect(retentionDaysFrom(" ")).toBe(DEFAULT_RETENTION_DAYS);
    for (const bad of ["abc", "400d", "12.5", "-1", "7", "365"]) {
      expect(() => retentionDaysFrom(bad)).toThrow(/CLICK_RETENTION_DAYS must be a whole number/);
    }
  });

  it("runs after the rollup on the cron; a bad setting fails the retention task alone, clearly", async () => {
    const good = Date.UTC(2026, 10, 25, 9, 0);
    await worker.scheduled(createScheduledController({ scheduledTime: good, cron: "*/5 * * * *" }), env);
    const bad = Date.UTC(2026, 10, 25, 9, 5);
    await worker.scheduled(createScheduledController({ scheduledTime: bad, cron: "*/5 * * * *" }), {
      ...env,
      CLICK_RETENTION_DAYS: "four hundred",
    });
    const runs = await env.DB.prepare(
      "SELECT scheduled_at, status, detail FROM job_runs WHERE scheduled_at IN (?, ?) ORDER BY scheduled_at",
    )
      .bind(good, bad)
      .all<{ status: string; detail: string }>();
    const [okRun, failedRun] = runs.results;
    expect(okRun?.status).toBe("ok");
    const okDetail = JSON.parse(okRun?.detail ?? "{}");
    expect(Object.keys(okDetail)).toEqual([
      "rollup",
      "commissions",
      "retention",
      "track_requests",
      "customer_emails",
      "post_snapshot_days",
    ]);
    expect(okDetail.retention).toMatchObject({
      retention_days: 400,
      clicks: { deleted: expect.any(Number) },
      click_uniques: { deleted: expect.any(Number) },
      visitor_sessions: { deleted: expect.any(Number), page_views: expect.any(Number) },
    });
    expect(okDetail.track_requests).toMatchObject({ deleted: expect.any(Number), caught_up: true });
    expect(failedRun?.status).toBe("failed");
    const failedDetail = JSON.parse(failedRun?.detail ?? "{}");
    expect(failedDetail.rollup.caught_up).toBe(true);
    expect(failedDetail.retention.error).toMatch(
      /CLICK_RETENTION_DAYS must be a whole number.*"four hundred"/,
    );
    // The tasks after it still run.
    expect(failedDetail.customer_emails).toMatchObject({ scanned: expect.any(Number) });
  });
});
