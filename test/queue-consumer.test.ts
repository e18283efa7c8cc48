import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ClickEvent } from "../src/clicks/click-event";
import { consumeEvents, retryDelaySeconds } from "../src/events/consume-events";
import worker from "../workers/index";

const DAY = Date.UTC(2026, 10, 20, 12, 0, 0);
let sequence = 0;

function click(overrides: Partial<ClickEvent> = {}): ClickEvent {
  sequence += 1;
  return {
    type: "click",
    v: 1,
    id: `clk_test${sequence.toString().padStart(12, "0")}${crypto.randomUUID().slice(0, 4)}`,
    link_id: "lnk_queue",
    campaign_id: "cmp_queue",
    influencer_id: "inf_queue",
    clicked_at: DAY,
    country: "DE",
    region: null,
    city: null,
    device: "mobile",
    browser: "Chrome",
    os: "Android",
    referer_host: null,
    is_bot: false,
    visitor_hash: "a".repeat(64),
    ...overrides,
  };
}

function batchOf(bodies: unknown[], queue = "swayline-events", attempts = 1) {
  return createMessageBatch(
    queue,
    bodies.map((body, i) => ({
      id: `msg-${crypto.randomUUID()}-${i}`,
      timestamp: new Date(),
      attempts,
      body,
    })),
  );
}

async function deliver(bodies: unknown[], queue = "swayline-events") {
  const batch = batchOf(bodies, queue);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return { batch, result: await getQueueResult(batch, ctx) };
}

async function count(sql: string, ...params: unknown[]) {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("queue consumer", () => {
  it("writes a batch of 100 clicks and acks each message", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const events = Array.from({ length: 100 }, (_, i) =>
      click({ link_id: linkId, visitor_hash: i.toString(16).padStart(64, "0") }),
    );
    const { batch, result } = await deliver(events);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(100);
    expect(await count("SELECT COUNT(*) AS n FROM click_uniques WHERE link_id = ?", linkId)).toBe(100);
  });

  it("inserts nothing twice when a batch is delivered again", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const events = [click({ link_id: linkId }), click({ link_id: linkId, visitor_hash: "b".repeat(64) })];
    await deliver(events);
    await deliver(events);
    await deliver([events[1]]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM click_uniques WHERE link_id = ?", linkId)).toBe(2);
  });

  it("keeps the earliest human click of a visitor per link and day as the unique one, in any order", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const later = click({ link_id: linkId, clicked_at: DAY + 60_000 });
    const earlier = click({ link_id: linkId, clicked_at: DAY });
    const bot = click({ link_id: linkId, clicked_at: DAY - 60_000, is_bot: true });
    const nextDay = click({ link_id: linkId, clicked_at: DAY + 86_400_000 });
    await deliver([later]);
    await deliver([bot, earlier, nextDay]);
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

  it("sets poison messages aside in dead_letters and acks them, without holding back good ones", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const good = click({ link_id: linkId });
    const poison = [
      { type: "click", v: 1, id: "clk_bad" },
      { type: "teleport" },
      "not even an object",
      { ...click(), visitor_hash: "203.0.113.9" },
    ];
    const { batch, result } = await deliver([good, ...poison]);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?", linkId)).toBe(1);
    const ids = batch.messages.slice(1).map((m) => m.id);
    const stored = await env.DB.prepare(
      `SELECT message_id, reason FROM dead_letters WHERE message_id IN (${ids.map(() => "?").join(",")})`,
    )
      .bind(...ids)
      .all<{ message_id: string; reason: string }>();
    expect(stored.results).toHaveLength(4);
    for (const row of stored.results) expect(row.reason).toMatch(/^invalid event/);
  });

  it("when D1 fails for the whole batch, writes message by message and retries only what still fails", async () => {
    const linkId = `lnk_${crypto.randomUUID()}`;
    const events = [click({ link_id: linkId }), click({ link_id: linkId }), click({ link_id: linkId })];
    // Real D1, with a fault injected: the batch call for the whole batch fails, and so does the
    // write of the second event; every other write goes through to the database.
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
    const batch = batchOf(events, "swayline-events", 3);
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
    const event = click();
    const { batch, result } = await deliver([event], "swayline-events-dlq");
    expect(result.ackAll).toBe(true);
    const row = await env.DB.prepare("SELECT * FROM dead_letters WHERE message_id = ?")
      .bind(batch.messages[0]?.id)
      .first<{ queue: string; reason: string; body: string }>();
    expect(row).toMatchObject({ queue: "swayline-events-dlq", reason: "exhausted retries" });
    expect(JSON.parse(row?.body ?? "null")).toEqual(event);
    // Nothing of it is counted as a click.
    expect(await count("SELECT COUNT(*) AS n FROM clicks WHERE id = ?", event.id)).toBe(0);
  });
});
