import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CapturedClick } from "../../src/clicks/click-event";
import { newClickId } from "../../src/clicks/click-id";
import { createDb } from "../../src/db";
import { rollUpChunk, runRollup, sourceNamed } from "../../src/rollup/rollup";
import { type BreakdownRow, campaignBreakdowns } from "../../src/summaries/campaign-breakdown";
import { NO_SESSIONS } from "../support/behaviour-helpers";
import {
  api,
  clockFromNoonUtc,
  createCampaign,
  createInfluencer,
  createKey,
  createLink,
  expectError,
  follow,
  saleByClick,
  unique,
  waitForClicks,
} from "../support/helpers";
import { isBotAgent } from "../support/rollup-recompute";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const WINDOWS_CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const ANDROID_CHROME =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
const DIMENSIONS = ["country", "device", "browser", "os", "referer"] as const;
type Dimension = (typeof DIMENSIONS)[number];
type Row = BreakdownRow;

// No session here: the shop's script is not on these visits (test/summaries/session-breakdown.test.ts).
const row = (value: string, clicks: number, unique_clicks: number, conversions: number, revenue: number) => ({
  value,
  reason: null,
  clicks,
  unique_clicks,
  conversions,
  revenue,
  ...NO_SESSIONS,
});
// The sales no click explains: one row of their own, never a country or device called unknown.
const noClick = (conversions: number, revenue: number): Row => ({
  value: null,
  reason: "no_click",
  clicks: 0,
  unique_clicks: 0,
  conversions,
  revenue,
  ...NO_SESSIONS,
});

// The hand-made campaign below, worked out by hand. Ana: two clicks of one iPhone visitor from DE
// via Instagram, one Windows visitor from FR (sale 1: 50.00), a bot from US (not counted), and the
// late click from BR (an iPhone, no referrer; sale 3: 30.00, reported before the click arrived).
// Ben: one Android visitor from FR via TikTok, and a sale by his code (20.00, so no click's).
const EXPECTED: Record<Dimension, Row[]> = {
  country: [row("DE", 2, 1, 0, 0), row("FR", 2, 2, 1, 5000), row("BR", 1, 1, 1, 3000), noClick(1, 2000)],
  device: [row("mobile", 4, 3, 1, 3000), row("desktop", 1, 1, 1, 5000), noClick(1, 2000)],
  browser: [row("Mobile Safari", 3, 2, 1, 3000), row("Chrome", 2, 2, 1, 5000), noClick(1, 2000)],
  os: [
    row("iOS", 3, 2, 1, 3000),
    row("Android", 1, 1, 0, 0),
    row("Windows", 1, 1, 1, 5000),
    noClick(1, 2000),
  ],
  // The clicks without a referrer are "unknown"; the code sale is not theirs.
  referer: [
    row("l.instagram.com", 2, 1, 0, 0),
    row("unknown", 2, 2, 2, 8000),
    row("www.tiktok.com", 1, 1, 0, 0),
    noClick(1, 2000),
  ],
};

async function rollUpAll(options: { chunkRows?: number; maxChunks?: number } = {}) {
  let runs = 0;
  for (;;) {
    const report = await runRollup(env.DB, Date.now, options);
    runs += 1;
    expect(report.status).toBe("ok");
    if (report.caught_up) return runs;
  }
}

async function breakdown(campaignId: string, by: string, query = "") {
  const res = await api("GET", `/campaigns/${campaignId}/breakdown?by=${by}${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

// A click as the redirect hands it to the queue, sent through the real queue whenever the test
// chooses: it stands for a click that is still on its way when its sale is reported.
async function sendClick(click: Omit<CapturedClick, "region" | "city" | "head">) {
  await env.EVENTS.send({
    type: "clicks",
    v: 1,
    clicks: [{ region: null, city: null, head: false, ...click }],
  });
}

async function clickIdOf(res: Response) {
  return new URL(res.headers.get("Location") as string).searchParams.get("sl_cid") as string;
}

// The campaign above. `between` runs after the clicks arrived, and again after the sales were
// reported, before the late click arrives: a rollup there shows the order does not matter.
async function handMadeCampaign(between: () => Promise<unknown>) {
  // EXPECTED counts one unique click for the visitor who clicks twice: one UTC day.
  clockFromNoonUtc();
  const campaign = await createCampaign({ name: "Breakdown" });
  const ana = await createInfluencer();
  const ben = await createInfluencer();
  const linkFor = (influencerId: string) =>
    createLink({ campaign_id: campaign.id, influencer_id: influencerId });
  const anaLink = await linkFor(ana.id);
  const benLink = await linkFor(ben.id);
  const code = unique("BEN").toUpperCase();
  expect(
    (await api("POST", "/codes", { body: { code, campaign_id: campaign.id, influencer_id: ben.id } })).status,
  ).toBe(201);

  // What the test sent, for the recomputation: each click's user agent and visitor, each sale's click.
  const sent: Sent = { clicks: new Map(), sales: [] };
  const visit = async (slug: string, ua: string, ip: string, country: string, referer?: string) => {
    const res = await follow(slug, {
      headers: { "User-Agent": ua, "CF-Connecting-IP": ip, ...(referer ? { Referer: referer } : {}) },
      cf: { country },
    } as RequestInit);
    sent.clicks.set(await clickIdOf(res), { userAgent: ua, visitor: `${ip}|${ua}` });
    return res;
  };
  await visit(anaLink.slug, IPHONE, "198.51.100.1", "DE", "https://l.instagram.com/?u=x");
  await visit(anaLink.slug, IPHONE, "198.51.100.1", "DE", "https://l.instagram.com/?u=y");
  const desktopClick = await clickIdOf(await visit(anaLink.slug, WINDOWS_CHROME, "198.51.100.2", "FR"));
  await visit(anaLink.slug, "Googlebot/2.1 (+http://www.google.com/bot.html)", "198.51.100.9", "US");
  await visit(benLink.slug, ANDROID_CHROME, "198.51.100.3", "FR", "https://www.tiktok.com/@ben");
  await waitForClicks(anaLink.id, 4);
  await waitForClicks(benLink.id, 1);
  await between();

  const checkout = (await createKey("checkout")).key;
  const sale = (clickId: string, amount: number) => {
    sent.sales.push({ clickId, amount });
    return saleByClick(checkout, clickId, amount);
  };
  expect((await sale(desktopClick, 5000)).status).toBe(201);
  const redemption = await api("POST", "/redemptions", {
    key: checkout,
    body: { code, order_id: unique("o"), amount: 2000, currency: "EUR" },
  });
  expect(redemption.status, JSON.stringify(redemption.body)).toBe(201);
  sent.sales.push({ clickId: null, amount: 2000 });
  // Sale 3's click is still in the queue: the sale is attributed by what its id says.
  const lateClick = newClickId(env.SIGNING_SECRET, anaLink.id, Date.now());
  expect((await sale(lateClick, 3000)).status).toBe(201);
  await between();

  await sendClick({
    id: lateClick,
    link_id: anaLink.id,
    campaign_id: campaign.id,
    influencer_id: ana.id,
    clicked_at: Date.now(),
    country: "BR",
    user_agent: IPHONE,
    referer_host: null,
    visitor_hash: "b".repeat(64),
  });
  sent.clicks.set(lateClick, { userAgent: IPHONE, visitor: "b" });
  await waitForClicks(anaLink.id, 5);
  return { campaign, ana, ben, sent };
}

async function allBreakdowns(campaignId: string) {
  const out: Record<string, unknown> = {};
  for (const by of DIMENSIONS) out[by] = (await breakdown(campaignId, by)).rows;
  return out;
}

async function storedBreakdown(campaignId: string) {
  const { results } = await env.DB.prepare(
    "SELECT * FROM rollup_breakdown_daily WHERE campaign_id = ? ORDER BY dimension, day, influencer_id, value",
  )
    .bind(campaignId)
    .all();
  return results;
}

type Sent = {
  clicks: Map<string, { userAgent: string; visitor: string }>;
  sales: { clickId: string | null; amount: number }[];
};

// The breakdown recomputed from what the test sent, written here rather than borrowed from the
// rollup: bots by the test's own rule from the user agents sent, a unique click as a visitor's
// first on a link in the UTC day of its time, a sale under the values of the click it was sent
// with, one sent without a click in the no-click row (last). Only a click's values (country, device…) are read from its row: the redirect and the
// consumer work them out, and EXPECTED above has them by hand.
async function fromRawEvents(campaignId: string, by: Dimension, sent: Sent): Promise<Row[]> {
  const column = by === "referer" ? "referer_host" : by;
  const clicks = (
    await env.DB.prepare("SELECT * FROM clicks WHERE campaign_id = ? ORDER BY clicked_at")
      .bind(campaignId)
      .all<Record<string, unknown>>()
  ).results;
  expect(clicks.map((c) => c.id).sort()).toEqual([...sent.clicks.keys()].sort());
  const clickById = new Map(clicks.map((c) => [c.id, c]));
  const rows = new Map<string, Row>();
  const at = (value: unknown) => {
    const key = typeof value === "string" ? value : "unknown";
    const found = rows.get(key) ?? row(key, 0, 0, 0, 0);
    rows.set(key, found);
    return found;
  };
  let withoutClick: Row | null = null;
  const visits = new Set<string>();
  for (const c of clicks) {
    const { userAgent, visitor } = sent.clicks.get(String(c.id)) ?? { userAgent: "", visitor: "" };
    if (isBotAgent(userAgent)) continue;
    at(c[column]).clicks += 1;
    const visit = `${c.link_id}|${new Date(Number(c.clicked_at)).toISOString().slice(0, 10)}|${visitor}`;
    if (!visits.has(visit)) {
      visits.add(visit);
      at(c[column]).unique_clicks += 1;
    }
  }
  for (const s of sent.sales) {
    withoutClick ??= s.clickId ? null : noClick(0, 0);
    const r = s.clickId ? at(clickById.get(s.clickId)?.[column]) : withoutClick;
    if (!r) continue;
    r.conversions += 1;
    r.revenue += s.amount;
  }
  const byClicks = [...rows.values()].sort(
    (a, b) => b.clicks - a.clicks || (String(a.value) < String(b.value) ? -1 : 1),
  );
  return withoutClick ? [...byClicks, withoutClick] : byClicks;
}

describe("breakdown rollup", () => {
  it("gives a hand-made campaign's figures per value, a late click's sale counted once", async () => {
    const { campaign, ana, ben, sent } = await handMadeCampaign(() => rollUpAll());
    // Before the late click is rolled up, its sale is in the totals and in no breakdown row.
    const totals = await api("GET", `/campaigns/${campaign.id}/summary`);
    expect(totals.body.totals).toMatchObject({ conversions: 3, revenue: 10000 });
    expect((await breakdown(campaign.id, "country")).rows).toEqual([
      row("DE", 2, 1, 0, 0),
      row("FR", 2, 2, 1, 5000),
      noClick(1, 2000),
    ]);

    const rolledFrom = Date.now();
    await rollUpAll();
    const body = await breakdown(campaign.id, "country");
    expect(body).toMatchObject({ campaign_id: campaign.id, by: "country", from: null, to: null });
    // As of the run just made, however long it took.
    expect(Date.parse(body.as_of)).toBeGreaterThanOrEqual(rolledFrom);
    expect(await allBreakdowns(campaign.id)).toEqual(EXPECTED);
    for (const by of DIMENSIONS) expect(EXPECTED[by]).toEqual(await fromRawEvents(campaign.id, by, sent));
    // The report pages read all five dimensions in one query: the same rows, for one influencer too.
    expect(await campaignBreakdowns(createDb(env.DB), campaign.id, DIMENSIONS, {})).toEqual(EXPECTED);
    const anaOnly = await campaignBreakdowns(
      createDb(env.DB),
      campaign.id,
      ["country"],
      {},
      { influencerId: ana.id },
    );
    expect(anaOnly.country).toEqual(
      (await breakdown(campaign.id, "country", `&influencer_id=${ana.id}`)).rows,
    );

    expect((await breakdown(campaign.id, "country", `&influencer_id=${ana.id}`)).rows).toEqual([
      row("DE", 2, 1, 0, 0),
      row("BR", 1, 1, 1, 3000),
      row("FR", 1, 1, 1, 5000),
    ]);
    expect((await breakdown(campaign.id, "country", `&influencer_id=${ben.id}`)).rows).toEqual([
      row("FR", 1, 1, 0, 0),
      noClick(1, 2000),
    ]);

    // A repeated run adds nothing; a chunk of an overlapping run that read old watermarks rolls back.
    const stored = await storedBreakdown(campaign.id);
    const again = await runRollup(env.DB, Date.now);
    expect(again.rows).toBe(0);
    for (const source of ["clicks", "click_uniques", "conversions"]) {
      await expect(rollUpChunk(env.DB, sourceNamed(source), 0, 1_000_000, Date.now())).rejects.toThrow();
    }
    expect(await storedBreakdown(campaign.id)).toEqual(stored);
  });

  it("gives the same figures when the sale's click arrives before it, however runs are split", async () => {
    // No rollup between the steps, then many tiny runs: chunks of clicks and sales interleave.
    const split = await handMadeCampaign(async () => {});
    const runs = await rollUpAll({ chunkRows: 1, maxChunks: 1 });
    expect(runs).toBeGreaterThan(3);
    expect(await allBreakdowns(split.campaign.id)).toEqual(EXPECTED);

    // The same campaign again in one run: its clicks chunk comes before its conversions chunk, so
    // here the sales whose click had arrived are added by the conversions chunk.
    const whole = await handMadeCampaign(async () => {});
    expect(await rollUpAll()).toBe(1);
    expect(await allBreakdowns(whole.campaign.id)).toEqual(EXPECTED);
  });

  it("gives a sale by customer its lead's click values, and a sale by code none, click id or not", async () => {
    const campaign = await createCampaign({ name: "Customers" });
    const influencer = await createInfluencer();
    const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
    const code = unique("ANA").toUpperCase();
    await api("POST", "/codes", { body: { code, campaign_id: campaign.id, influencer_id: influencer.id } });
    const clickId = await clickIdOf(
      await follow(link.slug, { headers: { "User-Agent": IPHONE }, cf: { country: "PT" } } as RequestInit),
    );
    await waitForClicks(link.id, 1);
    const checkout = (await createKey("checkout")).key;
    const customer = unique("cust");
    const post = (path: string, body: Record<string, unknown>) => api("POST", path, { key: checkout, body });
    expect(
      (await post("/conversions", { type: "lead", customer_id: customer, click_id: clickId })).status,
    ).toBe(201);
    const byCustomer = {
      type: "sale",
      customer_id: customer,
      order_id: unique("o"),
      amount: 700,
      currency: "EUR",
    };
    expect((await post("/conversions", byCustomer)).status).toBe(201);
    const byCode = { code, click_id: clickId, order_id: unique("o"), amount: 400, currency: "EUR" };
    expect((await post("/redemptions", byCode)).status).toBe(201);
    await rollUpAll();
    expect((await breakdown(campaign.id, "country")).rows).toEqual([
      row("PT", 1, 1, 1, 700),
      noClick(1, 400),
    ]);
  });

  it("counts a click with an empty value as unknown, never as the no-click row", async () => {
    const campaign = await createCampaign({ name: "Empty" });
    const influencer = await createInfluencer();
    const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
    await sendClick({
      id: newClickId(env.SIGNING_SECRET, link.id, Date.now()),
      link_id: link.id,
      campaign_id: campaign.id,
      influencer_id: influencer.id,
      clicked_at: Date.now(),
      country: "",
      user_agent: IPHONE,
      referer_host: "",
      visitor_hash: "e".repeat(64),
    });
    await waitForClicks(link.id, 1);
    await rollUpAll();
    for (const by of ["country", "referer"]) {
      expect((await breakdown(campaign.id, by)).rows, by).toEqual([row("unknown", 1, 1, 0, 0)]);
    }
  });

  it("covers whole UTC days from `from` to `to`", async () => {
    const campaign = await createCampaign({ name: "Days" });
    const influencer = await createInfluencer();
    const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
    const midnight = Date.UTC(2026, 5, 2);
    const click = (at: number, country: string, hash: string) =>
      sendClick({
        id: newClickId(env.SIGNING_SECRET, link.id, at),
        link_id: link.id,
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        clicked_at: at,
        country,
        user_agent: IPHONE,
        referer_host: null,
        visitor_hash: hash.repeat(64),
      });
    await click(midnight - 1, "DE", "d");
    await click(midnight, "FR", "f");
    await waitForClicks(link.id, 2);
    await rollUpAll();
    const countries = async (query: string) =>
      (await breakdown(campaign.id, "country", query)).rows.map((r: Row) => r.value);
    expect(await countries("&from=2026-06-01T23:00:00Z&to=2026-06-01T23:30:00Z")).toEqual(["DE"]);
    expect(await countries("&to=2026-06-01T23:59:59.999Z")).toEqual(["DE"]);
    expect(await countries("&from=2026-06-02T00:00:00Z")).toEqual(["FR"]);
    expect(await countries("&from=2026-06-01T12:00:00Z&to=2026-06-02T00:00:00Z")).toEqual(["DE", "FR"]);
    // An offset is an instant like any other: 01:00+02:00 is 23:00 the day before in UTC.
    expect(await countries("&from=2026-06-02T01:00:00%2B02:00&to=2026-06-02T01:00:00%2B02:00")).toEqual([
      "DE",
    ]);
    expect((await countries("&from=2026-06-03T00:00:00Z")).length).toBe(0);
  });

  it("answers 404, 422, 401 and 403 with the error envelope", async () => {
    const campaign = await createCampaign({ name: "Errors" });
    const path = `/campaigns/${campaign.id}/breakdown`;
    expectError(await api("GET", "/campaigns/cmp_nope/breakdown?by=country"), 404, "campaign_not_found");
    expectError(await api("GET", `${path}?by=city`), 422, "validation_failed");
    expectError(await api("GET", path), 422, "validation_failed");
    expectError(await api("GET", `${path}?by=os&from=yesterday`), 422, "validation_failed");
    expectError(
      await api("GET", `${path}?by=os&from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z`),
      422,
      "validation_failed",
    );
    expectError(await api("GET", `${path}?by=os`, { key: null }), 401, "unauthorized");
    const checkout = (await createKey("checkout")).key;
    expectError(await api("GET", `${path}?by=os`, { key: checkout }), 403, "forbidden");
    const empty = await breakdown(campaign.id, "os");
    expect(empty).toMatchObject({ campaign_id: campaign.id, currency: "EUR", by: "os", rows: [] });
  });
});
