import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { newClickId, verifyClickId } from "../../src/clicks/click-id";
import { type RollupOptions, runRollup } from "../../src/rollup/rollup";
import {
  api,
  createCampaign,
  createInfluencer,
  createKey,
  createLink,
  follow,
  unique,
  utcDay,
} from "../support/helpers";
import { CRAWLER, capturedClick, clicksMessage, deliver, PHONE } from "../support/queue-helpers";
import { DAILY_FIGURES, type DailyFigures, isBotAgent, noFigures } from "../support/rollup-recompute";

// Random event streams over a few UTC days, influencers and links, with rollup runs at random
// points (random chunk sizes, some of them overlapping) and late events for days already rolled
// up. After a last run, the campaign summary must equal what this file recomputes from the events
// it sent, by its own arithmetic: neither the rollup nor src/metrics is consulted. So must the
// campaign's timeseries, day by day, each event in the UTC day of the time it was sent with (late
// clicks fall anywhere in their day, its first and last minutes often).
const DAY_MS = 86_400_000;
const RUNS = 8;
const INFLUENCERS = 3;
const LINKS_PER_INFLUENCER = 2;
const VISITORS = 4;

type Event =
  // Through the redirect and the real queue: today, a visitor is an address (or a crawler).
  | { kind: "redirect"; link: number; visitor: number; bot: boolean }
  // Straight to the queue consumer, dated days back (the redirect cannot backdate).
  | { kind: "late-click"; link: number; visitor: number; bot: boolean; daysAgo: number; minute: number }
  | { kind: "sale-by-click"; click: number; amount: number }
  | { kind: "lead-by-click"; click: number }
  | { kind: "sale-by-code"; influencer: number; amount: number; daysAgo: number }
  | { kind: "replay-order"; order: number }
  | { kind: "refund"; order: number; full: boolean }
  | { kind: "snapshot"; post: number; minutesAgo: number; figures: number[] }
  | { kind: "rollup"; chunkRows: number; maxChunks: number; overlapping: boolean };

const index = (max: number) => fc.integer({ min: 0, max });
const links = INFLUENCERS * LINKS_PER_INFLUENCER;
const event: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("redirect"),
      link: index(links - 1),
      visitor: index(VISITORS - 1),
      bot: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("late-click"),
      link: index(links - 1),
      visitor: index(VISITORS - 1),
      bot: fc.boolean(),
      daysAgo: fc.integer({ min: 1, max: 3 }),
      minute: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(0, 1, 59, 60, 1380, 1438, 1439)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("sale-by-click"),
      click: index(50),
      amount: fc.integer({ min: 1, max: 9999 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("lead-by-click"), click: index(50) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("sale-by-code"),
      influencer: index(INFLUENCERS - 1),
      amount: fc.integer({ min: 1, max: 9999 }),
      daysAgo: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("replay-order"), order: index(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("refund"), order: index(20), full: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("snapshot"),
      post: index(INFLUENCERS - 1),
      minutesAgo: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      figures: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 7, maxLength: 7 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("rollup"),
      chunkRows: fc.integer({ min: 1, max: 6 }),
      maxChunks: fc.integer({ min: 1, max: 3 }),
      overlapping: fc.boolean(),
    }),
  },
);

const POST_FIGURES = ["impressions", "reach", "views", "likes", "comments", "shares", "saves"] as const;
// The summary's Metrics compared: the sums, and what follows from them without a ratio.
const FIGURES = [...DAILY_FIGURES, "net_revenue", "impressions", "reach", "views", "engagements"] as const;
type Figures = Record<(typeof FIGURES)[number] | (typeof POST_FIGURES)[number], number>;
const zero = (): Figures => Object.fromEntries([...FIGURES, ...POST_FIGURES].map((f) => [f, 0])) as Figures;

// What the events add up to, per influencer, kept as the events are sent.
class Model {
  readonly raw = new Map<string, DailyFigures>();
  readonly uniques = new Map<string, Set<string>>();
  // The campaign's figures per UTC day.
  readonly days = new Map<string, DailyFigures>();
  readonly latestSnapshot = new Map<string, { influencer: string; at: number; figures: number[] }>();

  private of(influencer: string, day: string) {
    const rows = [this.raw, this.days].map((table, i) => {
      const key = i === 0 ? influencer : day;
      let row = table.get(key);
      if (!row) {
        row = noFigures();
        table.set(key, row);
      }
      return row;
    });
    return rows;
  }
  // A click at `at`, by `visitor` (as the test knows them), a bot by the test's own rule.
  click(influencer: string, link: string, at: number, userAgent: string, visitor: string) {
    const day = utcDay(at);
    const rows = this.of(influencer, day);
    if (isBotAgent(userAgent)) {
      for (const row of rows) row.bot_clicks += 1;
      return;
    }
    const visit = `${link}|${day}|${visitor}`;
    const seen = this.uniques.get(influencer) ?? new Set();
    this.uniques.set(influencer, seen);
    const first = !seen.has(visit);
    seen.add(visit);
    for (const row of rows) {
      row.clicks += 1;
      if (first) row.unique_clicks += 1;
    }
  }
  add(
    influencer: string,
    field: "leads" | "conversions" | "code_conversions" | "click_conversions" | "revenue" | "refunds",
    n: number,
    at: number,
  ) {
    for (const row of this.of(influencer, utcDay(at))) row[field] += n;
  }
  snapshot(post: string, influencer: string, at: number, figures: number[]) {
    const latest = this.latestSnapshot.get(post);
    if (!latest || at > latest.at) this.latestSnapshot.set(post, { influencer, at, figures });
  }
  figures(influencer: string | null): Figures {
    const out = zero();
    for (const [id, row] of this.raw) {
      if (influencer !== null && id !== influencer) continue;
      for (const [field, n] of Object.entries(row)) out[field as keyof typeof row] += n;
    }
    out.net_revenue = out.revenue - out.refunds;
    for (const snap of this.latestSnapshot.values()) {
      if (influencer !== null && snap.influencer !== influencer) continue;
      POST_FIGURES.forEach((field, i) => {
        out[field] += snap.figures[i] ?? 0;
      });
    }
    out.engagements = out.likes + out.comments + out.shares + out.saves;
    return out;
  }
}

const pick = (figures: Record<string, unknown>) => Object.fromEntries(FIGURES.map((f) => [f, figures[f]]));
// The conversion rate as the contract defines it, from the model's own sums: orders a click
// explains over unique clicks (code orders left out), null without unique clicks.
const conversionRate = (figures: Figures) =>
  figures.unique_clicks === 0 ? null : figures.click_conversions / figures.unique_clicks;
const pickDaily = (figures: Record<string, unknown>) =>
  Object.fromEntries(DAILY_FIGURES.map((f) => [f, figures[f] ?? 0]));

async function rollUp(options: Partial<RollupOptions>, overlapping: boolean) {
  if (!overlapping) return runRollup(env.DB, Date.now, options);
  // Two runs at once whose lease expires at once (as when a run outlives its lease): both read
  // the same watermarks, and the guard alone must let only one of them add each chunk.
  const expiring = { ...options, leaseMs: 0 };
  const [a] = await Promise.all([
    runRollup(env.DB, Date.now, expiring),
    runRollup(env.DB, Date.now, expiring),
  ]);
  return a;
}

describe("rollup under random event streams", () => {
  it("gives the same campaign summary as a recomputation from the events, however runs split them", async () => {
    const checkout = (await createKey("checkout")).key;
    let cases = 0;
    let events = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 10, maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        async (stream, finalChunk) => {
          cases += 1;
          const run = unique("r").toUpperCase();
          const campaign = await createCampaign();
          const influencers: string[] = [];
          const linkRows: { id: string; slug: string; influencer: string }[] = [];
          const codes: string[] = [];
          const posts: { id: string; influencer: string }[] = [];
          for (let i = 0; i < INFLUENCERS; i++) {
            const influencer = (await createInfluencer()).id as string;
            influencers.push(influencer);
            for (let k = 0; k < LINKS_PER_INFLUENCER; k++) {
              const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer });
              linkRows.push({ id: link.id, slug: link.slug, influencer });
            }
            const code = await api("POST", "/codes", {
              body: { code: `${run}C${i}`.slice(-32), campaign_id: campaign.id, influencer_id: influencer },
            });
            expect(code.status).toBe(201);
            codes.push(code.body.code);
            const post = await api("POST", "/posts", {
              body: {
                campaign_id: campaign.id,
                influencer_id: influencer,
                url: `https://instagram.com/p/${run}${i}`,
              },
            });
            expect(post.status).toBe(201);
            posts.push({ id: post.body.id, influencer });
          }

          const model = new Model();
          const humanClicks: { id: string; influencer: string }[] = [];
          const orders: {
            id: string;
            body: Record<string, unknown>;
            path: string;
            influencer: string;
            left: number;
          }[] = [];
          let sent = 0;
          let sequence = 0;
          const sell = async (
            path: string,
            body: Record<string, unknown>,
            influencer: string,
            amount: number,
          ) => {
            const res = await api("POST", path, { key: checkout, body });
            expect(res.status, JSON.stringify(res.body)).toBe(201);
            expect(res.body.influencer_id).toBe(influencer);
            orders.push({ id: String(body.order_id), body, path, influencer, left: amount });
            const at = Date.parse(String(body.occurred_at));
            model.add(influencer, "conversions", 1, at);
            model.add(influencer, path === "/redemptions" ? "code_conversions" : "click_conversions", 1, at);
            model.add(influencer, "revenue", amount, at);
          };

          for (const e of stream) {
            events += 1;
            sequence += 1;
            switch (e.kind) {
              case "redirect": {
                const link = linkRows[e.link] as (typeof linkRows)[number];
                const res = await follow(link.slug, {
                  headers: {
                    "User-Agent": e.bot ? CRAWLER : PHONE,
                    "CF-Connecting-IP": `198.51.100.${e.visitor + 1}`,
                  },
                });
                expect(res.status).toBe(302);
                const clickId = new URL(res.headers.get("Location") as string).searchParams.get(
                  "sl_cid",
                ) as string;
                const userAgent = e.bot ? CRAWLER : PHONE;
                // The redirect's time, as the click id handed to the visitor carries it.
                const at = verifyClickId(env.SIGNING_SECRET, clickId)?.clickedAt ?? Number.NaN;
                model.click(link.influencer, link.id, at, userAgent, `ip${e.visitor}|${userAgent}`);
                if (!e.bot) humanClicks.push({ id: clickId, influencer: link.influencer });
                sent += 1;
                break;
              }
              case "late-click": {
                const link = linkRows[e.link] as (typeof linkRows)[number];
                // Distinct times, each in the minute chosen of its day.
                const at =
                  Math.floor(Date.now() / DAY_MS - e.daysAgo) * DAY_MS + e.minute * 60_000 + sequence;
                const click = capturedClick({
                  id: newClickId(env.SIGNING_SECRET, link.id, at),
                  link_id: link.id,
                  campaign_id: campaign.id,
                  influencer_id: link.influencer,
                  clicked_at: at,
                  user_agent: e.bot ? CRAWLER : PHONE,
                  visitor_hash: (e.visitor + 1).toString(16).padStart(64, "0"),
                });
                const { result } = await deliver([clicksMessage(click)]);
                expect(result.explicitAcks).toHaveLength(1);
                model.click(link.influencer, link.id, at, e.bot ? CRAWLER : PHONE, `hash${e.visitor}`);
                if (!e.bot) humanClicks.push({ id: click.id, influencer: link.influencer });
                sent += 1;
                break;
              }
              case "sale-by-click":
              case "lead-by-click": {
                const click = humanClicks[e.click % Math.max(1, humanClicks.length)];
                if (!click) break;
                const occurredAt = new Date(
                  Math.min(
                    Date.now(),
                    (verifyClickId(env.SIGNING_SECRET, click.id)?.clickedAt ?? 0) + 60_000,
                  ),
                );
                if (e.kind === "lead-by-click") {
                  const res = await api("POST", "/conversions", {
                    key: checkout,
                    body: {
                      type: "lead",
                      customer_id: unique("lead"),
                      click_id: click.id,
                      occurred_at: occurredAt.toISOString(),
                    },
                  });
                  expect(res.status, JSON.stringify(res.body)).toBe(201);
                  model.add(click.influencer, "leads", 1, occurredAt.getTime());
                  break;
                }
                const body = {
                  type: "sale",
                  customer_id: unique("cust"),
                  click_id: click.id,
                  order_id: unique("ord"),
                  amount: e.amount,
                  currency: "EUR",
                  occurred_at: occurredAt.toISOString(),
                };
                await sell("/conversions", body, click.influencer, e.amount);
                break;
              }
              case "sale-by-code": {
                const body = {
                  code: codes[e.influencer],
                  order_id: unique("ord"),
                  amount: e.amount,
                  currency: "EUR",
                  customer_id: unique("cust"),
                  occurred_at: new Date(Date.now() - e.daysAgo * DAY_MS).toISOString(),
                };
                await sell("/redemptions", body, influencers[e.influencer] as string, e.amount);
                break;
              }
              case "replay-order": {
                const order = orders[e.order % Math.max(1, orders.length)];
                if (!order) break;
                const res = await api("POST", order.path, { key: checkout, body: order.body });
                expect(res.status).toBe(200);
                break;
              }
              case "refund": {
                const order = orders[e.order % Math.max(1, orders.length)];
                if (!order) break;
                const amount = e.full ? order.left : Math.max(1, Math.floor(order.left / 2));
                const at = Date.now();
                const res = await api("POST", "/refunds", {
                  key: checkout,
                  body: {
                    order_id: order.id,
                    refund_id: unique("rf"),
                    amount,
                    occurred_at: new Date(at).toISOString(),
                  },
                });
                if (order.left === 0) {
                  // Nothing left to give back: refused, and not counted.
                  expect(res.status).toBe(422);
                  break;
                }
                expect(res.status, JSON.stringify(res.body)).toBe(201);
                order.left -= amount;
                model.add(order.influencer, "refunds", amount, at);
                break;
              }
              case "snapshot": {
                const post = posts[e.post] as (typeof posts)[number];
                // Distinct times, so "the latest snapshot" is never a tie.
                const at = Date.now() - e.minutesAgo * 60_000 - sequence;
                const res = await api("POST", `/posts/${post.id}/metrics`, {
                  body: {
                    captured_at: new Date(at).toISOString(),
                    ...Object.fromEntries(POST_FIGURES.map((f, i) => [f, e.figures[i]])),
                  },
                });
                expect(res.status, JSON.stringify(res.body)).toBe(201);
                model.snapshot(post.id, post.influencer, at, e.figures);
                break;
              }
              case "rollup": {
                runs += 1;
                await rollUp({ chunkRows: e.chunkRows, maxChunks: e.maxChunks }, e.overlapping);
                break;
              }
            }
          }

          // Every click sent through the redirect reaches D1 through the queue; then a last run.
          await vi.waitUntil(
            async () => {
              const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM clicks WHERE campaign_id = ?")
                .bind(campaign.id)
                .first<{ n: number }>();
              return (row?.n ?? 0) >= sent;
            },
            { timeout: 30_000, interval: 50 },
          );
          while (!(await runRollup(env.DB, Date.now, { chunkRows: finalChunk, maxChunks: 50 })).caught_up)
            runs += 1;

          const summary = await api("GET", `/campaigns/${campaign.id}/summary`);
          expect(summary.status).toBe(200);
          expect(pick(summary.body.totals)).toEqual(pick(model.figures(null)));
          expect(summary.body.totals.conversion_rate).toBe(conversionRate(model.figures(null)));
          const rows = summary.body.influencers as Record<string, unknown>[];
          expect(rows.map((r) => r.influencer_id).sort()).toEqual([...influencers].sort());
          for (const row of rows) {
            expect(pick(row), String(row.influencer_id)).toEqual(
              pick(model.figures(String(row.influencer_id))),
            );
            expect(row.conversion_rate).toBe(conversionRate(model.figures(String(row.influencer_id))));
          }
          const firstDay = Math.floor(Date.now() / DAY_MS - 4) * DAY_MS;
          const series = await api(
            "GET",
            `/campaigns/${campaign.id}/timeseries?from=${new Date(firstDay).toISOString()}&to=${new Date().toISOString()}`,
          );
          expect(series.status, JSON.stringify(series.body)).toBe(200);
          const points = series.body.points as Record<string, unknown>[];
          expect(points.length).toBeGreaterThanOrEqual(5);
          for (const point of points) {
            expect(pickDaily(point), String(point.date)).toEqual(
              pickDaily(model.days.get(String(point.date)) ?? {}),
            );
          }
          // Every day the model holds is charted.
          expect([...model.days.keys()].filter((d) => !points.some((p) => p.date === d))).toEqual([]);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.log(`rollup property: ${cases} random cases, ${events} events, ${runs} rollup runs`);
    expect(cases).toBe(RUNS);
  }, 240_000);
});
