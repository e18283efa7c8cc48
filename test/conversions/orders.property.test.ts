import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { api, createKey, createLink, follow, unique } from "../support/helpers";

// Random sequences of redemptions, click-based sales, replays and refunds, thrown at the API one
// after another. A small model, written here and knowing nothing of the implementation, says what
// each answer must be; afterwards the stored rows must match it: no order twice, every order with
// exactly one influencer, refunds never above an order's amount.
type Op =
  | { kind: "redeem"; order: number; amount: number; code: 0 | 1 }
  | { kind: "sale"; order: number; amount: number }
  | { kind: "refund"; order: number; refund: number; amount: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("redeem" as const),
    order: fc.integer({ min: 0, max: 2 }),
    amount: fc.constantFrom(1000, 2500),
    code: fc.constantFrom(0 as const, 1 as const),
  }),
  fc.record({
    kind: fc.constant("sale" as const),
    order: fc.integer({ min: 0, max: 4 }),
    amount: fc.constantFrom(1000, 2500),
  }),
  fc.record({
    kind: fc.constant("refund" as const),
    order: fc.integer({ min: 0, max: 3 }),
    refund: fc.integer({ min: 0, max: 4 }),
    amount: fc.constantFrom(300, 700, 1000),
  }),
);

type ModelOrder = { amount: number; via: "code" | "click"; code: 0 | 1 | null; influencer: string };

describe("orders under random sequences", () => {
  it("match a simple model: counted once, one influencer each, refunds within amounts", async () => {
    const checkout = (await createKey("checkout")).key;
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        const run = unique("p");
        // Two codes of two influencers and a clicked link of a third, all in one campaign.
        const clickLink = await createLink();
        const codes = [];
        for (let i = 0; i < 2; i++) {
          const link = await createLink({ campaign_id: clickLink.campaign_id });
          const res = await api("POST", "/codes", {
            body: {
              code: `${run}C${i}`.slice(-32),
              campaign_id: link.campaign_id,
              influencer_id: link.influencer_id,
            },
          });
          codes.push({ code: res.body.code as string, influencer: link.influencer_id as string });
        }
        const clickId = new URL(
          (await follow(clickLink.slug)).headers.get("Location") as string,
        ).searchParams.get("sl_cid") as string;

        const orders = new Map<number, ModelOrder>();
        const refunds = new Map<number, { order: number; amount: number }>();
        const refunded = (order: number) =>
          [...refunds.values()].filter((r) => r.order === order).reduce((sum, r) => sum + r.amount, 0);
        const orderId = (n: number) => `${run}-o${n}`;

        for (const o of ops) {
          tried += 1;
          if (o.kind === "redeem") {
            const res = await api("POST", "/redemptions", {
              key: checkout,
              body: {
                code: codes[o.code]?.code,
                order_id: orderId(o.order),
                amount: o.amount,
                currency: "EUR",
              },
            });
            const existing = orders.get(o.order);
            const expected = !existing
              ? 201
              : existing.via === "code" && existing.code === o.code && existing.amount === o.amount
                ? 200
                : 409;
            expect(res.status, JSON.stringify({ o, body: res.body })).toBe(expected);
            if (expected === 201) {
              orders.set(o.order, {
                amount: o.amount,
                via: "code",
                code: o.code,
                influencer: codes[o.code]?.influencer as string,
              });
            }
          } else if (o.kind === "sale") {
            const res = await api("POST", "/conversions", {
              key: checkout,
              body: {
                type: "sale",
                customer_id: `${run}-cus`,
                click_id: clickId,
                order_id: orderId(o.order),
                amount: o.amount,
                currency: "EUR",
              },
            });
            const existing = orders.get(o.order);
            const expected = !existing
              ? 201
              : existing.via === "code" || existing.amount === o.amount
                ? 200
                : 409;
            expect(res.status, JSON.stringify({ o, body: res.body })).toBe(expected);
            if (expected === 201)
              orders.set(o.order, {
                amount: o.amount,
                via: "click",
                code: null,
                influencer: clickLink.influencer_id,
              });
          } else {
            const res = await api("POST", "/refunds", {
              key: checkout,
              body: { order_id: orderId(o.order), refund_id: `${run}-r${o.refund}`, amount: o.amount },
            });
            const same = refunds.get(o.refund);
            const order = orders.get(o.order);
            const expected = same
              ? same.order === o.order && same.amount === o.amount
                ? 200
                : 409
              : !order
                ? 404
                : refunded(o.order) + o.amount > order.amount
                  ? 422
                  : 201;
            expect(res.status, JSON.stringify({ o, body: res.body })).toBe(expected);
            if (expected === 201) refunds.set(o.refund, { order: o.order, amount: o.amount });
          }
        }

        const stored = await env.DB.prepare(
          "SELECT order_id, influencer_id, amount, attribution FROM conversions WHERE order_id LIKE ? ORDER BY order_id",
        )
          .bind(`${run}-o%`)
          .all<{ order_id: string; influencer_id: string; amount: number; attribution: string }>();
        const expectedOrders = [...orders.entries()]
          .map(([n, m]) => ({
            order_id: orderId(n),
            influencer_id: m.influencer,
            amount: m.amount,
            attribution: m.via,
          }))
          .sort((a, b) => a.order_id.localeCompare(b.order_id));
        expect(stored.results).toEqual(expectedOrders);

        const storedRefunds = await env.DB.prepare(
          "SELECT order_id, SUM(amount) AS total FROM refunds WHERE refund_id LIKE ? GROUP BY order_id ORDER BY order_id",
        )
          .bind(`${run}-r%`)
          .all<{ order_id: string; total: number }>();
        const expectedRefunds = [...orders.keys()]
          .filter((n) => refunded(n) > 0)
          .map((n) => ({ order_id: orderId(n), total: refunded(n) }))
          .sort((a, b) => a.order_id.localeCompare(b.order_id));
        expect(storedRefunds.results).toEqual(expectedRefunds);
        for (const { order_id, total } of storedRefunds.results) {
          const order = stored.results.find((s) => s.order_id === order_id);
          expect(total).toBeLessThanOrEqual(order?.amount ?? 0);
        }
      }),
      { numRuns: 40 },
    );
    console.log(`orders property: ${tried} operations in 40 random sequences`);
  }, 240_000);
});
