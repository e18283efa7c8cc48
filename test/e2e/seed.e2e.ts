import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

const run = promisify(execFile);
const DEMO = "Maison Solène · Lancement Sérum Éclat";

let worker: LocalWorker;

beforeAll(async () => {
  // As `npm run seed` starts its own Worker: with the demo import switched on.
  worker = await startLocalWorker({ SWAYLINE_DEMO_IMPORT: "true" });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
});

function seed() {
  return run(process.execPath, ["scripts/seed.mjs", "--scale", "0.05"], {
    env: { ...process.env, SEED_URL: worker.url, SEED_ADMIN_KEY: E2E_ADMIN_KEY },
  });
}

async function get(path: string) {
  const res = await fetch(`${worker.url}/api/v1${path}`, {
    headers: { Authorization: `Bearer ${E2E_ADMIN_KEY}` },
  });
  expect(res.status, path).toBe(200);
  // biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary response fields and asserts on them.
  return (await res.json()) as any;
}

type Entry = {
  kind: string;
  status: string;
  amount: number;
  conversion_id: string;
  influencer_id: string;
  payout_id: string | null;
  created_at: string;
};

// Every item of a list, page by page.
async function all(path: string) {
  const items = [];
  let cursor: string | null = null;
  do {
    const page = await get(`${path}?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

// The raw rows of a campaign, counted in one `wrangler d1 execute` (each call costs seconds).
// Visits: the sessions with a page view whose click is not a bot's, their page views and engaged
// seconds; engaged when 2 or more pages or 10 s or more.
function rawCounts(campaignId: string) {
  const where = `campaign_id = '${campaignId}'`;
  const [row] = worker.query(`WITH visits AS (
      SELECT s.returning_visitor AS was_returning,
             (SELECT COUNT(p.viewed_at) FROM page_views p WHERE p.session_id = s.id) AS pages,
             (SELECT COALESCE(SUM(p.engaged_seconds), 0) FROM page_views p WHERE p.session_id = s.id) AS seconds
      FROM visitor_sessions s
      WHERE s.${where} AND s.started_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM clicks k WHERE k.id = s.click_id AND k.is_bot = 1))
    SELECT
      (SELECT COUNT(*) FROM clicks WHERE ${where} AND is_bot = 0) AS clicks,
      (SELECT COUNT(*) FROM clicks WHERE ${where} AND is_bot = 1) AS bot_clicks,
      (SELECT COUNT(DISTINCT strftime('%Y-%m-%d', clicked_at / 1000, 'unixepoch')) FROM clicks WHERE ${where}) AS click_days,
      (SELECT COUNT(DISTINCT country) FROM clicks WHERE ${where}) AS countries,
      (SELECT COUNT(*) FROM conversions WHERE ${where} AND type = 'sale') AS conversions,
      (SELECT SUM(amount) FROM conversions WHERE ${where} AND type = 'sale') AS revenue,
      (SELECT SUM(amount) FROM refunds WHERE ${where}) AS refunds,
      (SELECT COUNT(*) FROM posts WHERE ${where}) AS posts,
      (SELECT COUNT(*) FROM visits) AS sessions,
      (SELECT COUNT(*) FROM visits WHERE pages >= 2 OR seconds >= 10) AS engaged_sessions,
      (SELECT SUM(was_returning) FROM visits) AS returning_sessions,
      (SELECT SUM(pages) FROM visits) AS page_views,
      (SELECT SUM(seconds) FROM visits) AS engaged_seconds`);
  return row as Record<
    | "clicks"
    | "bot_clicks"
    | "click_days"
    | "countries"
    | "conversions"
    | "revenue"
    | "refunds"
    | "posts"
    | "sessions"
    | "engaged_sessions"
    | "returning_sessions"
    | "page_views"
    | "engaged_seconds",
    number
  >;
}

describe("npm run seed, against wrangler dev", () => {
  it("fills a campaign whose summary agrees with the raw events, and refuses to seed twice", async () => {
    const { stdout } = await seed();
    expect(stdout).toContain("Done in");

    const campaigns = await get("/campaigns");
    const demo = campaigns.data.find((c: { name: string }) => c.name === DEMO);
    expect(demo).toMatchObject({ currency: "EUR", objective: "sales", emv_cpm: 1200 });
    expect(demo.goals.length).toBeGreaterThan(0);
    const summary = await get(`/campaigns/${demo.id}/summary`);
    const { totals } = summary;
    const raw = rawCounts(demo.id);

    // Every figure there, and each equal to a count of the raw rows.
    expect(totals.clicks).toBeGreaterThan(50);
    expect(totals.clicks).toBe(raw.clicks);
    expect(totals.bot_clicks).toBe(raw.bot_clicks);
    expect(totals.conversions).toBeGreaterThan(0);
    expect(totals.conversions).toBe(raw.conversions);
    expect(totals.revenue).toBe(raw.revenue);
    expect(totals.refunds).toBeGreaterThan(0);
    expect(totals.refunds).toBe(raw.refunds);
    expect(totals.impressions).toBeGreaterThan(0);
    expect(totals.cost).toBeGreaterThan(0);
    // Audience growth counts from the followers typed in when each influencer was signed, before
    // the weekly counts: the whole gains, and gains what two periods that split it do.
    expect(totals.followers_gained).toBeGreaterThan(0);
    const split = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    const dayBefore = new Date(Date.parse(split) - 86_400_000).toISOString().slice(0, 10);
    const [early, late] = await Promise.all([
      get(`/campaigns/${demo.id}/summary?to=${dayBefore}`),
      get(`/campaigns/${demo.id}/summary?from=${split}`),
    ]);
    expect(early.totals.followers_gained + late.totals.followers_gained).toBe(totals.followers_gained);
    expect(summary.influencers.length).toBe(6);
    expect(new Set(summary.influencers.map((i: { handle: string }) => i.handle)).size).toBe(6);
    // Clicks over weeks, from several countries (the import), and today's through the redirect.
    expect(raw.click_days).toBeGreaterThan(20);
    expect(raw.countries).toBeGreaterThan(3);
    expect(raw.posts).toBeGreaterThan(5);

    // Visits the shop's script reported, for most human clicks, each figure the raw rows' (every
    // visit that ended in an order or a sign-up saw several pages, so a sale makes no visit engaged
    // that its pages did not)...
    expect(raw.sessions).toBeGreaterThan(totals.clicks / 2);
    for (const field of ["sessions", "engaged_sessions", "returning_sessions"] as const) {
      expect(totals[field], field).toBe(raw[field]);
    }
    const ratios = {
      bounce_rate: 1 - raw.engaged_sessions / raw.sessions,
      pages_per_session: raw.page_views / raw.sessions,
      avg_engaged_seconds: raw.engaged_seconds / raw.sessions,
    };
    for (const [field, value] of Object.entries(ratios)) expect(totals[field], field).toBeCloseTo(value, 6);
    // ... in a believable mix: bounces and engaged visits, several pages, some returning visitors.
    expect(totals.sessions).toBeLessThanOrEqual(totals.clicks);
    expect(totals.engaged_sessions).toBeGreaterThan(0);
    expect(totals.engaged_sessions).toBeLessThan(totals.sessions);
    expect(totals.bounce_rate).toBeGreaterThan(0.2);
    expect(totals.bounce_rate).toBeLessThan(0.8);
    expect(totals.pages_per_session).toBeGreaterThan(1.2);
    expect(totals.avg_engaged_seconds).toBeGreaterThan(10);
    expect(totals.returning_sessions).toBeGreaterThan(0);
    expect(totals.returning_sessions).toBeLessThan(totals.sessions / 4);
    // Every influencer's visits, and a breakdown that reads them under their clicks' values.
    for (const influencer of summary.influencers) expect(influencer.sessions).toBeGreaterThan(0);
    const byDevice = (await get(`/campaigns/${demo.id}/breakdown?by=device`)).rows;
    const deviceSessions = byDevice.reduce((sum: number, row: { sessions: number }) => sum + row.sessions, 0);
    expect(deviceSessions).toBe(totals.sessions);
    expect(byDevice.find((row: { value: string }) => row.value === "mobile").sessions).toBeGreaterThan(0);

    // The commission program: one payout, paid, and after it the clawback of a sale it paid.
    const payouts = (await get("/payouts")).data;
    expect(payouts).toHaveLength(1);
    const [payout] = payouts;
    expect(payout).toMatchObject({ status: "paid", reference: "VIR-DEMO-0001", currency: "EUR" });
    expect(payout.lines.length).toBeGreaterThan(1);
    const entries = await all("/commissions");
    const clawbacks = entries.filter((e: Entry) => e.kind === "clawback" && e.payout_id === null);
    const paidSales = new Map(
      entries
        .filter((e: Entry) => e.kind === "sale" && e.payout_id === payout.id && e.status === "paid")
        .map((e: Entry) => [e.conversion_id, e]),
    );
    const after = clawbacks.filter(
      (e: Entry) => paidSales.has(e.conversion_id) && e.created_at > payout.paid_at,
    );
    expect(after.length).toBeGreaterThan(0);
    const [clawback] = after;
    // Payable at once (its sale was), capped by what the sale earned; it comes off the next payout.
    expect(clawback.status).toBe("payable");
    expect(-clawback.amount).toBeLessThanOrEqual(paidSales.get(clawback.conversion_id)?.amount ?? 0);
    const balance = await get(`/influencers/${clawback.influencer_id}/balance`);
    const line = payout.lines.find(
      (l: { influencer_id: string }) => l.influencer_id === clawback.influencer_id,
    );
    expect(balance.balances[0].paid).toBe(line.amount);
    expect(stdout).toContain(`Payout ${payout.id}`);

    const again = await seed();
    expect(again.stdout).toContain("Already seeded");
    expect((await get("/campaigns")).data.filter((c: { name: string }) => c.name === DEMO)).toHaveLength(1);
    expect(rawCounts(demo.id).clicks).toBe(totals.clicks);
  }, 90_000);
});
