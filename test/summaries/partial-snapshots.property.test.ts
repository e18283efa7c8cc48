import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ownDay, post } from "../support/figure-helpers";
import { api, createInfluencer } from "../support/helpers";

// Random partial snapshots: each reports a random subset of the figures, and they are sent in a
// random order (some at the same moment). A figure left out is not reported, so this file's own
// level of a figure at the end of a local day is the latest value reported for it by then (by
// captured_at), figure by figure; a period's growth is its level at the end minus its level just
// before the start. The summaries, the timeseries, post_growth_daily and each post's latest metrics
// are checked against that, over a random partition of the days into periods that must add up to
// all time; then again after the campaign's zone changes (which dates every snapshot afresh).
const DAY_MS = 86_400_000;
const RUNS = 12;
const WINDOW_DAYS = 8;
const POSTS = 2;
const FIGURES = ["impressions", "reach", "views", "likes", "comments", "shares", "saves"] as const;
type Figure = (typeof FIGURES)[number];
const ENGAGEMENTS: Figure[] = ["likes", "comments", "shares", "saves"];

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

type Sent = { post: number; at: number; figures: Partial<Record<Figure, number>> };

const scenario = fc.record({
  zone: fc.constantFrom("UTC", "Europe/Paris", "Asia/Kolkata", "America/Los_Angeles"),
  otherZone: fc.constantFrom("Pacific/Auckland", "America/Sao_Paulo"),
  snapshots: fc.array(
    fc.record({
      post: fc.integer({ min: 0, max: POSTS - 1 }),
      hoursAgo: fc.integer({ min: 1, max: WINDOW_DAYS * 24 }),
      // At least one figure each (a snapshot reporting none is refused).
      figures: fc
        .record(Object.fromEntries(FIGURES.map((f) => [f, fc.option(fc.integer({ min: 0, max: 50_000 }))])))
        .filter((r) => Object.values(r).some((v) => v !== null)),
    }),
    { minLength: 1, maxLength: 9 },
  ),
  // The order the snapshots are sent in, and which are sent together with the next one.
  order: fc.infiniteStream(fc.integer({ min: 0, max: 1_000 })),
  together: fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
  cuts: fc.uniqueArray(fc.integer({ min: 0, max: WINDOW_DAYS + 1 }), { maxLength: 4 }),
});

// This file's own level of each figure of a post at the end of local day `day` (null: none reported).
function level(sent: Sent[], postIndex: number, figure: Figure, zone: string, day: number | null) {
  let latest: { at: number; value: number } | null = null;
  for (const s of sent) {
    const value = s.figures[figure];
    if (s.post !== postIndex || value === undefined) continue;
    if (day !== null && dayNumber(ownDay(s.at, zone)) > day) continue;
    if (!latest || s.at > latest.at) latest = { at: s.at, value };
  }
  return latest?.value ?? null;
}

// Growth of each figure over the posts, from the day after `before` to `to` (null: open ends).
function growth(sent: Sent[], zone: string, before: number | null, to: number | null) {
  const out = Object.fromEntries(FIGURES.map((f) => [f, 0])) as Record<Figure, number>;
  for (let p = 0; p < POSTS; p++) {
    for (const f of FIGURES) {
      const end = level(sent, p, f, zone, to) ?? 0;
      const start = before === null ? 0 : (level(sent, p, f, zone, before) ?? 0);
      out[f] += end - start;
    }
  }
  return out;
}

const apiFigures = (g: Record<Figure, number>) => ({
  impressions: g.impressions,
  reach: g.reach,
  views: g.views,
  engagements: ENGAGEMENTS.reduce((a, f) => a + g[f], 0),
});

describe("partial post snapshots", () => {
  it("count each figure at the latest value reported for it, in every period, however they arrive", async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        cases += 1;
        const now = Date.now();
        const created = await api("POST", "/campaigns", {
          body: { name: "Partial", objective: "awareness", currency: "EUR", timezone: s.zone },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const campaignId = created.body.id as string;
        const postIds: string[] = [];
        for (let p = 0; p < POSTS; p++) postIds.push(await post(campaignId, (await createInfluencer()).id));
        // Distinct instants per snapshot, so that "latest" needs no tie-break here.
        const sent: Sent[] = s.snapshots.map((snap, n) => ({
          post: snap.post,
          at: now - snap.hoursAgo * 3_600_000 - n * 1_000 - cases,
          figures: Object.fromEntries(
            Object.entries(snap.figures).filter(([, v]) => v !== null),
          ) as Sent["figures"],
        }));
        const order = sent.map((snap, n) => ({ snap, key: s.order.next().value as number, n }));
        order.sort((a, b) => a.key - b.key || a.n - b.n);
        // Send in that order; a snapshot marked "together" goes at the same moment as the next.
        let group: Sent[] = [];
        for (const [i, { snap }] of order.entries()) {
          group.push(snap);
          if (s.together[i] && i < order.length - 1) continue;
          const results = await Promise.all(
            group.map((g) =>
              api("POST", `/posts/${postIds[g.post]}/metrics`, {
                body: { captured_at: new Date(g.at).toISOString(), ...g.figures },
              }),
            ),
          );
          for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(201);
          group = [];
        }

        const check = async (zone: string) => {
          const first = dayNumber(ownDay(now - WINDOW_DAYS * DAY_MS, zone));
          const today = dayNumber(ownDay(now, zone));
          const cuts = [...s.cuts].sort((a, b) => a - b).map((c) => first + c);
          const periods = [null, ...cuts].map((from, i) => {
            const next = cuts[i];
            return { from, to: next === undefined ? null : next - 1 };
          });
          const query = (p: { from: number | null; to: number | null }) =>
            [p.from === null ? "" : `from=${dayOf(p.from)}`, p.to === null ? "" : `to=${dayOf(p.to)}`]
              .filter(Boolean)
              .join("&");
          const whole = await api("GET", `/campaigns/${campaignId}/summary`);
          expect(whole.status).toBe(200);
          const allTime = apiFigures(growth(sent, zone, null, null));
          expect(whole.body.totals, zone).toMatchObject(allTime);
          const added = { impressions: 0, reach: 0, views: 0, engagements: 0 };
          for (const p of periods) {
            const res = await api("GET", `/campaigns/${campaignId}/summary?${query(p)}`);
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            const own = apiFigures(growth(sent, zone, p.from === null ? null : p.from - 1, p.to));
            expect(res.body.totals, `${zone} ${query(p)}`).toMatchObject(own);
            for (const f of Object.keys(added) as (keyof typeof added)[]) added[f] += res.body.totals[f];
          }
          expect(added).toEqual(allTime);

          // Each day of the window: the timeseries' points, and post_growth_daily figure by figure.
          const range = query({ from: first, to: today });
          const series = await api("GET", `/campaigns/${campaignId}/timeseries?${range}`);
          expect(series.status, JSON.stringify(series.body)).toBe(200);
          const days = Array.from({ length: today - first + 1 }, (_, i) => first + i);
          const ownDays = days.map((d) => growth(sent, zone, d - 1, d));
          expect(
            series.body.points.map((pt: Record<string, number>) => ({
              impressions: pt.impressions,
              reach: pt.reach,
              views: pt.views,
              engagements: pt.engagements,
            })),
            zone,
          ).toEqual(ownDays.map(apiFigures));
          const { results } = await env.DB.prepare(
            `SELECT day, ${FIGURES.map((f) => `SUM(${f}) AS ${f}`).join(", ")} FROM post_growth_daily
             WHERE campaign_id = ? GROUP BY day`,
          )
            .bind(campaignId)
            .all<Record<string, number | string>>();
          const kept = new Map(results.map((r) => [r.day as string, r]));
          for (const [i, d] of days.entries()) {
            const row = kept.get(dayOf(d));
            const stored = Object.fromEntries(FIGURES.map((f) => [f, Number(row?.[f] ?? 0)]));
            expect(stored, `${zone} ${dayOf(d)}`).toEqual(ownDays[i]);
          }
          // All kept days, in the window or not, add up to all time, figure by figure.
          const keptTotal = Object.fromEntries(
            FIGURES.map((f) => [f, results.reduce((a, r) => a + Number(r[f]), 0)]),
          );
          expect(keptTotal).toEqual(growth(sent, zone, null, null));

          // Each post's latest metrics: every figure at the latest value reported for it.
          for (const [p, id] of postIds.entries()) {
            const res = await api("GET", `/posts/${id}`);
            const latest = res.body.latest_metrics as Record<string, number | null> | null;
            const own = Object.fromEntries(FIGURES.map((f) => [f, level(sent, p, f, zone, null)]));
            if (Object.values(own).every((v) => v === null)) expect(latest).toBeNull();
            else expect(latest).toMatchObject(own);
          }
        };
        await check(s.zone);
        // No click or conversion yet: the zone may change, and every snapshot is dated again.
        const patched = await api("PATCH", `/campaigns/${campaignId}`, { body: { timezone: s.otherZone } });
        expect(patched.status, JSON.stringify(patched.body)).toBe(200);
        await check(s.otherZone);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(cases).toBe(RUNS);
  }, 180_000);
});
