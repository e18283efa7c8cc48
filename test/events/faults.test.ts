import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { CapturedClick } from "../../src/clicks/click-event";
import { verifyClickId } from "../../src/clicks/click-id";
import { consumeDeadLetters, consumeEvents } from "../../src/events/consume-events";
import { runRollup } from "../../src/rollup/rollup";
import { api, createKey, createLink, follow, saleByClick, unique, waitForClicks } from "../support/helpers";
import { rolledUp, SentEvents } from "../support/rollup-recompute";

// Faults injected into the real parts: the real consumer and rollup on the real D1, with either a
// thin wrapper around the D1 binding that makes one call fail, or a SQL trigger that aborts a
// statement inside D1 itself. After recovery (the queue's redelivery, the next rollup run) every
// figure must equal a recomputation written here from what was sent.

const DAY = Date.UTC(2026, 10, 20, 0, 0, 0);
const HUMAN =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
const CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

type FaultMode = "before" | "after";
const injected = (what: string) => new Error(`D1_ERROR: injected fault (${what})`);

// Real D1 with faults on chosen calls of batch(): "before" fails the call before it reaches the
// database (nothing written); "after" lets it commit, then reports failure (the connection dropped
// on the way back), so the caller retries work that is already done. `kill` makes the n-th
// prepare() throw: the caller dies at that point, as when an isolate is evicted mid-run.
function faultyD1(faults: { batch?: Set<number>; mode?: FaultMode; killAtPrepare?: number }) {
  let batches = 0;
  let prepares = 0;
  const d1 = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const call = batches++;
          const fails = faults.batch?.has(call) ?? false;
          if (fails && faults.mode !== "after") throw injected("before commit");
          const result = await target.batch(statements);
          if (fails) throw injected("after commit");
          return result;
        };
      }
      if (prop === "prepare") {
        return (sql: string) => {
          if (prepares++ === faults.killAtPrepare) throw injected("killed");
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { d1, counts: () => ({ batches, prepares }) };
}

// A fault inside D1 itself: a trigger that aborts the statement (and so D1's whole batch, one
// transaction) when a marked row is written.
async function withTrigger<T>(name: string, sql: string, run: () => Promise<T>): Promise<T> {
  await env.DB.prepare(`CREATE TRIGGER ${name} ${sql}`).run();
  try {
    return await run();
  } finally {
    await env.DB.prepare(`DROP TRIGGER IF EXISTS ${name}`).run();
  }
}

// ---- the queue consumer -------------------------------------------------------------------------

type Delivery = { id: string; body: unknown; attempts: number };

// One delivery of a batch to the real consumer, and what the queue does next: messages retried
// come back with one more attempt; if the handler threw, so does every message it did not ack.
async function deliverOnce(messages: Delivery[], d1: D1Database, queue = "swayline-events") {
  const batch = createMessageBatch(
    queue,
    messages.map((m) => ({ id: m.id, timestamp: new Date(DAY), attempts: m.attempts, body: m.body })),
  );
  const ctx = createExecutionContext();
  let threw = false;
  const consume = queue.endsWith("-dlq") ? consumeDeadLetters : consumeEvents;
  await consume(batch, { d1, clock: () => DAY + 3_600_000 }).catch(() => {
    threw = true;
  });
  const result = await getQueueResult(batch, ctx);
  const acked = new Set(result.ackAll ? messages.map((m) => m.id) : result.explicitAcks);
  const retried = new Set(result.retryMessages.map((r) => r.msgId));
  const again = messages.filter(
    (m) => retried.has(m.id) || result.retryBatch.retry || (threw && !acked.has(m.id)),
  );
  return { again: again.map((m) => ({ ...m, attempts: m.attempts + 1 })), acked };
}

// Redeliver until the queue is empty, as the real queue would (the test's retry limit is generous:
// the faults here are transient).
async function deliverUntilDone(messages: Delivery[], d1: D1Database) {
  let pending = messages;
  let deliveries = 0;
  while (pending.length > 0) {
    expect(++deliveries, "still retrying after 20 deliveries").toBeLessThan(20);
    pending = (await deliverOnce(pending, d1)).again;
  }
  return deliveries;
}

type ClickSpec = { link: number; visitor: number; minute: number; bot: boolean; poison: boolean };

function clickOf(run: string, index: number, spec: ClickSpec): CapturedClick {
  return {
    id: `clk_${run}${index.toString().padStart(3, "0")}`,
    link_id: `lnk_${run}_${spec.link}`,
    campaign_id: `cmp_${run}`,
    influencer_id: `inf_${run}_${spec.link}`,
    clicked_at: DAY + spec.minute * 60_000,
    country: "DE",
    region: null,
    city: null,
    user_agent: spec.bot ? CRAWLER : HUMAN,
    referer_host: null,
    head: false,
    // A raw IP where a hash belongs: the consumer must set the click aside as poison.
    visitor_hash: spec.poison ? "203.0.113.7" : spec.visitor.toString(16).repeat(64),
  };
}

// What D1 must hold for these messages, computed here from the clicks themselves.
function expectedFor(pool: CapturedClick[], specs: ClickSpec[], messages: number[][]) {
  const sent = new Set(messages.flat());
  const valid = [...sent].filter((i) => !specs[i]?.poison).map((i) => ({ click: pool[i], spec: specs[i] }));
  const clicks = valid
    .map(({ click, spec }) => ({ id: click?.id, is_bot: spec?.bot ? 1 : 0 }))
    .sort((x, y) => String(x.id).localeCompare(String(y.id)));
  const firsts = new Map<string, CapturedClick>();
  for (const { click, spec } of valid) {
    if (!click || spec?.bot) continue;
    const key = `${click.link_id}|${new Date(click.clicked_at).toISOString().slice(0, 10)}|${click.visitor_hash}`;
    const first = firsts.get(key);
    const earlier =
      !first ||
      click.clicked_at < first.clicked_at ||
      (click.clicked_at === first.clicked_at && click.id < first.id);
    if (earlier) firsts.set(key, click);
  }
  const uniques = [...firsts.entries()]
    .map(([key, click]) => ({ key, click_id: click.id }))
    .sort((x, y) => x.key.localeCompare(y.key));
  return { clicks, uniques };
}

async function storedFor(run: string) {
  const clicks = await env.DB.prepare("SELECT id, is_bot FROM clicks WHERE campaign_id = ? ORDER BY id")
    .bind(`cmp_${run}`)
    .all<{ id: string; is_bot: number }>();
  const uniques = await env.DB.prepare(
    `SELECT link_id || '|' || day || '|' || visitor_hash AS key, click_id FROM click_uniques
     WHERE link_id IN (?, ?) ORDER BY key`,
  )
    .bind(`lnk_${run}_0`, `lnk_${run}_1`)
    .all<{ key: string; click_id: string }>();
  return {
    clicks: [...clicks.results].sort((x, y) => x.id.localeCompare(y.id)),
    uniques: [...uniques.results].sort((x, y) => x.key.localeCompare(y.key)),
  };
}

const clickSpec: fc.Arbitrary<ClickSpec> = fc.record({
  link: fc.integer({ min: 0, max: 1 }),
  visitor: fc.integer({ min: 1, max: 3 }),
  // Two UTC days, so the unique-click day boundary is crossed.
  minute: fc.integer({ min: 1380, max: 1500 }),
  bot: fc.boolean(),
  // One click in ten is malformed.
  poison: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

describe("faults in the queue consumer", () => {
  it("after any D1 failure part way through a batch, and any redelivery, the clicks and uniques are exact", async () => {
    let scenarios = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(clickSpec, { minLength: 1, maxLength: 10 }),
        fc.array(fc.array(fc.nat(9), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        fc.uniqueArray(fc.nat(7), { maxLength: 4 }),
        fc.constantFrom<FaultMode>("before", "after"),
        async (specs, picks, failing, mode) => {
          scenarios += 1;
          const run = unique("f").toLowerCase();
          const pool = specs.map((spec, i) => clickOf(run, i, spec));
          // Messages carry clicks from the pool, so the same click may arrive in several messages.
          const messages = picks.map((p) => p.map((i) => i % specs.length));
          const deliveries: Delivery[] = messages.map((m, i) => ({
            id: `${run}-m${i}`,
            body: { type: "clicks", v: 1, clicks: m.map((i) => pool[i]) },
            attempts: 1,
          }));
          const { d1 } = faultyD1({ batch: new Set(failing), mode });
          await deliverUntilDone(deliveries, d1);
          const expected = expectedFor(pool, specs, messages);
          expect(await storedFor(run)).toEqual(expected);

          // The whole batch delivered again (an ack lost on the way): nothing changes.
          await deliverUntilDone(deliveries, env.DB);
          expect(await storedFor(run)).toEqual(expected);

          // Every poison click is set aside exactly once, however often its message came.
          // (A message without clicks is malformed as a whole: the redirect never sends one.)
          const poison = messages.flatMap((m, mi) =>
            m.length === 0
              ? [`${run}-m${mi}`]
              : m.flatMap((ci, pos) => (specs[ci]?.poison ? [`${run}-m${mi}#${pos}`] : [])),
          );
          const stored = await env.DB.prepare("SELECT message_id FROM dead_letters WHERE message_id LIKE ?")
            .bind(`${run}-%`)
            .all<{ message_id: string }>();
          expect(stored.results.map((r) => r.message_id).sort()).toEqual(poison.sort());
        },
      ),
      { numRuns: 40 },
    );
    console.log(`queue faults: ${scenarios} random batches with injected D1 failures, all exact`);
  });

  it("rolls back a batch whose second statement fails, and the queue's own retry completes it", async () => {
    const run = unique("t").toLowerCase();
    const specs: ClickSpec[] = [
      { link: 0, visitor: 1, minute: 10, bot: false, poison: false },
      { link: 1, visitor: 2, minute: 11, bot: false, poison: false },
      { link: 1, visitor: 2, minute: 12, bot: false, poison: false },
    ];
    const pool = specs.map((spec, i) => clickOf(run, i, spec));
    const marked = `lnk_${run}_1`;
    // click_uniques is written by the clicks insert's trigger: its failure must undo the clicks
    // insert too, or a retry would find the clicks there and the uniques never written.
    await withTrigger(
      `fault_${run}`,
      `BEFORE INSERT ON click_uniques WHEN NEW.link_id = '${marked}' BEGIN SELECT RAISE(ABORT, 'injected'); END`,
      async () => {
        await env.EVENTS.sendBatch([
          { body: { type: "clicks", v: 1, clicks: [pool[0]] }, contentType: "json" },
          { body: { type: "clicks", v: 1, clicks: [pool[1], pool[2]] }, contentType: "json" },
        ]);
        // The real queue delivers; the good message lands, the marked one is retried in 5 s.
        await vi.waitUntil(async () => (await storedFor(run)).clicks.length === 1, { timeout: 30_000 });
        expect((await storedFor(run)).clicks.map((c) => c.id)).toEqual([pool[0]?.id]);
      },
    );
    await vi.waitUntil(async () => (await storedFor(run)).clicks.length === 3, {
      timeout: 40_000,
      interval: 200,
    });
    expect(await storedFor(run)).toEqual(expectedFor(pool, specs, [[0], [1, 2]]));
  }, 90_000);

  it("keeps a message that exhausted its retries in dead_letters once, and counts none of it", async () => {
    const run = unique("d").toLowerCase();
    const spec: ClickSpec = { link: 0, visitor: 1, minute: 5, bot: false, poison: false };
    const lost = clickOf(run, 0, spec);
    const message: Delivery = {
      id: `${run}-m0`,
      body: { type: "clicks", v: 1, clicks: [lost] },
      attempts: 1,
    };
    // D1 refuses every write until the queue gives up (max_retries), then moves it to the DLQ.
    const { d1 } = faultyD1({ batch: new Set(Array.from({ length: 20 }, (_, i) => i)) });
    let pending = [message];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { again } = await deliverOnce(pending, d1);
      expect(again.map((m) => m.id)).toEqual([message.id]);
      pending = again;
    }
    // The dead-letter queue is at least once too: delivered twice, kept once.
    for (let i = 0; i < 2; i++) {
      const { acked, again } = await deliverOnce(pending, env.DB, "swayline-events-dlq");
      expect([...acked, again.length]).toEqual([message.id, 0]);
    }
    const kept = await env.DB.prepare("SELECT reason, attempts, body FROM dead_letters WHERE message_id = ?")
      .bind(message.id)
      .all<{ reason: string; attempts: number; body: string }>();
    expect(kept.results).toHaveLength(1);
    expect(kept.results[0]?.reason).toBe("exhausted retries");
    expect(JSON.parse(kept.results[0]?.body ?? "null")).toEqual(message.body);
    expect((await storedFor(run)).clicks).toEqual([]);
  });
});

// ---- the rollup ---------------------------------------------------------------------------------

// Clicks of two links, written by the real consumer; orders by code; a refund.
async function campaignWithEvents() {
  const link = await createLink();
  const other = await createLink({ campaign_id: link.campaign_id });
  const links = [link, other];
  const sent = new SentEvents();
  const clicks: CapturedClick[] = [];
  for (let i = 0; i < 12; i++) {
    const target = links[i % 2] as typeof link;
    const spec = { link: 0, visitor: (i % 3) + 1, minute: 1400 + i * 7, bot: i % 5 === 0, poison: false };
    const click = {
      ...clickOf(unique("r").toLowerCase(), i, spec),
      link_id: target.id,
      campaign_id: target.campaign_id,
      influencer_id: target.influencer_id,
    };
    clicks.push(click);
    sent.click(click.id, target, click.clicked_at, click.user_agent, String(spec.visitor));
  }
  await deliverUntilDone([{ id: unique("rm"), body: { type: "clicks", v: 1, clicks }, attempts: 1 }], env.DB);
  const checkout = (await createKey("checkout")).key;
  const code = await api("POST", "/codes", {
    body: {
      code: unique("RC").toUpperCase(),
      campaign_id: link.campaign_id,
      influencer_id: other.influencer_id,
    },
  });
  for (const [order, amount] of [
    ["a", 2500],
    ["b", 4000],
  ] as const) {
    const orderId = `${code.body.code}-${order}`;
    const at = DAY + 2 * 60 * 60_000;
    const res = await api("POST", "/redemptions", {
      key: checkout,
      body: {
        code: code.body.code,
        order_id: orderId,
        amount,
        currency: "EUR",
        occurred_at: new Date(at).toISOString(),
      },
    });
    expect(res.status).toBe(201);
    sent.saleByCode(orderId, other.influencer_id, amount, at);
  }
  // A sale through a real click (the redirect, the queue), so the breakdown has a sale with values.
  const clicked = await follow(link.slug, { headers: { "User-Agent": HUMAN } });
  const clickId = new URL(clicked.headers.get("Location") as string).searchParams.get("sl_cid") as string;
  sent.click(
    clickId,
    link,
    verifyClickId(env.SIGNING_SECRET, clickId)?.clickedAt ?? Number.NaN,
    HUMAN,
    `none|${HUMAN}`,
  );
  await waitForClicks(link.id, 7);
  const sale = await saleByClick(checkout, clickId, 1234);
  expect(sale.status).toBe(201);
  sent.saleByClick(sale.body.order_id, clickId, 1234, Date.parse(sale.body.occurred_at));
  const refundAt = DAY + 3 * 60 * 60_000;
  const refund = await api("POST", "/refunds", {
    key: checkout,
    body: {
      order_id: `${code.body.code}-b`,
      refund_id: unique("rf"),
      amount: 1500,
      occurred_at: new Date(refundAt).toISOString(),
    },
  });
  expect(refund.status).toBe(201);
  sent.refund(`${code.body.code}-b`, 1500, refundAt);
  return { campaignId: link.campaign_id as string, code: code.body.code as string, checkout, sent };
}

async function resetRollup() {
  await env.DB.batch(
    ["rollup_daily", "rollup_breakdown_daily", "rollup_state", "rollup_lease"].map((t) =>
      env.DB.prepare(`DELETE FROM ${t}`),
    ),
  );
}

async function breakdownOf(campaignId: string) {
  const { results } = await env.DB.prepare(
    `SELECT day, influencer_id, dimension, value, clicks, unique_clicks, conversions, revenue
     FROM rollup_breakdown_daily WHERE campaign_id = ? ORDER BY day, influencer_id, dimension, value`,
  )
    .bind(campaignId)
    .all();
  return results;
}

const SMALL = { chunkRows: 2, maxChunks: 2 };

// The next cron run after a fault, five minutes on: a killed run's lease (60 s) has expired by
// then. With the default chunking it catches up at once here.
async function nextRun() {
  expect((await runRollup(env.DB, () => Date.now() + 5 * 60_000)).caught_up).toBe(true);
}

describe("faults in the rollup", () => {
  it("is exact after a run killed or failed at any point, once later runs have caught up", async () => {
    const { campaignId, sent } = await campaignWithEvents();
    await resetRollup();
    const probe = faultyD1({});
    await runRollup(probe.d1, Date.now, SMALL);
    const { batches, prepares } = probe.counts();
    expect(batches).toBeGreaterThan(4);
    // The raw events do not change during the sweep; only the rollup is redone each time. The
    // breakdown (per country, device…) must come out as a run without faults makes it.
    const expected = sent.figures();
    await nextRun();
    const expectedBreakdown = await breakdownOf(campaignId);
    expect(expectedBreakdown.length).toBeGreaterThan(0);

    type Fault = { batch?: Set<number>; mode?: FaultMode; killAtPrepare?: number };
    const faults: Fault[] = [
      ...Array.from({ length: batches }, (_, n) => ({ batch: new Set([n]), mode: "before" as const })),
      ...Array.from({ length: batches }, (_, n) => ({ batch: new Set([n]), mode: "after" as const })),
      ...Array.from({ length: prepares }, (_, n) => ({ killAtPrepare: n })),
    ];
    for (const fault of faults) {
      await resetRollup();
      // The faulty run, in small chunks so that it has many points to fail at, then the next.
      await runRollup(faultyD1(fault).d1, Date.now, SMALL).catch(() => null);
      await nextRun();
      expect(
        await rolledUp(campaignId),
        JSON.stringify({ ...fault, batch: [...(fault.batch ?? [])] }),
      ).toEqual(expected);
      expect(await breakdownOf(campaignId)).toEqual(expectedBreakdown);
    }
    console.log(
      `rollup faults: ${faults.length} runs killed or failed at each D1 call (${batches} chunk batches, ${prepares} statements), all exact`,
    );
  }, 120_000);

  it("rolls a failing chunk back with its watermark, and the next run counts it once", async () => {
    const { campaignId, sent } = await campaignWithEvents();
    await resetRollup();
    const watermarks = async () =>
      (await env.DB.prepare("SELECT source, watermark FROM rollup_state ORDER BY source").all()).results;
    await withTrigger(
      "fault_rollup",
      `BEFORE INSERT ON rollup_daily WHEN NEW.campaign_id = '${campaignId}' BEGIN SELECT RAISE(ABORT, 'injected'); END`,
      async () => {
        const report = await runRollup(env.DB, Date.now);
        // Every source's first chunk holds rows of this campaign: none may have moved on.
        expect(Object.values(report.sources).every((s) => s.chunks === 0)).toBe(true);
        expect((await watermarks()).every((w) => w.watermark === 0)).toBe(true);
        expect(await rolledUp(campaignId)).toEqual([]);
      },
    );
    await nextRun();
    expect(await rolledUp(campaignId)).toEqual(sent.figures());
  });
});

// ---- orders -------------------------------------------------------------------------------------

describe("faults in an order's write", () => {
  it("rolls back a redemption whose code count fails, and the checkout's retry counts it once", async () => {
    const { code, checkout } = await campaignWithEvents();
    const counts = async () => {
      const row = await env.DB.prepare(
        `SELECT (SELECT redemptions FROM promo_codes WHERE code = ?1) AS redemptions,
                (SELECT COUNT(*) FROM conversions WHERE code = ?1) AS orders`,
      )
        .bind(code)
        .first();
      return row;
    };
    const body = { code, order_id: `${code}-c`, amount: 999, currency: "EUR" };
    await withTrigger(
      "fault_redemption",
      `BEFORE UPDATE OF redemptions ON promo_codes WHEN NEW.code = '${code}' BEGIN SELECT RAISE(ABORT, 'injected'); END`,
      async () => {
        const res = await api("POST", "/redemptions", { key: checkout, body });
        expect(res.status).toBe(500);
        expect(res.body.error.code).toBe("internal_error");
        // The insert before the failing update was undone with it.
        expect(await counts()).toEqual({ redemptions: 2, orders: 2 });
      },
    );
    expect((await api("POST", "/redemptions", { key: checkout, body })).status).toBe(201);
    expect((await api("POST", "/redemptions", { key: checkout, body })).status).toBe(200);
    expect(await counts()).toEqual({ redemptions: 3, orders: 3 });
  });
});
