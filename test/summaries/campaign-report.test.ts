import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { minorToDecimal } from "../../src/money";
import { enrol, order, promoCode, rollUp } from "../support/figure-helpers";
import { ADMIN, api, BASE, createCampaign, createInfluencer, expectError, unique } from "../support/helpers";
import { PageClient } from "../support/page-client";

const HEADER =
  "influencer_id,handle,currency,impressions,reach,views,engagements,engagement_rate,followers_gained,follower_growth_rate,clicks,unique_clicks,bot_clicks," +
  "ctr,sessions,engaged_sessions,bounce_rate,pages_per_session,avg_engaged_seconds,returning_sessions,leads,conversions,code_conversions,click_conversions,conversion_rate,revenue,refunds,net_revenue,aov,cost,roi,roas,cpa,cpl,cpc,emv";

async function report(campaignId: string, query = "") {
  const res = await exports.default.fetch(`${BASE}/api/v1/campaigns/${campaignId}/report.csv${query}`, {
    headers: { Authorization: `Bearer ${ADMIN}` },
  });
  return { res, text: await res.text() };
}

// A reader written for the test (RFC 4180: quoted fields, doubled quotes, CRLF between records).
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  expect(field, "the file ends with CRLF").toBe("");
  return rows;
}

describe("GET /campaigns/:id/report.csv", () => {
  it("writes one quoted, formula-safe row per influencer, and a totals row when asked", async () => {
    const campaign = await createCampaign({ name: "Report" });
    // Handles may hold anything but a leading @: a formula, commas, quotes, a line break.
    const formula = `=HYPERLINK("http://evil.example/","${unique("x")}")`;
    const awkward = `${unique("ana")}, "the" best\nline two`;
    const plus = `+${unique("1")}`;
    const eve = await createInfluencer({ handle: formula, followers: 1_000 });
    const ana = await createInfluencer({ handle: awkward, followers: 200 });
    const pat = await createInfluencer({ handle: plus, followers: 0 });
    await enrol(campaign.id, eve.id, { fee: 1_000 });
    await enrol(campaign.id, ana.id);
    await enrol(campaign.id, pat.id, { fee: 500 });
    await order(await promoCode(campaign.id, eve.id), 1_234, "2026-05-01T10:00:00Z");
    await rollUp();

    // The contract's file: one row per influencer, nothing else.
    const plain = parseCsv((await report(campaign.id)).text);
    expect(plain.map((r) => r[0]).sort()).toEqual(["influencer_id", eve.id, ana.id, pat.id].sort());

    const { res, text } = await report(campaign.id, "?totals=true");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(
      `attachment; filename="swayline-${campaign.id}-all-time.csv"`,
    );
    // The raw text: the formula is defused with an apostrophe and quoted for its quotes and comma.
    expect(text.startsWith(`${HEADER}\r\n`)).toBe(true);
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example/"",""`);
    expect(text).toContain(`,"${awkward.replaceAll('"', '""')}",`);
    expect(text).toContain(`,'${plus},`);

    const rows = parseCsv(text);
    expect(rows.map((r) => r.length)).toEqual([36, 36, 36, 36, 36]);
    const cells = (r: string[] | undefined) =>
      Object.fromEntries(HEADER.split(",").map((h, i) => [h, r?.[i]]));
    const [first, second, third, total] = rows.slice(1).map(cells);
    // Sorted by revenue: Eve first; the other two have none (tie order is theirs to keep).
    expect(first).toEqual({
      influencer_id: eve.id,
      handle: `'${formula}`,
      currency: "EUR",
      impressions: "0",
      reach: "0",
      views: "0",
      engagements: "0",
      engagement_rate: "0.0000", // 0 of 1000 followers
      followers_gained: "0",
      follower_growth_rate: "0.0000",
      clicks: "0",
      unique_clicks: "0",
      bot_clicks: "0",
      ctr: "", // no impressions: null, an empty cell
      // No visitor sessions: counts 0, their ratios empty.
      sessions: "0",
      engaged_sessions: "0",
      bounce_rate: "",
      pages_per_session: "",
      avg_engaged_seconds: "",
      returning_sessions: "0",
      leads: "0",
      conversions: "1",
      code_conversions: "1",
      click_conversions: "0",
      conversion_rate: "",
      // Money in euros with its two digits; ratios to 4 decimals.
      revenue: "12.34",
      refunds: "0.00",
      net_revenue: "12.34",
      aov: "12.34",
      cost: "10.00",
      roi: "0.2340",
      roas: "1.2340",
      cpa: "10.00",
      cpl: "",
      cpc: "",
      emv: "", // no emv_cpm
    });
    const others = new Map([second, third].map((r) => [r?.influencer_id, r]));
    // A negative number is a number, not a formula: no apostrophe.
    expect(others.get(pat.id)).toMatchObject({
      handle: `'${plus}`,
      cost: "5.00",
      roi: "-1.0000",
      roas: "0.0000",
    });
    expect(others.get(ana.id)).toMatchObject({
      handle: awkward,
      cost: "0.00",
      roi: "",
      engagement_rate: "0.0000",
    });
    expect(total).toMatchObject({
      influencer_id: "total",
      handle: "",
      currency: "EUR",
      conversions: "1",
      revenue: "12.34",
      cost: "15.00",
      roi: "-0.1773", // -2.66 / 15.00 = -0.17733…
      engagement_rate: "0.0000", // 0 of 1200
    });

    // A period without orders, sorted by cost.
    const byCost = parseCsv(
      (await report(campaign.id, "?sort=cost&from=2026-05-02T00:00:00Z&totals=true")).text,
    );
    expect(byCost.slice(1).map((r) => r[0])).toEqual([eve.id, pat.id, ana.id, "total"]);
    expect(byCost[4]?.[HEADER.split(",").indexOf("revenue")]).toBe("0.00");
  });

  it("writes money in the currency's major units with its digits and ratios to 4 decimals", async () => {
    const cellsOf = async (campaignId: string) => {
      const [header, row] = parseCsv((await report(campaignId)).text);
      return Object.fromEntries((header ?? []).map((h, i) => [h, row?.[i]]));
    };
    const money = ["currency", "revenue", "net_revenue", "aov", "cost", "cpa", "roi", "roas", "conversions"];
    const pickMoney = (cells: Record<string, string | undefined>) =>
      Object.fromEntries(money.map((f) => [f, cells[f]]));

    // Yen have no minor unit: ¥1,234 + ¥99 + ¥100 and a fee of ¥700.
    const yen = await createCampaign({ name: "Yen", currency: "JPY" });
    const kai = await createInfluencer();
    await enrol(yen.id, kai.id, { fee: 700 });
    const kaiCode = await promoCode(yen.id, kai.id);
    for (const amount of [1_234, 99, 100]) await order(kaiCode, amount, "2026-05-01T10:00:00Z", "JPY");
    // Euros have two digits: 10.00 + 10.00 + 10.01 and a fee of 9.99.
    const euro = await createCampaign({ name: "Euro", currency: "EUR" });
    const lea = await createInfluencer();
    await enrol(euro.id, lea.id, { fee: 999 });
    const leaCode = await promoCode(euro.id, lea.id);
    for (const amount of [1_000, 1_000, 1_001]) await order(leaCode, amount, "2026-05-01T10:00:00Z");
    await rollUp();

    expect(pickMoney(await cellsOf(yen.id))).toEqual({
      currency: "JPY",
      revenue: "1433",
      net_revenue: "1433",
      aov: "478", // 477.67
      cost: "700",
      cpa: "233", // 233.33
      roi: "1.0471", // 733 / 700 = 1.047142…
      roas: "2.0471",
      conversions: "3",
    });
    expect(pickMoney(await cellsOf(euro.id))).toEqual({
      currency: "EUR",
      revenue: "30.01",
      net_revenue: "30.01",
      aov: "10.00", // 10.0033
      cost: "9.99",
      cpa: "3.33",
      roi: "2.0040", // 20.02 / 9.99 = 2.004004…
      roas: "3.0040",
      conversions: "3",
    });
    // Three digits, signs, and a fraction of a minor unit rounded half up.
    expect(minorToDecimal(1_234, "BHD")).toBe("1.234");
    expect(minorToDecimal(5, "KWD")).toBe("0.005");
    expect(minorToDecimal(-5, "EUR")).toBe("-0.05");
    expect(minorToDecimal(-1_234_567, "USD")).toBe("-12345.67");
    expect(minorToDecimal(2.5, "EUR")).toBe("0.03");
    expect(minorToDecimal(0, "JPY")).toBe("0");
  });

  it("refuses bad input and unknown campaigns", async () => {
    expectError(await api("GET", "/campaigns/cmp_missing/report.csv"), 404, "campaign_not_found");
    const campaign = await createCampaign();
    expectError(
      await api("GET", `/campaigns/${campaign.id}/report.csv?sort=handle`),
      422,
      "validation_failed",
    );
    expectError(await api("GET", `/campaigns/${campaign.id}/report.csv?to=later`), 422, "validation_failed");
    expectError(
      await api("GET", `/campaigns/${campaign.id}/report.csv?totals=yes`),
      422,
      "validation_failed",
    );
    expectError(await api("GET", `/campaigns/${campaign.id}/report.csv`, { key: null }), 401, "unauthorized");
    // The OpenAPI document says it is CSV.
    const doc = (await (await exports.default.fetch(`${BASE}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    expect(Object.keys(doc.paths["/campaigns/{id}/report.csv"]?.get.responses["200"]?.content ?? {})).toEqual(
      ["text/csv"],
    );
    // No one enrolled: the header alone, and with totals a totals row of zeros.
    expect(parseCsv((await report(campaign.id)).text).map((r) => r[0])).toEqual(["influencer_id"]);
    const empty = parseCsv((await report(campaign.id, "?totals=true")).text);
    expect(empty.map((r) => r[0])).toEqual(["influencer_id", "total"]);
  });
});

// The file's name says which days it holds, the campaign's local days, on the API and the dashboard.
describe("the CSV report's file name", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const filename = (res: { headers: Headers }) =>
    /^attachment; filename="([^"]+)"$/.exec(res.headers.get("Content-Disposition") ?? "")?.[1];

  it("names the period's first and last day, all-time without one, and today for an open end", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    // 23:30 UTC on 7 December is already 8 December in Paris.
    vi.setSystemTime(Date.parse("2026-12-07T23:30:00Z"));
    const { id } = await createCampaign({ timezone: "Europe/Paris" });
    const fromApi = async (query: string) => filename((await report(id, query)).res);
    expect(await fromApi("")).toBe(`swayline-${id}-all-time.csv`);
    expect(await fromApi("?from=2026-11-01&to=2026-11-30")).toBe(
      `swayline-${id}-2026-11-01-to-2026-11-30.csv`,
    );
    // Instants stand for their local days.
    expect(await fromApi("?from=2026-10-31T23:30:00Z&to=2026-11-30T12:00:00Z")).toBe(
      `swayline-${id}-2026-11-01-to-2026-11-30.csv`,
    );
    expect(await fromApi("?from=2026-11-01")).toBe(`swayline-${id}-2026-11-01-to-2026-12-08.csv`);
    expect(await fromApi("?to=2026-11-30")).toBe(`swayline-${id}-up-to-2026-11-30.csv`);
    expect(await fromApi("?from=2027-01-01")).toBe(`swayline-${id}-from-2027-01-01.csv`);

    // The dashboard's download, for the period the page shows.
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    const page = async (query: string) =>
      filename(await browser.request(`/dashboard/campaigns/${id}/report.csv${query}`));
    expect(await page("")).toBe(`swayline-${id}-all-time.csv`);
    expect(await page("?days=7")).toBe(`swayline-${id}-2026-12-02-to-2026-12-08.csv`);
    expect(await page("?from=2026-11-01&to=2026-11-30")).toBe(`swayline-${id}-2026-11-01-to-2026-11-30.csv`);
  });
});
