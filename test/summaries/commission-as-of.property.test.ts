import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { enrol, promoCode } from "../support/figure-helpers";
import { api, createCampaign, createInfluencer } from "../support/helpers";
import { deliverEach, heldQueue, heldRefund, heldSale } from "../support/ledger-helpers";

// Random programs of sales, refunds, deliveries of their held events (late, out of order, again)
// and rollups. After every step the summary's revenue, refunds and cost must be what this file
// works out: revenue and refunds of what the last rollup saw, and the fee plus the commission of
// each sale and refund that is both rolled up and derived by the ledger, whichever came first.
// Amounts are multiples of 10 at a 10 % rate, and refunds stay within half of their sale, so each
// entry is exactly a tenth and no clawback is capped: the arithmetic here needs no rounding.

const FEE = 1_000;
const RUNS = 6;

type Sale = { orderId: string; amount: number; refunded: number; rolled: boolean; derived: boolean };
type Refund = { sale: Sale; amount: number; rolled: boolean; derived: boolean };
type Event = { body: unknown; derives: () => void };

const step = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("sale" as const), tens: fc.integer({ min: 1, max: 900 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("refund" as const),
      sale: fc.nat(),
      percent: fc.constantFrom(10, 25, 50),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("deliver" as const), event: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("rollup" as const) }) },
);

describe("commission in the figures, as of the rollup, under any order of events and rollups", () => {
  it("counts each entry once, once both the rollup and the ledger have its sale or refund", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 12 }), async (steps) => {
        const campaign = (await createCampaign()).id as string;
        const influencer = (await createInfluencer()).id as string;
        await enrol(campaign, influencer, { fee: FEE, commission_rate: 0.1, holding_days: 0 });
        const code = await promoCode(campaign, influencer);
        const queue = heldQueue();
        const sales: Sale[] = [];
        const refunds: Refund[] = [];
        const events: Event[] = [];
        // The events the checkout just sent, kept with what their delivery derives.
        const held = (derives: () => void) => {
          for (const body of queue.take()) events.push({ body, derives });
        };

        for (const s of steps) {
          if (s.kind === "sale") {
            const amount = s.tens * 10;
            const { orderId } = await heldSale(queue, code, amount, "2026-11-02T10:00:00Z");
            const sale: Sale = { orderId, amount, refunded: 0, rolled: false, derived: false };
            sales.push(sale);
            held(() => {
              sale.derived = true;
            });
          } else if (s.kind === "refund") {
            const sale = sales[s.sale % Math.max(1, sales.length)];
            if (!sale) continue;
            const amount = Math.min(
              Math.floor((sale.amount * s.percent) / 1000) * 10,
              Math.floor((sale.amount / 2 - sale.refunded) / 10) * 10,
            );
            if (amount < 10) continue;
            sale.refunded += amount;
            await heldRefund(queue, sale.orderId, amount, "2026-11-03T10:00:00Z");
            const refund: Refund = { sale, amount, rolled: false, derived: false };
            refunds.push(refund);
            // A refund's event derives its sale's entry first when it is missing.
            held(() => {
              sale.derived = true;
              refund.derived = true;
            });
          } else if (s.kind === "deliver") {
            const event = events[s.event % Math.max(1, events.length)];
            if (!event) continue;
            await deliverEach([event.body]);
            event.derives();
          } else {
            expect((await api("POST", "/rollup")).status).toBe(200);
            for (const x of [...sales, ...refunds]) x.rolled = true;
          }

          const summary = await api("GET", `/campaigns/${campaign}/summary`);
          const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);
          const counted = <T extends { rolled: boolean; derived: boolean }>(xs: T[]) =>
            xs.filter((x) => x.rolled && x.derived);
          expect(
            {
              revenue: summary.body.totals.revenue,
              refunds: summary.body.totals.refunds,
              cost: summary.body.totals.cost,
            },
            JSON.stringify(s),
          ).toEqual({
            revenue: sum(
              sales.filter((x) => x.rolled),
              (x) => x.amount,
            ),
            refunds: sum(
              refunds.filter((x) => x.rolled),
              (x) => x.amount,
            ),
            cost:
              FEE + sum(counted(sales), (x) => x.amount / 10) - sum(counted(refunds), (x) => x.amount / 10),
          });
        }
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
