import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { newClickId, verifyClickId } from "../src/clicks/click-id";
import { type RollupOptions, runRollup } from "../src/rollup/rollup";
import { api, createCampaign, createInfluencer, createKey, createLink, follow, unique } from "./helpers";
import { CRAWLER, capturedClick, clicksMessage, deliver, PHONE } from "./queue-helpers";

// Random event streams over a few UTC days, influencers and links, with rollup runs at random
// points (random chunk sizes, some of them overlapping) and late events for days already rolled
// up. After a last run, the campaign summary must equal what this file recomputes from the events
// it sent, by its own arithmetic: neither the rollup nor src/metrics is consulted.
const DAY_MS = 86_400_000;
const RUNS = 8;
const INFLUENCERS = 3;
const LINKS_PER_INFLUENCER = 2;
const VISITORS = 4;

type Event =
  // Through the redirect and the real queue: today, a visitor is an address (or a crawler).
  | { kind: "redirect"; link: number; visitor: number; bot: boolean }
  // Straight to the queue consumer, dated days back (the redirect cannot backdate).
  | { kind: "late-click"; link: number; visitor: number; bot: boolean; daysAgo: number }
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
const FIGURES = [
  "clicks",
  "unique_clicks",
  "bot_clicks",
  "leads",
  "conversions",
  "revenue",
  "refunds",
  "net_revenue",
  "impressions",
  "reach",
  "views",
  "engagements",
] as const;
type Figures = Record<(typeof FIGURES)[number] | (typeof POST_FIGURES)[number], number>;
const zero = (): Figures => Object.fromEntries([...FIGURES, ...POST_FIGURES].map((f) => [f, 0])) as Figures;

// What the events add up to, per influencer, kept as the events are sent.
class Model {
  readonly raw = new Map<
    string,
    Omit<Figures, "net_revenue" | "engagements" | (typeof POST_FIGURES)[number]>
  >();
  readonly uniques = new Map<string, Set<string>>();
  readonly latestSnapshot = new Map<string, { influencer: string; at: number; figures: number[] }>();

  private of(influencer: string) {
    let row = this.raw.get(influencer);
    if (!row) {
      row = { clicks: 0, unique_clicks: 0, bot_clicks: 0, leads: 0, conversions: 0, revenue: 0, refunds: 0 };
      this.raw.set(influencer, row);
    }
    return row;
  }
  click(influencer: string, bot: boolean, visit: string) {
    const row = this.of(influencer);
    if (bot) {
      row.bot_clicks += 1;
      return;
    }
    row.clicks += 1;
    const seen = this.uniques.get(influencer) ?? new Set();
    this.uniques.set(influencer, seen);
    if (!seen.has(visit)) {
      seen.add(visit);
      row.unique_clicks += 1;
    }
  }
  add(influencer: string, field: "leads" | "conversions" | "revenue" | "refunds", n: number) {
    this.of(influencer)[field] += n;
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
            model.add(influencer, "conversions", 1);
            model.add(influencer, "revenue", amount);
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
                const day = new Date(verifyClickId(env.SIGNING_SECRET, clickId)?.clickedAt ?? 0)
                  .toISOString()
                  .slice(0, 10);
                model.click(link.influencer, e.bot, `${link.id}|${day}|ip${e.visitor}`);
                if (!e.bot) humanClicks.push({ id: clickId, influencer: link.influencer });
                sent += 1;
                break;
              }
              case "late-click": {
                const link = linkRows[e.link] as (typeof linkRows)[number];
                const at = Date.now() - e.daysAgo * DAY_MS - sequence;
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
                const day = new Date(at).toISOString().slice(0, 10);
                model.click(link.influencer, e.bot, `${link.id}|${day}|hash${e.visitor}`);
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
                  model.add(click.influencer, "leads", 1);
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
                const res = await api("POST", "/refunds", {
                  key: checkout,
                  body: { order_id: order.id, refund_id: unique("rf"), amount },
                });
                if (order.left === 0) {
                  // Nothing left to give back: refused, and not counted.
                  expect(res.status).toBe(422);
                  break;
                }
                expect(res.status, JSON.stringify(res.body)).toBe(201);
                order.left -= amount;
                model.add(order.influencer, "refunds", amount);
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
            { timeout: 10_000, interval: 50 },
          );
          while (!(await runRollup(env.DB, Date.now, { chunkRows: finalChunk, maxChunks: 50 })).caught_up)
            runs += 1;

          const summary = await api("GET", `/campaigns/${campaign.id}/summary`);
          expect(summary.status).toBe(200);
          expect(pick(summary.body.totals)).toEqual(pick(model.figures(null)));
          const rows = summary.body.influencers as Record<string, unknown>[];
          expect(rows.map((r) => r.influencer_id).sort()).toEqual([...influencers].sort());
          for (const row of rows) {
            expect(pick(row), String(row.influencer_id)).toEqual(
              pick(model.figures(String(row.influencer_id))),
            );
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.log(`rollup property: ${cases} random cases, ${events} events, ${runs} rollup runs`);
    expect(cases).toBe(RUNS);
  }, 120_000);
});
