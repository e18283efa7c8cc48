import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runRollup } from "../../src/rollup/rollup";
import {
  type BehaviourEvent,
  behaviourMessage,
  campaignWithLinks,
  engagement,
  pageView,
  type Visit,
  visit,
} from "../support/behaviour-helpers";
import { ownDay } from "../support/figure-helpers";
import { api } from "../support/helpers";
import { deliver } from "../support/queue-helpers";

// Random visits, their beacons split, repeated and shuffled, delivered with rollups in between:
// the behaviour figures of any partition of the campaign's local days into periods are what this
// file works out from what it sent (its own days, its own engaged rule, its own sums: it reads
// nothing the code wrote), and the periods add up to the whole.
const DAY_MS = 86_400_000;
const HOUR = 3_600_000;
const RUNS = 12;
const WINDOW_DAYS = 5;
const INFLUENCERS = 2;

const view = fc.record({
  // Minutes after the session's first possible page view; a view may only ever be engaged
  // (its page view lost).
  minutes: fc.integer({ min: 0, max: 90 }),
  seen: fc.boolean(),
  // Cumulative engaged seconds, reported in this order (not sorted: a beacon may overtake another).
  reports: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 3 }),
});
const scenario = fc.record({
  zone: fc.constantFrom("UTC", "America/New_York", "Asia/Kolkata"),
  visits: fc.array(
    fc.record({
      influencer: fc.integer({ min: 0, max: INFLUENCERS - 1 }),
      hoursAgo: fc.integer({ min: 3, max: WINDOW_DAYS * 24 }),
      returning: fc.boolean(),
      views: fc.array(view, { maxLength: 4 }),
    }),
    { maxLength: 6 },
  ),
  // How events are grouped into messages, which messages are sent twice, and the order.
  split: fc.integer({ min: 1, max: 3 }),
  repeat: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
  order: fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
  // After which deliveries (by position) a rollup runs.
  rollupsAfter: fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 4 }),
  cuts: fc.uniqueArray(fc.integer({ min: 0, max: WINDOW_DAYS + 1 }), { maxLength: 4 }),
});

type Figures = { sessions: number; engaged: number; returning: number; views: number; seconds: number };
const none = (): Figures => ({ sessions: 0, engaged: 0, returning: 0, views: 0, seconds: 0 });
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

describe("behaviour figures over periods of local days", () => {
  it("are those of what was sent, whatever the delivery order, repeats and rollups between", async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        cases += 1;
        const now = Date.now();
        const { campaignId, influencers } = await campaignWithLinks(s.zone, INFLUENCERS);
        // This file's figures per influencer and local day, and the messages to send.
        const expected = influencers.map(() => new Map<string, Figures>());
        const messages: unknown[] = [];
        for (const [n, sent] of s.visits.entries()) {
          const firstAt = now - sent.hoursAgo * HOUR - n;
          const v: Visit = visit(influencers[sent.influencer]?.linkId as string, firstAt - 1000);
          const events: BehaviourEvent[] = [];
          let startedAt: number | null = null;
          let pages = 0;
          let seconds = 0;
          for (const [i, w] of sent.views.entries()) {
            const id = `view-${n}-${i}-xxxx`;
            const at = firstAt + w.minutes * 60_000;
            if (w.seen) {
              events.push(pageView(id, at, `/p/${i}`));
              pages += 1;
              startedAt = startedAt === null ? at : Math.min(startedAt, at);
            }
            for (const r of w.reports) events.push(engagement(id, r));
            seconds += Math.max(0, ...w.reports);
          }
          for (let i = 0; i < events.length; i += s.split) {
            messages.push(behaviourMessage(v, events.slice(i, i + s.split), sent.returning));
          }
          if (events.length === 0) messages.push(behaviourMessage(v, [], sent.returning));
          if (startedAt === null) continue;
          const days = expected[sent.influencer] as Map<string, Figures>;
          const day = ownDay(startedAt, s.zone);
          const f = days.get(day) ?? none();
          f.sessions += 1;
          f.engaged += pages >= 2 || seconds >= 10 ? 1 : 0;
          f.returning += sent.returning ? 1 : 0;
          f.views += pages;
          f.seconds += seconds;
          days.set(day, f);
        }
        const sends = [...messages, ...messages.filter((_, i) => s.repeat[i % s.repeat.length])];
        const shuffled = sends
          .map((m, i) => ({ m, key: s.order[i % s.order.length] ?? 0, i }))
          .sort((a, b) => a.key - b.key || a.i - b.i)
          .map((x) => x.m);
        for (const [i, body] of shuffled.entries()) {
          await deliver([body]);
          if (s.rollupsAfter.includes(i)) await runRollup(env.DB, Date.now, { chunkRows: 2 });
        }
        while (!(await runRollup(env.DB, Date.now, { chunkRows: 2, maxChunks: 50 })).caught_up);

        const first = dayNumber(ownDay(now - (WINDOW_DAYS + 1) * DAY_MS, s.zone));
        const cuts = [...s.cuts].sort((a, b) => a - b).map((c) => first + c);
        const periods = [null, ...cuts].map((from, i) => {
          const next = cuts[i];
          return { from, to: next === undefined ? null : next - 1 };
        });
        const inPeriod = (p: { from: number | null; to: number | null }, day: string) =>
          (p.from === null || dayNumber(day) >= p.from) && (p.to === null || dayNumber(day) <= p.to);
        const sumOf = (p: { from: number | null; to: number | null }, influencer?: number) => {
          const total = none();
          for (const [i, days] of expected.entries()) {
            if (influencer !== undefined && i !== influencer) continue;
            for (const [day, f] of days) {
              if (!inPeriod(p, day)) continue;
              for (const k of Object.keys(total) as (keyof Figures)[]) total[k] += f[k];
            }
          }
          return total;
        };
        // The figures as the API must answer them, from this file's sums.
        const answer = (f: Figures) => ({
          sessions: f.sessions,
          engaged_sessions: f.engaged,
          bounce_rate: f.sessions === 0 ? null : (f.sessions - f.engaged) / f.sessions,
          pages_per_session: f.sessions === 0 ? null : f.views / f.sessions,
          avg_engaged_seconds: f.sessions === 0 ? null : f.seconds / f.sessions,
          returning_sessions: f.returning,
        });
        const pick = (m: Record<string, unknown>) => ({
          sessions: m.sessions,
          engaged_sessions: m.engaged_sessions,
          bounce_rate: m.bounce_rate === null ? null : expect.closeTo(m.bounce_rate as number, 12),
          pages_per_session: m.pages_per_session,
          avg_engaged_seconds: m.avg_engaged_seconds,
          returning_sessions: m.returning_sessions,
        });
        const query = (p: { from: number | null; to: number | null }) =>
          [p.from === null ? "" : `from=${dayOf(p.from)}`, p.to === null ? "" : `to=${dayOf(p.to)}`]
            .filter(Boolean)
            .join("&");
        const added = { sessions: 0, engaged_sessions: 0, returning_sessions: 0 };
        for (const p of periods) {
          const res = await api("GET", `/campaigns/${campaignId}/summary?${query(p)}`);
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          expect(answer(sumOf(p)), query(p)).toEqual(pick(res.body.totals));
          for (const [i, who] of influencers.entries()) {
            const row = res.body.influencers.find(
              (r: { influencer_id: string }) => r.influencer_id === who.id,
            );
            expect(answer(sumOf(p, i)), `${who.id} ${query(p)}`).toEqual(pick(row));
          }
          for (const k of Object.keys(added) as (keyof typeof added)[]) added[k] += res.body.totals[k];
        }
        // The periods add up to the whole campaign's figures.
        const whole = await api("GET", `/campaigns/${campaignId}/summary`);
        expect(answer(sumOf({ from: null, to: null }))).toEqual(pick(whole.body.totals));
        expect(added).toEqual({
          sessions: whole.body.totals.sessions,
          engaged_sessions: whole.body.totals.engaged_sessions,
          returning_sessions: whole.body.totals.returning_sessions,
        });
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(cases).toBe(RUNS);
  }, 180_000);
});
