import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { enrol } from "../../src/campaigns/enrolments";
import { newClickId } from "../../src/clicks/click-id";
import { balanceOf } from "../../src/commissions/entries";
import { createPayout, markPayoutPaid } from "../../src/commissions/payouts";
import { createDb } from "../../src/db";
import { DomainError } from "../../src/errors";
import { promoCode } from "../support/figure-helpers";
import { createCampaign, createInfluencer, createLink, unique } from "../support/helpers";
import { checkout, deliverEach, heldQueue } from "../support/ledger-helpers";

// Random programs: influencers on random terms; a stream of sales, leads, refunds, fee changes,
// time passing and payouts. The checkout's events are held back and delivered to the real queue
// consumer late, out of order and more than once (a refund often before its sale). After each
// payout, every payout line and every balance must be what this file works out from what it sent,
// with its own arithmetic (src/commissions is not consulted); every sale's clawbacks must be
// capped at what it earned, and no entry may be in two payouts.

const DAY = 86_400_000;
const RUNS = 12;
const INFLUENCERS = 3;
const db = createDb(env.DB);

// A share of an amount, rounded half up: thousandths keep it integer arithmetic.
const share = (permille: number, amount: number) => Math.floor((2 * permille * amount + 1000) / 2000);

const who = fc.integer({ min: 0, max: INFLUENCERS - 1 });
const step = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("sale" as const),
      who,
      amount: fc.integer({ min: 1, max: 60_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("lead" as const), who }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("refund" as const),
      // The latest sale (-1) often, so that one sale gets several partial refunds.
      sale: fc.oneof(fc.constant(-1), fc.nat()),
      // Delivered at once, before its sale's event if that still waits.
      early: fc.boolean(),
      // Percent of what is left on the order; 100 refunds all of it.
      percent: fc.constantFrom(1, 10, 33, 50, 67, 100),
      // Given back in this many refunds (item by item): the rounded shares of the pieces may add
      // up to more than the sale's.
      pieces: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("fee" as const),
      who,
      fee: fc.integer({ min: 0, max: 90_000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("wait" as const), hours: fc.integer({ min: 0, max: 96 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("deliver" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("payout" as const), min: fc.constantFrom(1, 500, 5_000) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("paid" as const) }) },
);
const scenario = fc.record({
  terms: fc.array(
    fc.record({
      // Half often: there a sale of 3 earns 2, and three refunds of 1 would take back 1 each.
      permille: fc.constantFrom(0, 75, 137, 333, 500, 500, 500),
      perSale: fc.constantFrom(0, 0, 50, 199),
      perLead: fc.constantFrom(0, 40),
      holdingDays: fc.integer({ min: 0, max: 6 }),
      fee: fc.constantFrom(0, 10_000),
    }),
    { minLength: INFLUENCERS, maxLength: INFLUENCERS },
  ),
  steps: fc.array(step, { minLength: 5, maxLength: 36 }),
  // Where each delivery falls and in what order, drawn as the run goes.
  draws: fc.infiniteStream(fc.integer({ min: 0, max: 999_999 })),
});

type Person = { id: string; code: string; link: string };
type Terms = { permille: number; perSale: number; perLead: number; holdingDays: number; fee: number };
type Sale = {
  who: number;
  orderId: string;
  amount: number;
  refunded: number;
  shares: number[];
  earned: number;
  payableAt: number;
  claimed: boolean;
  clawClaimed: number;
};
type Lead = { who: number; earned: number; payableAt: number; claimed: boolean };

let run = 0;
// A currency of each run's own (payouts claim by currency), from the end of ISO 4217's list, which
// no other test uses.
const CURRENCIES = Intl.supportedValuesOf("currency").reverse();
const currencyOf = (n: number) => CURRENCIES[n % CURRENCIES.length] as string;

describe("the commission ledger under random streams, late, repeated and out of order", () => {
  it("pays every balance and payout this file works out, each entry once, every clawback capped", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const currency = currencyOf(run++);
        const next = () => (s.draws.next().value as number) / 1_000_000;
        const campaign = (await createCampaign({ currency })).id as string;
        let now = Date.now() - 150 * DAY;
        const clock = () => now;
        const people: Person[] = [];
        const fees: number[] = [];
        const feeClaimed: number[] = [];
        for (const t of s.terms) {
          const id = (await createInfluencer()).id as string;
          await enrol(
            db,
            campaign,
            id,
            {
              commissionRate: t.permille / 1000,
              commissionPerSale: t.perSale,
              commissionPerLead: t.perLead,
              holdingDays: t.holdingDays,
              fee: t.fee,
            },
            clock,
          );
          fees.push(t.fee);
          feeClaimed.push(0);
          const code = await promoCode(campaign, id);
          const link = (await createLink({ campaign_id: campaign, influencer_id: id })).id as string;
          people.push({ id, code, link });
        }
        const sales: Sale[] = [];
        const leads: Lead[] = [];
        // Per payout, what it pays each influencer; and what is paid.
        const payouts: { id: string; lines: Map<number, number>; paid: boolean }[] = [];
        const paid = people.map(() => 0);
        const queue = heldQueue();
        // Every event is delivered exactly twice, each time at a random moment and in a random
        // order among the others: both deliveries of a refund may come before its sale's.
        const firstTime: unknown[] = [];
        const secondTime: unknown[] = [];
        const shuffle = <T>(items: T[]) => {
          for (let i = items.length - 1; i > 0; i--) {
            const j = Math.floor(next() * (i + 1));
            [items[i], items[j]] = [items[j] as T, items[i] as T];
          }
          return items;
        };
        // A random part (or all) of what waits for either delivery; the rest keeps waiting.
        const deliverSome = async (all: boolean) => {
          firstTime.push(...queue.take());
          const pick = (from: unknown[]) => {
            const kept = from.splice(0);
            const now = kept.filter((event) => all || next() < 0.5 || !from.push(event));
            return now;
          };
          const second = pick(secondTime);
          const first = pick(firstTime);
          await deliverEach(shuffle([...first, ...second]));
          secondTime.push(...first);
        };
        const settle = async () => {
          await deliverSome(true);
          await deliverSome(true);
        };
        const key = await checkout();

        const clawed = (sale: Sale) =>
          Math.min(
            sale.earned,
            sale.shares.reduce((a, b) => a + b, 0),
          );
        const unclaimedPayable = (who: number) => {
          let amount = (fees[who] ?? 0) - (feeClaimed[who] ?? 0);
          for (const sale of sales) {
            if (sale.who !== who || sale.payableAt > now) continue;
            amount += (sale.claimed ? 0 : sale.earned) - (clawed(sale) - sale.clawClaimed);
          }
          for (const lead of leads)
            if (lead.who === who && lead.payableAt <= now && !lead.claimed) amount += lead.earned;
          return amount;
        };
        // Balances once every event is in: the ledger derived what was recorded.
        const checkBalances = async () => {
          await settle();
          for (const [who, person] of people.entries()) {
            let total = fees[who] ?? 0;
            let pending = 0;
            for (const sale of sales) {
              if (sale.who !== who) continue;
              total += sale.earned - clawed(sale);
              if (sale.payableAt > now) pending += sale.earned - clawed(sale);
            }
            for (const lead of leads) {
              if (lead.who !== who) continue;
              total += lead.earned;
              if (lead.payableAt > now) pending += lead.earned;
            }
            const balances = await balanceOf(db, person.id, clock);
            const paidOut = paid[who] ?? 0;
            const expected = { currency, pending, payable: total - pending - paidOut, paid: paidOut };
            const actual = balances[0] ?? { currency, pending: 0, payable: 0, paid: 0 };
            expect(actual, `influencer ${who}`).toEqual(expected);
          }
        };

        for (const st of s.steps) {
          const t =
            st.kind === "sale" || st.kind === "lead" || st.kind === "fee" ? s.terms[st.who] : undefined;
          if (st.kind === "sale" && t) {
            const person = people[st.who] as Person;
            const orderId = unique("o");
            const res = await queue.call(
              "POST",
              "/redemptions",
              {
                code: person.code,
                order_id: orderId,
                amount: st.amount,
                currency,
                occurred_at: new Date(now).toISOString(),
              },
              key,
            );
            expect(res.status, JSON.stringify(res.body)).toBe(201);
            const earned = share(t.permille, st.amount) + t.perSale;
            sales.push({
              who: st.who,
              orderId,
              amount: st.amount,
              refunded: 0,
              shares: [],
              earned,
              payableAt: now + t.holdingDays * DAY,
              claimed: earned === 0,
              clawClaimed: 0,
            });
          } else if (st.kind === "lead" && t) {
            const person = people[st.who] as Person;
            const res = await queue.call(
              "POST",
              "/conversions",
              {
                type: "lead",
                customer_id: unique("lead"),
                click_id: newClickId(env.SIGNING_SECRET, person.link, now - 60_000),
                occurred_at: new Date(now).toISOString(),
              },
              key,
            );
            expect(res.status, JSON.stringify(res.body)).toBe(201);
            leads.push({
              who: st.who,
              earned: t.perLead,
              payableAt: now + t.holdingDays * DAY,
              claimed: t.perLead === 0,
            });
          } else if (st.kind === "refund") {
            const sale = st.sale < 0 ? sales.at(-1) : sales[st.sale % Math.max(1, sales.length)];
            if (!sale || sale.refunded === sale.amount) continue;
            const amount = Math.max(1, Math.floor(((sale.amount - sale.refunded) * st.percent) / 100));
            const pieces = Math.min(st.pieces, amount);
            for (let n = 0; n < pieces; n++) {
              const piece =
                n < pieces - 1 ? Math.floor(amount / pieces) : amount - Math.floor(amount / pieces) * n;
              const res = await queue.call(
                "POST",
                "/refunds",
                {
                  order_id: sale.orderId,
                  refund_id: unique("r"),
                  amount: piece,
                  occurred_at: new Date(now).toISOString(),
                },
                key,
              );
              expect(res.status, JSON.stringify(res.body)).toBe(201);
              sale.refunded += piece;
              sale.shares.push(share((s.terms[sale.who] as Terms).permille, piece));
            }
            if (st.early) {
              const events = queue.take();
              const refundEvents = events.splice(events.length - pieces);
              firstTime.push(...events);
              await deliverEach(refundEvents);
              secondTime.push(...refundEvents);
            }
          } else if (st.kind === "fee") {
            await enrol(db, campaign, (people[st.who] as Person).id, { fee: st.fee }, clock);
            fees[st.who] = st.fee;
          } else if (st.kind === "wait") {
            now = Math.min(Date.now() - 60_000, now + st.hours * 3_600_000);
          } else if (st.kind === "deliver") {
            await deliverSome(false);
          } else if (st.kind === "payout") {
            await settle();
            const lines = new Map<number, number>();
            for (const who of people.keys()) {
              const amount = unclaimedPayable(who);
              if (amount >= st.min) lines.set(who, amount);
            }
            let made: Awaited<ReturnType<typeof createPayout>> | null = null;
            try {
              made = await createPayout(db, { currency, minAmount: st.min }, clock);
            } catch (error) {
              if (!(error instanceof DomainError) || error.code !== "nothing_payable") throw error;
            }
            const actual = new Map(
              (made?.payout.lines ?? []).map((line) => [
                people.findIndex((p) => p.id === line.influencerId),
                line.amount,
              ]),
            );
            expect(actual).toEqual(lines);
            if (!made) continue;
            payouts.push({ id: made.payout.id, lines, paid: false });
            for (const who of lines.keys()) {
              feeClaimed[who] = fees[who] ?? 0;
              for (const sale of sales) {
                if (sale.who !== who || sale.payableAt > now) continue;
                sale.claimed = true;
                sale.clawClaimed = clawed(sale);
              }
              for (const lead of leads) if (lead.who === who && lead.payableAt <= now) lead.claimed = true;
            }
            await checkBalances();
          } else if (st.kind === "paid") {
            const payout = payouts.find((p) => !p.paid);
            if (!payout) continue;
            await markPayoutPaid(db, payout.id, undefined, clock);
            payout.paid = true;
            for (const [who, amount] of payout.lines) paid[who] = (paid[who] ?? 0) + amount;
            await checkBalances();
          }
        }

        await checkBalances();
        // Each sale's clawbacks are what this file capped them at, never past what it earned.
        const { results } = await env.DB.prepare(
          `SELECT s.conversion_id, s.amount, (SELECT COALESCE(SUM(c.amount), 0) FROM commission_entries c
             WHERE c.kind = 'clawback' AND c.conversion_id = s.conversion_id) AS clawed,
             (SELECT order_id FROM conversions WHERE id = s.conversion_id) AS order_id
           FROM commission_entries s WHERE s.kind = 'sale' AND s.campaign_id = ?`,
        )
          .bind(campaign)
          .all<{ amount: number; clawed: number; order_id: string }>();
        expect(results).toHaveLength(sales.filter((sale) => sale.earned > 0).length);
        for (const row of results) {
          const sale = sales.find((x) => x.orderId === row.order_id) as Sale;
          expect(row.amount).toBe(sale.earned);
          expect(row.clawed + clawed(sale)).toBe(0);
          expect(row.amount + row.clawed).toBeGreaterThanOrEqual(0);
        }
        // Paid entries are exactly those of paid payouts, each in one.
        const paidRows = await env.DB.prepare(
          `SELECT COALESCE(SUM(e.amount), 0) AS amount FROM commission_entries e JOIN payouts p ON p.id = e.payout_id
           WHERE e.campaign_id = ?1 AND e.paid_at IS NOT NULL AND p.status = 'paid'`,
        )
          .bind(campaign)
          .first<{ amount: number }>();
        expect(paidRows?.amount).toBe(paid.reduce((a, b) => a + b, 0));
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 240_000);
});
