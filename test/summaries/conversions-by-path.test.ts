import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { NO_SESSIONS } from "../support/behaviour-helpers";
import {
  api,
  clockFromNoonUtc,
  createCampaign,
  createInfluencer,
  createKey,
  createLink,
  follow,
  saleByClick,
  unique,
  waitForClicks,
} from "../support/helpers";
import { backfillStatements } from "../support/migrations";
import { PageClient } from "../support/page-client";

const PHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

type Path = "code" | "click";
type SentSale = { path: Path; amount: number };

// The figures by path, recomputed from the sales the test sent and how it sent each: with a code,
// or with a click id (its own, or through its customer's lead). Never from the code's attribution.
function byPath(sales: SentSale[], uniqueClicks: number) {
  const click = sales.filter((s) => s.path === "click").length;
  return {
    conversions: sales.length,
    code_conversions: sales.length - click,
    click_conversions: click,
    conversion_rate: uniqueClicks === 0 ? null : click / uniqueClicks,
    revenue: sales.reduce((n, s) => n + s.amount, 0),
  };
}

// One influencer with a link and a code: `visitors` (at least 2) distinct phones click once each;
// then a sale by the first click, a lead through the second and its customer's sale without a
// click id, and `codeOrders` orders by code. All on one UTC day, the timeseries' last point's.
async function campaignWithSales(visitors: number, codeOrders: number) {
  clockFromNoonUtc();
  const campaign = await createCampaign({ name: "Paths" });
  const influencer = await createInfluencer();
  const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
  const code = unique("PATH").toUpperCase();
  const created = await api("POST", "/codes", {
    body: { code, campaign_id: campaign.id, influencer_id: influencer.id },
  });
  expect(created.status).toBe(201);
  const clickIds: string[] = [];
  for (let i = 0; i < visitors; i++) {
    const res = await follow(link.slug, {
      headers: { "User-Agent": PHONE, "CF-Connecting-IP": `203.0.113.${i + 1}` },
      cf: { country: "FR" },
    } as RequestInit);
    clickIds.push(new URL(res.headers.get("Location") as string).searchParams.get("sl_cid") as string);
  }
  await waitForClicks(link.id, visitors);

  const checkout = (await createKey("checkout")).key;
  const sales: SentSale[] = [];
  const sent = async (path: Path, amount: number, res: Promise<{ status: number; body: unknown }>) => {
    const answer = await res;
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    sales.push({ path, amount });
  };
  await sent("click", 5_000, saleByClick(checkout, clickIds[0] as string, 5_000));
  // A lead through the second click, then its customer's sale without a click id.
  const customer = unique("cust");
  const lead = await api("POST", "/conversions", {
    key: checkout,
    body: { type: "lead", customer_id: customer, click_id: clickIds[1] },
  });
  expect(lead.status).toBe(201);
  await sent(
    "click",
    2_500,
    api("POST", "/conversions", {
      key: checkout,
      body: { type: "sale", customer_id: customer, order_id: unique("o"), amount: 2_500, currency: "EUR" },
    }),
  );
  for (let i = 0; i < codeOrders; i++) {
    const body = {
      code,
      order_id: unique("o"),
      amount: 1_000 + i,
      currency: "EUR",
      customer_id: unique("c"),
    };
    await sent("code", body.amount, api("POST", "/redemptions", { key: checkout, body }));
  }
  return { campaign, influencer, link, code, checkout, sales, visitors };
}

// The breakdown of a campaign whose clicks all share one value: that value's row with the
// click orders, then the no-click row with the code orders.
function breakdownOf(value: string, sales: SentSale[], visitors: number) {
  const sum = (path: Path) => sales.filter((s) => s.path === path).reduce((n, s) => n + s.amount, 0);
  const count = (path: Path) => sales.filter((s) => s.path === path).length;
  return [
    {
      value,
      reason: null,
      clicks: visitors,
      unique_clicks: visitors,
      conversions: count("click"),
      revenue: sum("click"),
      ...NO_SESSIONS,
    },
    {
      value: null,
      reason: "no_click",
      clicks: 0,
      unique_clicks: 0,
      conversions: count("code"),
      revenue: sum("code"),
      ...NO_SESSIONS,
    },
  ];
}

async function rollUp() {
  expect((await api("POST", "/rollup")).status).toBe(200);
}

describe("conversions by path", () => {
  it("counts code and click orders apart, and rates only the orders a click explains", async () => {
    // The case: 6 code orders over 2 unique clicks were a conversion rate of 400 %.
    const { campaign, influencer, sales, visitors } = await campaignWithSales(2, 6);
    await rollUp();
    const expected = byPath(sales, visitors);
    expect(expected).toMatchObject({ conversions: 8, code_conversions: 6, click_conversions: 2 });
    expect(expected.conversion_rate).toBe(1);

    const summary = await api("GET", `/campaigns/${campaign.id}/summary`);
    expect(summary.status).toBe(200);
    expect(summary.body.totals).toMatchObject({ unique_clicks: visitors, ...expected });
    expect(summary.body.influencers[0]).toMatchObject({ influencer_id: influencer.id, ...expected });

    const mine = await api("GET", `/influencers/${influencer.id}/summary`);
    expect(mine.body.totals).toMatchObject(expected);
    expect(mine.body.campaigns[0]).toMatchObject(expected);

    const series = await api("GET", `/campaigns/${campaign.id}/timeseries`);
    expect(series.status).toBe(200);
    expect(series.body.points.at(-1)).toMatchObject(expected);

    // Every click was from France, on a phone: the click orders are there, the code orders no click's.
    for (const [by, value] of [
      ["country", "FR"],
      ["device", "mobile"],
    ]) {
      const breakdown = await api("GET", `/campaigns/${campaign.id}/breakdown?by=${by}`);
      expect(breakdown.status).toBe(200);
      expect(breakdown.body.rows).toEqual(breakdownOf(value as string, sales, visitors));
    }
  });

  it("labels the no-click row and shows the split on the dashboard and the shared report", async () => {
    const { campaign } = await campaignWithSales(2, 3);
    await rollUp();
    const browser = new PageClient();
    await browser.signIn("test-admin-key");
    const page = `/dashboard/campaigns/${campaign.id}`;
    const tile = (html: string, metric: string) =>
      new RegExp(`data-metric="${metric}"><dt>[^<]*</dt><dd>([^<]*)</dd>`).exec(html)?.[1];
    const section = (html: string, id: string) =>
      new RegExp(`<section aria-labelledby="${id}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? "";
    const english = (await browser.request(page)).text;
    expect(tile(english, "code_conversions")).toBe("3");
    expect(tile(english, "click_conversions")).toBe("2");
    expect(tile(english, "conversion_rate")).toBe("100%");
    for (const id of ["by-country", "by-device"]) {
      expect(section(english, id)).toContain(
        '<th scope="row">No click (code orders)</th><td class="num">0</td>',
      );
      expect(section(english, id)).not.toContain(">unknown<");
    }
    const french = (await browser.request(`${page}?lang=fr`)).text;
    expect(section(french, "by-country")).toContain('<th scope="row">Sans clic (commandes par code)</th>');
    expect(french).toContain("Commandes par code");

    const shared = await browser.post(`${page}/share-links`, {}, page);
    const url = /data-share-url[^>]*>([^<]+)</.exec(shared.text)?.[1] as string;
    const report = (await new PageClient().request(new URL(url).pathname)).text;
    expect(section(report, "by-country")).toContain('<th scope="row">No click (code orders)</th>');
    expect(tile(report, "code_conversions")).toBe("3");
  });

  it("rates code orders without clicks at null, not at infinity", async () => {
    const campaign = await createCampaign({ name: "Codes only" });
    const code = unique("ONLY").toUpperCase();
    const influencer = await createInfluencer();
    await api("POST", "/codes", { body: { code, campaign_id: campaign.id, influencer_id: influencer.id } });
    const checkout = (await createKey("checkout")).key;
    const body = { code, order_id: unique("o"), amount: 900, currency: "EUR" };
    expect((await api("POST", "/redemptions", { key: checkout, body })).status).toBe(201);
    await rollUp();
    const summary = await api("GET", `/campaigns/${campaign.id}/summary`);
    expect(summary.body.totals).toMatchObject({
      conversions: 1,
      code_conversions: 1,
      click_conversions: 0,
      unique_clicks: 0,
      conversion_rate: null,
    });
  });
});

describe("history rolled up before conversions had paths", () => {
  it("gets them from the raw sales the rollup had read, and the next run adds only what is new", async () => {
    const { campaign, code, checkout, sales, visitors } = await campaignWithSales(3, 4);
    await rollUp();
    // What the rollup wrote before this change: no split (the new columns' default).
    await env.DB.prepare(
      "UPDATE rollup_daily SET code_conversions = 0, click_conversions = 0 WHERE campaign_id = ?",
    )
      .bind(campaign.id)
      .run();
    // And the code orders under "unknown" in every dimension.
    await env.DB.batch(
      [
        `INSERT INTO rollup_breakdown_daily (campaign_id, dimension, day, influencer_id, value, conversions, revenue)
         SELECT campaign_id, dimension, day, influencer_id, 'unknown', conversions, revenue
         FROM rollup_breakdown_daily WHERE campaign_id = ?1 AND value = ''
         ON CONFLICT DO UPDATE SET conversions = conversions + excluded.conversions, revenue = revenue + excluded.revenue`,
        "DELETE FROM rollup_breakdown_daily WHERE campaign_id = ?1 AND value = ''",
      ].map((sql) => env.DB.prepare(sql).bind(campaign.id)),
    );
    const before = await api("GET", `/campaigns/${campaign.id}/summary`);
    expect(before.body.totals).toMatchObject({ conversions: 6, code_conversions: 0, click_conversions: 0 });
    const country = async () =>
      (await api("GET", `/campaigns/${campaign.id}/breakdown?by=country`)).body.rows;
    const [fr, noClick] = breakdownOf("FR", sales, visitors);
    expect(await country()).toEqual([fr, { ...noClick, value: "unknown", reason: null }]);

    // A code order that arrives before the migration but after the last run: not rolled up yet.
    const late = { code, order_id: unique("o"), amount: 777, currency: "EUR" };
    expect((await api("POST", "/redemptions", { key: checkout, body: late })).status).toBe(201);

    const statements = backfillStatements("conversions_by_path");
    expect(statements.length).toBeGreaterThan(0);
    await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
    const after = await api("GET", `/campaigns/${campaign.id}/summary`);
    expect(after.body.totals).toMatchObject(byPath(sales, visitors));
    expect(await country()).toEqual(breakdownOf("FR", sales, visitors));

    await rollUp();
    sales.push({ path: "code", amount: 777 });
    const next = await api("GET", `/campaigns/${campaign.id}/summary`);
    expect(next.body.totals).toMatchObject(byPath(sales, visitors));
    expect(await country()).toEqual(breakdownOf("FR", sales, visitors));

    // Again: nothing changes.
    await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
    const again = await api("GET", `/campaigns/${campaign.id}/summary`);
    expect(again.body.totals).toEqual(next.body.totals);
    expect(await country()).toEqual(breakdownOf("FR", sales, visitors));
  });
});
