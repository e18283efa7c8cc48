import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rollUpChunk, runRollup, sourceNamed } from "../src/rollup/rollup";
import worker from "../workers/index";
import { api, createKey, createLink, follow, unique, waitForClicks } from "./helpers";
import { fromRawEvents, rolledUp } from "./rollup-recompute";

const PHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

async function someTraffic() {
  const link = await createLink();
  const other = await createLink({ campaign_id: link.campaign_id });
  for (const [slug, ip, ua] of [
    [link.slug, "198.51.100.1", PHONE],
    [link.slug, "198.51.100.1", PHONE],
    [link.slug, "198.51.100.2", PHONE],
    [link.slug, "198.51.100.3", "Googlebot/2.1"],
    [other.slug, "198.51.100.1", PHONE],
  ] as const) {
    await follow(slug, { headers: { "User-Agent": ua, "CF-Connecting-IP": ip } });
  }
  await waitForClicks(link.id, 4);
  await waitForClicks(other.id, 1);
  const checkout = (await createKey("checkout")).key;
  const clickId = new URL(
    (await follow(link.slug, { headers: { "User-Agent": PHONE } })).headers.get("Location") as string,
  ).searchParams.get("sl_cid");
  await waitForClicks(link.id, 5);
  const orderId = unique("ord");
  await api("POST", "/conversions", {
    key: checkout,
    body: {
      type: "sale",
      customer_id: "c1",
      click_id: clickId,
      order_id: orderId,
      amount: 4000,
      currency: "EUR",
    },
  });
  const leadCustomer = unique("lead");
  await api("POST", "/conversions", {
    key: checkout,
    body: { type: "lead", customer_id: leadCustomer, click_id: clickId },
  });
  await api("POST", "/refunds", {
    key: checkout,
    body: { order_id: orderId, refund_id: `${orderId}-r`, amount: 1500 },
  });
  return { link, other, checkout, leadCustomer };
}

describe("rollup", () => {
  it("equals a recomputation from the raw events, however the work is split into runs", async () => {
    const { link } = await someTraffic();
    // Tiny chunks and runs, so the events are split across many runs and chunks.
    let report = await runRollup(env.DB, Date.now, { chunkRows: 2, maxChunks: 1 });
    let runs = 1;
    while (!report.caught_up) {
      report = await runRollup(env.DB, Date.now, { chunkRows: 2, maxChunks: 1 });
      runs += 1;
    }
    expect(runs).toBeGreaterThan(2);
    const expected = await fromRawEvents(link.campaign_id);
    expect(await rolledUp(link.campaign_id)).toEqual(expected);
    const linkRow = expected.find((r) => r.link_id === link.id);
    // Humans: two visits of one visitor, one of a second, one without an address (a third).
    expect(linkRow).toMatchObject({
      clicks: 4,
      bot_clicks: 1,
      unique_clicks: 3,
      conversions: 1,
      revenue: 4000,
      refunds: 1500,
      leads: 1,
    });

    // The per-influencer table the summary reads equals rollup_daily summed over links.
    const differing = await env.DB.prepare(
      `WITH summed AS (SELECT campaign_id, influencer_id, day, SUM(clicks), SUM(bot_clicks), SUM(unique_clicks),
                              SUM(leads), SUM(conversions), SUM(revenue), SUM(refunds)
                       FROM rollup_daily GROUP BY 1, 2, 3),
            kept AS (SELECT campaign_id, influencer_id, day, clicks, bot_clicks, unique_clicks, leads, conversions,
                            revenue, refunds FROM rollup_influencer_daily)
       SELECT (SELECT COUNT(*) FROM (SELECT * FROM summed EXCEPT SELECT * FROM kept))
            + (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM summed)) AS n`,
    ).first<{ n: number }>();
    expect(differing?.n).toBe(0);

    // A repeated run adds nothing.
    const again = await runRollup(env.DB, Date.now);
    expect(Object.values(again.sources).every((s) => s.rows === 0)).toBe(true);
    expect(await rolledUp(link.campaign_id)).toEqual(expected);
  });

  it("adds late events to the day they happened, and refuses a chunk another run already took", async () => {
    const { link, checkout, leadCustomer } = await someTraffic();
    await runRollup(env.DB, Date.now);
    // A sale reported late, dated three days back (by the customer whose lead came by the link).
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    const late = await api("POST", "/conversions", {
      key: checkout,
      body: {
        type: "sale",
        customer_id: leadCustomer,
        order_id: unique("late"),
        amount: 999,
        currency: "EUR",
        occurred_at: threeDaysAgo.toISOString(),
      },
    });
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    // An overlapping run that read an old watermark: its chunk is refused, nothing is added.
    await expect(rollUpChunk(env.DB, sourceNamed("conversions"), 0, 1_000_000, Date.now())).rejects.toThrow();
    await runRollup(env.DB, Date.now);
    const rows = await rolledUp(link.campaign_id);
    expect(rows).toEqual(await fromRawEvents(link.campaign_id));
    expect(rows.find((r) => r.day === threeDaysAgo.toISOString().slice(0, 10))).toMatchObject({
      conversions: 1,
      revenue: 999,
    });
  });

  it("runs from the cron and from POST /rollup (admin only), recording the run", async () => {
    await someTraffic();
    const scheduledTime = Date.UTC(2026, 10, 24, 11, 0);
    await worker.scheduled(createScheduledController({ scheduledTime, cron: "*/5 * * * *" }), env);
    const run = await env.DB.prepare("SELECT status, detail FROM job_runs WHERE scheduled_at = ?")
      .bind(scheduledTime)
      .first<{ status: string; detail: string }>();
    expect(run?.status).toBe("ok");
    expect(JSON.parse(run?.detail ?? "{}").rollup.caught_up).toBe(true);
    const res = await api("POST", "/rollup");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ caught_up: true, as_of: expect.any(String) });
    const checkout = (await createKey("checkout")).key;
    expect((await api("POST", "/rollup", { key: checkout })).status).toBe(403);
  });
});
