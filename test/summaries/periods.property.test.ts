import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newClickId } from "../../src/clicks/click-id";
import { runRollup } from "../../src/rollup/rollup";
import {
  enrol,
  order,
  ownDay,
  post,
  promoCode,
  refund,
  settleLedger,
  snapshot,
} from "../support/figure-helpers";
import { api, clockFromNoonUtc, createInfluencer, createLink } from "../support/helpers";
import { capturedClick, clicksMessage, deliver } from "../support/queue-helpers";
import { DAILY_FIGURES } from "../support/rollup-recompute";

// Random small campaigns cut into random consecutive periods of local days: every additive figure
// of the periods adds up to the whole campaign's, to the cent, and each period's cost is what this
// file works out from what it sent, by its own floor arithmetic and its own commission per sale and
// per refund (src/metrics and src/commissions are not consulted).
const DAY_MS = 86_400_000;
const RUNS = 15;
const WINDOW_DAYS = 10;
const INFLUENCERS = 2;
const POST_FIGURES = ["impressions", "reach", "views", "likes", "comments", "shares", "saves"] as const;
const ADDITIVE = [
  ...DAILY_FIGURES,
  "net_revenue",
  "cost",
  "impressions",
  "reach",
  "views",
  "engagements",
  "followers_gained",
] as const;

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

type Terms = { fee: number; otherCosts: number; permille: number };
// A share of an amount in minor units, rounded half up, as the ledger books each sale and refund.
const share = (permille: number, amount: number) => Math.floor((2 * permille * amount + 1000) / 2000);
// Hours back from the test's start: events fall anywhere within the window.
const hoursAgo = fc.integer({ min: 1, max: WINDOW_DAYS * 24 });
const scenario = fc.record({
  zone: fc.constantFrom("UTC", "Europe/Paris", "Asia/Kolkata"),
  // Start and length in hours: a campaign may start in the window and end after today.
  dates: fc.option(
    fc.record({ startHoursAgo: hoursAgo, lengthHours: fc.integer({ min: 0, max: WINDOW_DAYS * 24 }) }),
  ),
  terms: fc.array(
    fc.record({
      fee: fc.integer({ min: 0, max: 1_000_000 }),
      otherCosts: fc.integer({ min: 0, max: 99_999 }),
      // Thousandths, so this file's rounding is integer arithmetic: 0.075 is 75.
      permille: fc.constantFrom(0, 100, 75, 137, 333),
    }),
    { minLength: INFLUENCERS, maxLength: INFLUENCERS },
  ),
  sales: fc.array(
    fc.record({
      influencer: fc.integer({ min: 0, max: INFLUENCERS - 1 }),
      hoursAgo,
      amount: fc.integer({ min: 1, max: 99_999 }),
      // A refund this many hours after the sale (never past now), of half the amount or all.
      refund: fc.option(fc.record({ after: fc.integer({ min: 0, max: 72 }), full: fc.boolean() })),
    }),
    { maxLength: 6 },
  ),
  clicks: fc.array(fc.record({ influencer: fc.integer({ min: 0, max: INFLUENCERS - 1 }), hoursAgo }), {
    maxLength: 4,
  }),
  snapshots: fc.array(
    fc.record({
      influencer: fc.integer({ min: 0, max: INFLUENCERS - 1 }),
      hoursAgo,
      figures: fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 7, maxLength: 7 }),
    }),
    { maxLength: 5 },
  ),
  followers: fc.array(
    fc.record({
      influencer: fc.integer({ min: 0, max: INFLUENCERS - 1 }),
      hoursAgo,
      count: fc.integer({ min: 0, max: 100_000 }),
    }),
    { maxLength: 3 },
  ),
  // Offsets (in days from the window's first day) where a new period starts.
  cuts: fc.uniqueArray(fc.integer({ min: 0, max: WINDOW_DAYS + 2 }), { maxLength: 5 }),
});

describe("summaries over periods of local days", () => {
  it("add up over any partition to the whole campaign, cost spread to the cent", async () => {
    // The fee of a campaign without dates is on the Worker's day of the enrolment, which this file
    // takes for the day of its own `now`: the same day, hours away from any zone's midnight.
    clockFromNoonUtc();
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        cases += 1;
        const now = Date.now();
        const at = (hours: number) => now - hours * 3_600_000 - cases;
        const starts = s.dates ? at(s.dates.startHoursAgo) : null;
        const ends = s.dates && starts !== null ? starts + s.dates.lengthHours * 3_600_000 : null;
        const created = await api("POST", "/campaigns", {
          body: {
            name: "Periods",
            objective: "sales",
            currency: "EUR",
            timezone: s.zone,
            ...(starts !== null && ends !== null
              ? { starts_at: new Date(starts).toISOString(), ends_at: new Date(ends).toISOString() }
              : {}),
          },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const campaign = created.body;
        const enrolledDay = ownDay(Date.now(), s.zone);
        const ids: string[] = [];
        const links: string[] = [];
        const codes: string[] = [];
        const posts: string[] = [];
        for (const terms of s.terms) {
          const id = (await createInfluencer()).id as string;
          ids.push(id);
          await enrol(campaign.id, id, {
            fee: terms.fee,
            other_costs: terms.otherCosts,
            commission_rate: terms.permille / 1000,
          });
          links.push((await createLink({ campaign_id: campaign.id, influencer_id: id })).id);
          codes.push(await promoCode(campaign.id, id));
          posts.push(await post(campaign.id, id));
        }
        // Commission per influencer per local day, as this file books it: each sale's share on
        // its day, each refund's (one per sale, never past the sale's) taken back on the refund's.
        const commission = ids.map(() => new Map<string, number>());
        const book = (influencer: number, ms: number, amount: number) => {
          const day = ownDay(ms, s.zone);
          const days = commission[influencer] as Map<string, number>;
          days.set(day, (days.get(day) ?? 0) + amount);
        };
        for (const sale of s.sales) {
          const soldAt = at(sale.hoursAgo);
          const orderId = await order(
            codes[sale.influencer] as string,
            sale.amount,
            new Date(soldAt).toISOString(),
          );
          const permille = (s.terms[sale.influencer] as Terms).permille;
          book(sale.influencer, soldAt, share(permille, sale.amount));
          if (!sale.refund) continue;
          const refundedAt = Math.min(now, soldAt + sale.refund.after * 3_600_000);
          const amount = sale.refund.full ? sale.amount : Math.max(1, Math.floor(sale.amount / 2));
          await refund(orderId, amount, new Date(refundedAt).toISOString());
          book(sale.influencer, refundedAt, -share(permille, amount));
        }
        for (const [n, click] of s.clicks.entries()) {
          const clickedAt = at(click.hoursAgo) - n;
          const link = links[click.influencer] as string;
          await deliver([
            clicksMessage(
              capturedClick({
                id: newClickId(env.SIGNING_SECRET, link, clickedAt),
                link_id: link,
                campaign_id: campaign.id,
                influencer_id: ids[click.influencer] as string,
                clicked_at: clickedAt,
                visitor_hash: (n + 1).toString(16).padStart(64, "0"),
              }),
            ),
          ]);
        }
        for (const [n, snap] of s.snapshots.entries()) {
          await snapshot(
            posts[snap.influencer] as string,
            new Date(at(snap.hoursAgo) - n).toISOString(),
            Object.fromEntries(POST_FIGURES.map((f, i) => [f, snap.figures[i] ?? 0])),
          );
        }
        for (const [n, f] of s.followers.entries()) {
          const res = await api("POST", `/influencers/${ids[f.influencer]}/followers`, {
            body: { count: f.count, captured_at: new Date(at(f.hoursAgo) - n).toISOString() },
          });
          expect(res.status, JSON.stringify(res.body)).toBe(201);
        }
        while (!(await runRollup(env.DB, Date.now, { chunkRows: 50, maxChunks: 50 })).caught_up);
        await settleLedger();

        // Consecutive periods covering every day: the first open at the start, the last at the end.
        const first = dayNumber(ownDay(now - WINDOW_DAYS * DAY_MS, s.zone));
        const cuts = [...s.cuts].sort((a, b) => a - b).map((c) => first + c);
        const periods = [null, ...cuts].map((from, i) => {
          const next = cuts[i];
          return { from, to: next === undefined ? null : next - 1 };
        });

        // This file's own cost of a period (day numbers, null when open), per influencer.
        const costOf = (terms: Terms, influencer: number, from: number | null, to: number | null) => {
          const inPeriod = (day: number) => (from === null || day >= from) && (to === null || day <= to);
          const total = terms.fee + terms.otherCosts;
          let fixed: number;
          if (starts === null || ends === null) {
            fixed = inPeriod(dayNumber(enrolledDay)) ? total : 0;
          } else {
            const d0 = dayNumber(ownDay(starts, s.zone));
            const days = dayNumber(ownDay(ends, s.zone)) - d0 + 1;
            const clamp = (k: number) => Math.min(days, Math.max(0, k));
            const e = clamp(to === null ? days : to + 1 - d0);
            const b = Math.min(e, clamp(from === null ? 0 : from - d0));
            fixed = Math.floor((total * e) / days) - Math.floor((total * b) / days);
          }
          let booked = 0;
          for (const [day, amount] of commission[influencer] as Map<string, number>) {
            if (inPeriod(dayNumber(day))) booked += amount;
          }
          return fixed + booked;
        };

        const query = (p: { from: number | null; to: number | null }) =>
          [p.from === null ? "" : `from=${dayOf(p.from)}`, p.to === null ? "" : `to=${dayOf(p.to)}`]
            .filter(Boolean)
            .join("&");
        const whole = await api("GET", `/campaigns/${campaign.id}/summary`);
        expect(whole.status).toBe(200);
        const added: Record<string, number> = Object.fromEntries(ADDITIVE.map((f) => [f, 0]));
        const addedPer = ids.map(() => ({ ...added }));
        for (const p of periods) {
          const res = await api("GET", `/campaigns/${campaign.id}/summary?${query(p)}`);
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          for (const f of ADDITIVE) added[f] = (added[f] ?? 0) + res.body.totals[f];
          const rows = res.body.influencers as Record<string, number | string>[];
          for (const [i, id] of ids.entries()) {
            const row = rows.find((r) => r.influencer_id === id) as Record<string, number>;
            expect(row.cost, `${id} ${query(p)}`).toBe(costOf(s.terms[i] as Terms, i, p.from, p.to));
            const sums = addedPer[i] as Record<string, number>;
            for (const f of ADDITIVE) sums[f] = (sums[f] ?? 0) + (row[f] as number);
          }
        }
        const pick = (figures: Record<string, unknown>) =>
          Object.fromEntries(ADDITIVE.map((f) => [f, figures[f]]));
        expect(added).toEqual(pick(whole.body.totals));
        for (const [i, id] of ids.entries()) {
          const row = whole.body.influencers.find((r: { influencer_id: string }) => r.influencer_id === id);
          expect(addedPer[i]).toEqual(pick(row));
          expect(row.cost).toBe(costOf(s.terms[i] as Terms, i, null, null));
        }

        // The timeseries over the window: each day's cost is this file's cost of that day, and the
        // points of every interval add up to the summary over the same days.
        const today = dayNumber(ownDay(now, s.zone));
        const range = query({ from: first, to: today });
        const windowTotals = (await api("GET", `/campaigns/${campaign.id}/summary?${range}`)).body.totals;
        for (const interval of ["day", "week", "month"]) {
          const res = await api("GET", `/campaigns/${campaign.id}/timeseries?${range}&interval=${interval}`);
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          const points = res.body.points as Record<string, number | string>[];
          if (interval === "day") {
            expect(points.map((p) => p.cost)).toEqual(
              points.map((p) => {
                const n = dayNumber(p.date as string);
                return s.terms.reduce((a, terms, i) => a + costOf(terms, i, n, n), 0);
              }),
            );
          }
          const summed = Object.fromEntries(
            ADDITIVE.map((f) => [f, points.reduce((a, p) => a + (p[f] as number), 0)]),
          );
          expect(summed, interval).toEqual(pick(windowTotals));
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(cases).toBe(RUNS);
  }, 240_000);
});
