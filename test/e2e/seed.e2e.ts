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
function rawCounts(campaignId: string) {
  const where = `campaign_id = '${campaignId}'`;
  const [row] = worker.query(`SELECT
      (SELECT COUNT(*) FROM clicks WHERE ${where} AND is_bot = 0) AS clicks,
      (SELECT COUNT(*) FROM clicks WHERE ${where} AND is_bot = 1) AS bot_clicks,
      (SELECT COUNT(DISTINCT strftime('%Y-%m-%d', clicked_at / 1000, 'unixepoch')) FROM clicks WHERE ${where}) AS click_days,
      (SELECT COUNT(DISTINCT country) FROM clicks WHERE ${where}) AS countries,
      (SELECT COUNT(*) FROM conversions WHERE ${where} AND type = 'sale') AS conversions,
      (SELECT SUM(amount) FROM conversions WHERE ${where} AND type = 'sale') AS revenue,
      (SELECT SUM(amount) FROM refunds WHERE ${where}) AS refunds,
      (SELECT COUNT(*) FROM posts WHERE ${where}) AS posts`);
  return row as Record<string, number>;
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
    expect(summary.influencers.length).toBe(6);
    expect(new Set(summary.influencers.map((i: { handle: string }) => i.handle)).size).toBe(6);
    // Clicks over weeks, from several countries (the import), and today's through the redirect.
    expect(raw.click_days).toBeGreaterThan(20);
    expect(raw.countries).toBeGreaterThan(3);
    expect(raw.posts).toBeGreaterThan(5);

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
