import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newClickId, verifyClickId } from "../../src/clicks/click-id";
import { rollUpChunk, runRollup, sourceNamed } from "../../src/rollup/rollup";
import worker from "../../workers/index";
import { api, createKey, createLink, follow, unique, waitForClicks } from "../support/helpers";
import { CRAWLER, capturedClick, clicksMessage, deliver, PHONE } from "../support/queue-helpers";
import { rolledUp, SentEvents } from "../support/rollup-recompute";

const DAY = 86_400_000;

// Traffic of two links of one campaign: through the redirect now, and through the queue at the
// edges of a UTC day two days back (a click's day shifted by an hour shows there); a sale, a lead,
// a refund. Everything sent is kept in `sent`, from which the figures are recomputed.
async function someTraffic() {
  const sent = new SentEvents();
  const link = await createLink();
  const other = await createLink({ campaign_id: link.campaign_id });
  const redirect = async (target: typeof link, ip: string | null, userAgent: string) => {
    const headers: Record<string, string> = { "User-Agent": userAgent };
    if (ip) headers["CF-Connecting-IP"] = ip;
    const res = await follow(target.slug, { headers });
    const clickId = new URL(res.headers.get("Location") as string).searchParams.get("sl_cid") as string;
    // The redirect's time, as the click id handed to the visitor carries it.
    sent.click(
      clickId,
      target,
      verifyClickId(env.SIGNING_SECRET, clickId)?.clickedAt ?? Number.NaN,
      userAgent,
      `${ip}|${userAgent}`,
    );
    return clickId;
  };
  for (const [target, ip, ua] of [
    [link, "198.51.100.1", PHONE],
    [link, "198.51.100.1", PHONE],
    [link, "198.51.100.2", PHONE],
    [link, "198.51.100.3", CRAWLER],
    [other, "198.51.100.1", PHONE],
  ] as const) {
    await redirect(target, ip, ua);
  }
  const midnight = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
  const late: [number, string, string][] = [
    [midnight - 30 * 60_000, PHONE, "1"],
    [midnight - 1, CRAWLER, "2"],
    [midnight, PHONE, "3"],
    [midnight + 10 * 60_000, PHONE, "1"],
    [midnight + 50 * 60_000, PHONE, "3"],
  ];
  const lateIds = late.map(([at]) => newClickId(env.SIGNING_SECRET, other.id, at));
  const { result } = await deliver([
    clicksMessage(
      ...late.map(([at, userAgent, visitor], i) => {
        sent.click(lateIds[i] as string, other, at, userAgent, visitor);
        return capturedClick({
          id: lateIds[i] as string,
          link_id: other.id,
          campaign_id: other.campaign_id,
          influencer_id: other.influencer_id,
          clicked_at: at,
          user_agent: userAgent,
          visitor_hash: visitor.repeat(64),
        });
      }),
    ),
  ]);
  expect(result.explicitAcks).toHaveLength(1);
  await waitForClicks(link.id, 4);
  await waitForClicks(other.id, 1 + late.length);
  const checkout = (await createKey("checkout")).key;
  const clickId = await redirect(link, null, PHONE);
  await waitForClicks(link.id, 5);
  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await api("POST", path, { key: checkout, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const now = Date.now();
  const orderId = unique("ord");
  await post("/conversions", {
    type: "sale",
    customer_id: "c1",
    click_id: clickId,
    order_id: orderId,
    amount: 4000,
    currency: "EUR",
    occurred_at: new Date(now).toISOString(),
  });
  sent.saleByClick(orderId, clickId, 4000, now);
  const leadCustomer = unique("lead");
  await post("/conversions", {
    type: "lead",
    customer_id: leadCustomer,
    click_id: clickId,
    occurred_at: new Date(now).toISOString(),
  });
  sent.leadByClick(leadCustomer, clickId, now);
  await post("/refunds", {
    order_id: orderId,
    refund_id: `${orderId}-r`,
    amount: 1500,
    occurred_at: new Date(now).toISOString(),
  });
  sent.refund(orderId, 1500, now);
  // At the day's edge: a sale in its last millisecond by the click half an hour before, and its
  // refund in the next day's first.
  const edgeOrder = unique("ord");
  await post("/conversions", {
    type: "sale",
    customer_id: unique("c"),
    click_id: lateIds[0],
    order_id: edgeOrder,
    amount: 700,
    currency: "EUR",
    occurred_at: new Date(midnight - 1).toISOString(),
  });
  sent.saleByClick(edgeOrder, lateIds[0] as string, 700, midnight - 1);
  await post("/refunds", {
    order_id: edgeOrder,
    refund_id: `${edgeOrder}-r`,
    amount: 100,
    occurred_at: new Date(midnight).toISOString(),
  });
  sent.refund(edgeOrder, 100, midnight);
  return { link, other, checkout, leadCustomer, sent, today: new Date(now).toISOString().slice(0, 10) };
}

describe("rollup", () => {
  it("equals a recomputation from the raw events, however the work is split into runs", async () => {
    const { link, sent, today } = await someTraffic();
    // Tiny chunks and runs, so the events are split across many runs and chunks.
    let report = await runRollup(env.DB, Date.now, { chunkRows: 2, maxChunks: 1 });
    let runs = 1;
    while (!report.caught_up) {
      report = await runRollup(env.DB, Date.now, { chunkRows: 2, maxChunks: 1 });
      runs += 1;
    }
    expect(runs).toBeGreaterThan(2);
    const expected = sent.figures();
    expect(await rolledUp(link.campaign_id)).toEqual(expected);
    const linkRow = expected.find((r) => r.link_id === link.id && r.day === today);
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
    const { link, checkout, leadCustomer, sent } = await someTraffic();
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
    sent.saleByCustomer(late.body.order_id, leadCustomer, 999, threeDaysAgo.getTime());
    // An overlapping run that read an old watermark: its chunk is refused, nothing is added.
    await expect(rollUpChunk(env.DB, sourceNamed("conversions"), 0, 1_000_000, Date.now())).rejects.toThrow();
    await runRollup(env.DB, Date.now);
    const rows = await rolledUp(link.campaign_id);
    expect(rows).toEqual(sent.figures());
    const lateDay = threeDaysAgo.toISOString().slice(0, 10);
    expect(rows.find((r) => r.day === lateDay && r.link_id === link.id)).toMatchObject({
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
