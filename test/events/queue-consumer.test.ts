import { createExecutionContext, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { conversions, refunds } from "../../schema";
import {
  type CapturedClick,
  type ClicksMessage,
  MAX_CLICKS_PER_MESSAGE,
  packClicks,
  unpackClick,
} from "../../src/clicks/click-event";
import { recordConversion } from "../../src/conversions/conversions";
import { recordRefund } from "../../src/conversions/refunds";
import { createDb } from "../../src/db";
import { consumeEvents, retryDelaySeconds } from "../../src/events/consume-events";
import { eventMessage } from "../../workers/lib/events";
import { api, createKey, createLink, follow, saleByClick, unique } from "../support/helpers";
import { deliver, clicksMessage as message, queueBatch } from "../support/queue-helpers";

const DAY = Date.UTC(2026, 10, 20, 12, 0, 0);
let sequence = 0;

const ANDROID_CHROME =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

function click(overrides: Partial<CapturedClick> = {}): CapturedClick {
  sequence += 1;
  return {
    id: `clk_test${sequence.toString().padStart(12, "0")}${crypto.randomUUID().slice(0, 4)}`,
    link_id: "lnk_queue",
    campaign_id: "cmp_queue",
    influencer_id: "inf_queue",
    clicked_at: DAY,
    country: "DE",
    region: null,
    city: null,
    user_agent: ANDROID_CHROME,
    referer_host: null,
    head: false,
    visitor_hash: "a".repeat(64),
    ...overrides,
  };
}

async function count(sql: string, ...params: unknown[]) {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("queue consumer", () => {
  it("writes a batch of messages of many clicks in one go and acks each message", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const messages = Array.from({ length: 10 }, (_, m) =>
      message(
        ...Array.from({ length: 100 }, (_, i) =>
          click({ link_id: linkId, visitor_hash: (m * 100 + i).toString(16).padStart(64, "0") }),
        ),
      ),
    );
    const { batch, result } = await deliver(messages);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(1000);
    expect(await count("SELECT COUNT(*) AS n FROM click_uniques WHERE link_id = ?", linkId)).toBe(1000);
  });

  it("enriches clicks with device, browser and OS, and flags bots and HEAD requests", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const person = click({ link_id: linkId });
    const crawler = click({ link_id: linkId, user_agent: "Mozilla/5.0 (compatible; bingbot/2.0)" });
    const head = click({ link_id: linkId, head: true });
    const anonymous = click({ link_id: linkId, user_agent: "" });
    await deliver([message(person, crawler, head, anonymous)]);
    const { results } = await env.DB.prepare(
      "SELECT id, device, browser, os, is_bot FROM clicks WHERE link_id = ?",
    )
      .bind(linkId)
      .all();
    expect(results).toEqual(
      expect.arrayContaining([
        { id: person.id, device: "mobile", browser: "Chrome", os: "Android", is_bot: 0 },
        expect.objectContaining({ id: crawler.id, device: "bot", is_bot: 1 }),
        expect.objectContaining({ id: head.id, device: "bot", is_bot: 1 }),
        expect.objectContaining({ id: anonymous.id, device: "bot", is_bot: 1 }),
      ]),
    );
    // The user agent is used, not kept.
    expect(JSON.stringify(results)).not.toContain("Pixel 8");
  });

  it("inserts nothing twice when a batch is delivered again", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const first = click({ link_id: linkId });
    const second = click({ link_id: linkId, visitor_hash: "b".repeat(64) });
    await deliver([message(first, second)]);
    await deliver([message(first, second)]);
    await deliver([message(second), message(second)]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM click_uniques WHERE link_id = ?", linkId)).toBe(2);
  });

  it("keeps the earliest human click of a visitor per link and day as the unique one, in any order", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const later = click({ link_id: linkId, clicked_at: DAY + 60_000 });
    const earlier = click({ link_id: linkId, clicked_at: DAY });
    const bot = click({ link_id: linkId, clicked_at: DAY - 60_000, head: true });
    const nextDay = click({ link_id: linkId, clicked_at: DAY + 86_400_000 });
    await deliver([message(later)]);
    await deliver([message(bot, earlier), message(nextDay)]);
    const { results } = await env.DB.prepare(
      "SELECT day, click_id FROM click_uniques WHERE link_id = ? ORDER BY day",
    )
      .bind(linkId)
      .all();
    expect(results).toEqual([
      { day: "2026-11-20", click_id: earlier.id },
      { day: "2026-11-21", click_id: nextDay.id },
    ]);
  });

  it("claims uniques for human clicks only, also when a whole chunk of the batch is bots", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    // Rows are written 1,000 clicks a statement: the first chunk here holds bots only.
    const bots = Array.from({ length: 1000 }, () => click({ link_id: linkId, head: true }));
    const humans = Array.from({ length: 500 }, (_, i) =>
      click({ link_id: linkId, clicked_at: DAY + i, visitor_hash: i.toString(16).padStart(64, "0") }),
    );
    const all = [...bots, ...humans];
    const messages = Array.from({ length: 15 }, (_, m) => message(...all.slice(m * 100, m * 100 + 100)));
    const { result } = await deliver(messages);
    expect(result.retryMessages).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(1500);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ? AND is_bot = 1", linkId)).toBe(
      1000,
    );
    const { results } = await env.DB.prepare(
      "SELECT link_id, day, visitor_hash, click_id, clicked_at FROM click_uniques WHERE link_id = ? ORDER BY clicked_at",
    )
      .bind(linkId)
      .all();
    expect(results).toEqual(
      humans.map((h) => ({
        link_id: linkId,
        day: "2026-11-20",
        visitor_hash: h.visitor_hash,
        click_id: h.id,
        clicked_at: h.clicked_at,
      })),
    );
  });

  it("sets poison aside in dead_letters and acks it, without holding back good clicks", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const good = click({ link_id: linkId });
    const alsoGood = click({ link_id: linkId, visitor_hash: "c".repeat(64) });
    const badClick = { ...click(), visitor_hash: "203.0.113.9" };
    const bodies = [
      message(good, badClick, alsoGood),
      { type: "click", v: 1, id: "clk_bad" },
      { type: "teleport" },
      "not even an object",
      message(),
    ];
    const { batch, result } = await deliver(bodies);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(2);
    const ids = [`${batch.messages[0]?.id}#1`, ...batch.messages.slice(1).map((m) => m.id)];
    const stored = await env.DB.prepare(
      `SELECT message_id, reason, body FROM dead_letters WHERE message_id IN (${ids.map(() => "?").join(",")})`,
    )
      .bind(...ids)
      .all<{ message_id: string; reason: string; body: string }>();
    expect(stored.results.map((r) => r.message_id).sort()).toEqual([...ids].sort());
    const bad = stored.results.find((r) => r.message_id === ids[0]);
    expect(bad?.reason).toMatch(/^invalid click: visitor_hash/);
    expect(JSON.parse(bad?.body ?? "null")).toEqual(badClick);
    for (const row of stored.results.slice(1)) expect(row.reason).toMatch(/^invalid (event|click)/);
  });

  it("when D1 fails for the whole batch, writes message by message and retries only what still fails", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const bodies = [
      message(click({ link_id: linkId })),
      message(click({ link_id: linkId })),
      message(click({ link_id: linkId })),
    ];
    // Real D1, with a fault injected: the write of the whole batch fails, and so does the
    // write of the second message alone; every other write goes through to the database.
    const failing = new Set([0, 2]);
    let call = 0;
    const d1 = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            if (failing.has(call++)) throw new Error("D1_ERROR: injected");
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const batch = queueBatch(bodies, "swayline-events", 3);
    const ctx = createExecutionContext();
    await consumeEvents(batch, { d1, clock: Date.now });
    const result = await getQueueResult(batch, ctx);
    const [first, second, third] = batch.messages.map((m) => m.id);
    expect(result.explicitAcks.sort()).toEqual([first, third].sort());
    // (The test harness records which messages were retried, not their delay; the delay is
    // retryDelaySeconds(attempts), checked below.)
    expect(result.retryMessages.map((m) => m.msgId)).toEqual([second]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(2);
  });

  it("backs off exponentially, capped at five minutes", () => {
    expect([1, 2, 3, 4, 10].map(retryDelaySeconds)).toEqual([5, 10, 20, 40, 300]);
  });

  it("keeps dead-lettered messages in D1 for a person to look at", async () => {
    const lost = click();
    const body = message(lost);
    const { batch, result } = await deliver([body], "swayline-events-dlq");
    expect(result.ackAll).toBe(true);
    const row = await env.DB.prepare("SELECT * FROM dead_letters WHERE message_id = ?")
      .bind(batch.messages[0]?.id)
      .first<{ queue: string; reason: string; body: string }>();
    expect(row).toMatchObject({ queue: "swayline-events-dlq", reason: "exhausted retries" });
    expect(JSON.parse(row?.body ?? "null")).toEqual(body);
    // Nothing of it is counted as a click.
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE id = ?", lost.id)).toBe(0);
  });
});

describe("recorded events", () => {
  it("publishes each newly recorded conversion and refund on the queue, and the consumer accepts them", async () => {
    const checkout = (await createKey("checkout")).key;
    const link = await createLink();
    const clickId = new URL((await follow(link.slug)).headers.get("Location") as string).searchParams.get(
      "sl_cid",
    );
    const orderId = `ord_${crypto.randomUUID()}`;
    const sale = await api("POST", "/conversions", {
      key: checkout,
      body: {
        type: "sale",
        customer_id: "c",
        click_id: clickId,
        order_id: orderId,
        amount: 100,
        currency: "EUR",
      },
    });
    const refund = await api("POST", "/refunds", {
      key: checkout,
      body: { order_id: orderId, refund_id: `${orderId}-r`, amount: 40 },
    });
    expect([sale.status, refund.status]).toEqual([201, 201]);

    // Consumed by the real consumer, they are acknowledged, not set aside as poison.
    await vi.waitUntil(
      async () => (await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", link.id)) === 1,
      {
        timeout: 30_000,
      },
    );
    expect(await count("SELECT COUNT(*) AS n FROM dead_letters WHERE body LIKE ?", `%${orderId}%`)).toBe(0);

    // And the messages themselves are what the consumer validates.
    const events = [
      { type: "conversion", v: 1, record: sale.body },
      { type: "refund", v: 1, record: refund.body },
    ];
    const { batch, result } = await deliver(events);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM dead_letters WHERE message_id IN (?, ?)",
        ...batch.messages.map((m) => m.id),
      ),
    ).toBe(0);
  });
});

describe("event sink", () => {
  it("receives one event per newly recorded order or refund, none for replays or refusals", async () => {
    const db = createDb(env.DB);
    const seen: { type: string; id: string }[] = [];
    const sink = (event: { type: string; record: { id: string } }) =>
      seen.push({ type: event.type, id: event.record.id });
    const link = await createLink();
    const clickId = new URL((await follow(link.slug)).headers.get("Location") as string).searchParams.get(
      "sl_cid",
    ) as string;
    const orderId = `ord_${crypto.randomUUID()}`;
    const input = { type: "sale" as const, customerId: "c", clickId, orderId, amount: 100, currency: "EUR" };
    const by = { keyId: "key_test", source: "default" };
    const first = await recordConversion(db, input, by, Date.now, env.SIGNING_SECRET, sink);
    await recordConversion(db, input, by, Date.now, env.SIGNING_SECRET, sink);
    const refund = await recordRefund(
      db,
      { orderId, refundId: `${orderId}-r`, amount: 50 },
      by,
      Date.now,
      sink,
    );
    await recordRefund(db, { orderId, refundId: `${orderId}-r`, amount: 50 }, by, Date.now, sink);
    const over = await recordRefund(
      db,
      { orderId, refundId: `${orderId}-r2`, amount: 60 },
      by,
      Date.now,
      sink,
    );
    expect(over).toMatchObject({ outcome: "refused", code: "refund_exceeds_order" });
    expect(refund.outcome).toBe("recorded");
    expect(seen).toEqual([
      { type: "conversion", id: first.outcome === "recorded" ? first.record.id : null },
      { type: "refund", id: refund.outcome === "recorded" ? refund.record.id : null },
    ]);
  });
});

// A few ordinary clicks pack into one message.
function packOne(clicks: CapturedClick[]): ClicksMessage {
  const messages = packClicks(clicks);
  expect(messages).toHaveLength(1);
  return messages[0] as ClicksMessage;
}

describe("packed (v2) click messages", () => {
  it("packs a full window of ordinary clicks in one message, and splits clicks too large for one", () => {
    const ordinary = Array.from({ length: MAX_CLICKS_PER_MESSAGE }, (_, i) =>
      click({ id: `clk_${i}`, visitor_hash: i.toString(16).padStart(64, "0") }),
    );
    expect(packClicks(ordinary)).toHaveLength(1);
    // The largest a visitor can make a click: a 512-character user agent outside Latin-1 (two
    // bytes a character), each different, and a 255-character referer host.
    const large = ordinary.map((c, i) => ({
      ...c,
      user_agent: `${i} ${"Ж".repeat(510)}`.slice(0, 512),
      referer_host: "r".repeat(255),
    }));
    const messages = packClicks(large);
    expect(messages.length).toBeGreaterThan(1);
    // Every click once, in order; each message's user agents are its own clicks' only.
    const unpacked = messages.flatMap((m) => m.clicks.map((packed) => unpackClick(m, packed)));
    expect(unpacked).toEqual(large);
    for (const m of messages) {
      // Counting every character as two bytes, as the packer does, stays under Queues' 128 KB.
      expect(JSON.stringify(m).length * 2).toBeLessThan(128 * 1024);
    }
  });

  const SAFARI =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

  // The stored row a click should become, written out field by field.
  const rowOf = (c: CapturedClick, device: string, browser: string, os: string, isBot: number) => ({
    id: c.id,
    link_id: c.link_id,
    campaign_id: c.campaign_id,
    influencer_id: c.influencer_id,
    clicked_at: c.clicked_at,
    day: new Date(c.clicked_at).toISOString().slice(0, 10),
    country: c.country,
    region: c.region,
    city: c.city,
    referer_host: c.referer_host,
    visitor_hash: c.visitor_hash,
    device,
    browser,
    os,
    is_bot: isBot,
  });
  const rowsOf = async (...linkIds: string[]) =>
    (
      await env.DB.prepare(
        `SELECT id, link_id, campaign_id, influencer_id, clicked_at, day, country, region, city, referer_host,
                visitor_hash, device, browser, os, is_bot
         FROM clicks WHERE link_id IN (${linkIds.map(() => "?").join(",")}) ORDER BY id`,
      )
        .bind(...linkIds)
        .all()
    ).results;

  it("writes each link and user agent once per message, and the consumer stores v2 exactly as v1", async () => {
    const [a, b] = [`lnk_${crypto.randomUUID()}`, `lnk_${crypto.randomUUID()}`];
    const clicks = [
      click({ link_id: a, referer_host: "instagram.com", city: "Berlin", region: "BE" }),
      click({ link_id: a, user_agent: SAFARI, visitor_hash: "b".repeat(64) }),
      click({ link_id: b, campaign_id: "cmp_other", influencer_id: "inf_other", head: true }),
      click({ link_id: a, user_agent: SAFARI, country: null, visitor_hash: "c".repeat(64) }),
    ];
    const packed = packOne(clicks);
    expect(packed.v).toBe(2);
    expect(packed.links).toEqual([
      [a, "cmp_queue", "inf_queue"],
      [b, "cmp_other", "inf_other"],
    ]);
    expect(packed.agents).toEqual([ANDROID_CHROME, SAFARI]);
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(message(...clicks)).length);

    // The same clicks under other ids and links, sent as v1, in the same batch.
    const [c, d] = [`lnk_${crypto.randomUUID()}`, `lnk_${crypto.randomUUID()}`];
    const asV1 = clicks.map((x) => ({ ...x, id: `${x.id}v1`, link_id: x.link_id === a ? c : d }));
    const { result } = await deliver([packed, message(...asV1)]);
    expect(result.retryMessages).toEqual([]);

    const expected = (list: CapturedClick[]) =>
      list
        .map((x) =>
          x.head
            ? rowOf(x, "bot", "Chrome", "Android", 1)
            : x.user_agent === SAFARI
              ? rowOf(x, "mobile", "Mobile Safari", "iOS", 0)
              : rowOf(x, "mobile", "Chrome", "Android", 0),
        )
        .sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(await rowsOf(a, b)).toEqual(expected(clicks));
    expect(await rowsOf(c, d)).toEqual(expected(asV1));
    expect(await count("SELECT COUNT(*) AS n FROM click_uniques WHERE link_id = ?", a)).toBe(3);
  });

  it("inserts nothing twice when a v2 batch is replayed, also next to the same clicks as v1", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const clicks = Array.from({ length: 50 }, (_, i) =>
      click({ link_id: linkId, visitor_hash: (i % 20).toString(16).padStart(64, "0") }),
    );
    const packed = packOne(clicks);
    await deliver([packed]);
    await deliver([packed, packed]);
    // A deploy mid-stream: the same clicks once more as v1 (a redelivery of an older message).
    await deliver([message(...clicks.slice(0, 10))]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(50);
    expect(await count("SELECT COUNT(*) AS n FROM click_uniques WHERE link_id = ?", linkId)).toBe(20);
  });

  it("sets a malformed v2 click aside in dead_letters and writes its neighbours", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const good = click({ link_id: linkId });
    const alsoGood = click({ link_id: linkId, visitor_hash: "d".repeat(64) });
    const packed = packOne([good, alsoGood]);
    const nowhere = [...(packed.clicks[0] ?? [])];
    nowhere[0] = "clk_points_nowhere";
    nowhere[1] = 7; // no such link in the message
    const rawIp = [...(packed.clicks[1] ?? [])];
    rawIp[0] = "clk_raw_ip";
    rawIp[9] = "203.0.113.9";
    const bodies = [
      { ...packed, clicks: [packed.clicks[0], nowhere, "not a click", packed.clicks[1], rawIp] },
      { type: "clicks", v: 2, links: [], agents: [], clicks: [] },
      { type: "clicks", v: 3, clicks: [good] },
    ];
    const { batch, result } = await deliver(bodies);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(2);
    const [first, second, third] = batch.messages.map((m) => m.id);
    const ids = [`${first}#1`, `${first}#2`, `${first}#4`, second, third];
    const stored = await env.DB.prepare(
      `SELECT message_id, reason, body FROM dead_letters WHERE message_id IN (${ids.map(() => "?").join(",")})`,
    )
      .bind(...ids)
      .all<{ message_id: string; reason: string; body: string }>();
    const reasons = Object.fromEntries(stored.results.map((r) => [r.message_id, r.reason]));
    expect(Object.keys(reasons).sort()).toEqual([...ids].sort());
    expect(reasons[`${first}#1`]).toMatch(/^invalid click: link_id/);
    expect(reasons[`${first}#4`]).toMatch(/^invalid click: visitor_hash/);
    expect(reasons[second as string]).toBe("invalid event: clicks expected an array of 1 to 200 items");
    expect(reasons[third as string]).toMatch(/^invalid event/);
    // Set aside as a person can read it: the click with its link and user agent filled back in.
    const nowhereRow = stored.results.find((r) => r.message_id === `${first}#1`);
    expect(JSON.parse(nowhereRow?.body ?? "null")).toMatchObject({
      id: "clk_points_nowhere",
      user_agent: ANDROID_CHROME,
    });
  });
});

// The sink gets rows; the edge serializes them. A message must carry the record exactly as the API
// answered it, a promo code's order as a redemption.
describe("recorded-event messages", () => {
  const db = createDb(env.DB);
  const conversionRow = async (id: string) =>
    (await db.select().from(conversions).where(eq(conversions.id, id)))[0] as typeof conversions.$inferSelect;
  const refundRow = async (id: string) =>
    (await db.select().from(refunds).where(eq(refunds.id, id)))[0] as typeof refunds.$inferSelect;

  it("carry the conversion, redemption and refund bodies the API answered", async () => {
    const link = await createLink();
    const checkout = (await createKey("checkout")).key;
    const clickId = new URL((await follow(link.slug)).headers.get("Location") as string).searchParams.get(
      "sl_cid",
    );
    const sale = await saleByClick(checkout, clickId, 700);
    expect(sale.status).toBe(201);
    const conversion = await conversionRow(sale.body.id);
    expect(eventMessage({ type: "conversion", record: conversion })).toEqual({
      type: "conversion",
      v: 1,
      record: sale.body,
    });

    const code = unique("EVT").toUpperCase().replaceAll(".", "").slice(0, 32);
    const created = await api("POST", "/codes", {
      body: { code, campaign_id: link.campaign_id, influencer_id: link.influencer_id },
    });
    expect(created.status).toBe(201);
    const redemption = await api("POST", "/redemptions", {
      key: checkout,
      body: { code, order_id: unique("o"), amount: 900, currency: "EUR" },
    });
    expect(redemption.status).toBe(201);
    const redeemed = await conversionRow(redemption.body.id);
    expect(eventMessage({ type: "conversion", record: redeemed })).toEqual({
      type: "conversion",
      v: 1,
      record: redemption.body,
    });

    const refund = await api("POST", "/refunds", {
      key: checkout,
      body: { order_id: redemption.body.order_id, refund_id: unique("r"), amount: 300 },
    });
    expect(refund.status).toBe(201);
    const refunded = await refundRow(refund.body.id);
    expect(eventMessage({ type: "refund", record: refunded })).toEqual({
      type: "refund",
      v: 1,
      record: refund.body,
    });
  });
});
