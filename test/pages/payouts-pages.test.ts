import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { enrol, order, promoCode, settleLedger } from "../support/figure-helpers";
import { ADMIN, api, BASE, createCampaign, createInfluencer, createKey, unique } from "../support/helpers";
import { PageClient, rowOf } from "../support/page-client";

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
// Money as a reader of that language writes it, worked out here from the hand-made figures.
const nok = (major: number, locale = "en") =>
  new Intl.NumberFormat(locale, { style: "currency", currency: "NOK" }).format(major);

const cell = (row: string, status: string) =>
  new RegExp(`data-status="${status}"[^>]*>([^<]*)<`).exec(row)?.[1]?.trim();

// A program worked out by hand, in NOK (no other test here pays in it). Ana: fee 100.00 and 10 %
// held 14 days; a sale of 200.00 twenty days ago (20.00, payable) and one of 50.00 two days ago
// (5.00, pending): pending 5.00, payable 120.00. Ben: a fee of 30.00, payable at once.
let campaign: string;
let ana: { id: string; handle: string };
let ben: { id: string; handle: string };
const browser = new PageClient();

beforeAll(async () => {
  campaign = (await createCampaign({ currency: "NOK", name: unique("Payouts ") })).id;
  ana = (await createInfluencer({ handle: unique("ana") })) as typeof ana;
  ben = (await createInfluencer({ handle: unique("ben") })) as typeof ben;
  await enrol(campaign, ana.id, { fee: 10_000, commission_rate: 0.1, holding_days: 14 });
  await enrol(campaign, ben.id, { fee: 3_000 });
  const code = await promoCode(campaign, ana.id);
  await order(code, 20_000, ago(20), "NOK");
  await order(code, 5_000, ago(2), "NOK");
  await settleLedger();
  await browser.signIn(ADMIN);
});

describe("earnings on the campaign and influencer pages", () => {
  it("shows each influencer's pending, payable and paid, as the balance API has them", async () => {
    const page = (await browser.request(`/dashboard/campaigns/${campaign}`)).text;
    const anaRow = rowOf(page, `data-earnings="${ana.id}:NOK"`);
    expect(anaRow).toContain(`@${ana.handle}`);
    expect(cell(anaRow, "pending")).toBe(nok(5));
    expect(cell(anaRow, "payable")).toBe(nok(120));
    expect(cell(anaRow, "paid")).toBe(nok(0));
    expect(cell(rowOf(page, `data-earnings="${ben.id}:NOK"`), "payable")).toBe(nok(30));

    const own = (await browser.request(`/dashboard/influencers/${ana.id}`)).text;
    const row = rowOf(own, 'data-earnings="NOK"');
    expect(cell(row, "pending")).toBe(nok(5));
    expect(cell(row, "payable")).toBe(nok(120));
    const balance = await api("GET", `/influencers/${ana.id}/balance`);
    expect(balance.body.balances).toEqual([{ currency: "NOK", pending: 500, payable: 12_000, paid: 0 }]);
  });
});

describe("the payouts page", () => {
  it("is linked from the dashboard and shows what is payable now", async () => {
    expect((await browser.request("/dashboard")).text).toContain('href="/dashboard/payouts"');
    const page = await browser.request("/dashboard/payouts");
    expect(page.status).toBe(200);
    expect(rowOf(page.text, `data-payable="${ana.id}:NOK"`)).toContain(nok(120));
    expect(rowOf(page.text, `data-payable="${ben.id}:NOK"`)).toContain(nok(30));
  });

  it("refuses a payout with nothing payable on its form, in the page's language (422)", async () => {
    await browser.request("/dashboard/payouts?lang=fr");
    const res = await browser.post("/dashboard/payouts", {
      currency: "nok",
      min_amount: "1000,00",
      key: "k-none",
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain("Aucun influenceur n’a au moins le minimum à payer dans cette devise.");
    expect(res.text).toContain('value="1000,00"');
    const typo = await browser.post("/dashboard/payouts", { currency: "NO", key: "k-typo" });
    expect(typo.status).toBe(422);
    expect(typo.text).toMatch(/id="payout-currency"[^>]*aria-invalid="true"/);
    await browser.request("/dashboard/payouts?lang=en");
    expect((await api("GET", "/payouts")).body.data).toHaveLength(0);
  });

  it("creates a payout once per form, shows its lines, downloads them and marks it paid", async () => {
    const key = `k-${crypto.randomUUID()}`;
    const form = { currency: "NOK", min_amount: "50.00", key };
    const created = await browser.post("/dashboard/payouts", form);
    expect(created.status).toBe(303);
    const location = created.headers.get("Location") as string;
    expect(location).toMatch(/^\/dashboard\/payouts\/po_/);
    // The same form sent again (a double click): the same payout, no second one.
    const again = await browser.post("/dashboard/payouts", form, "/dashboard/payouts");
    expect(again.headers.get("Location")).toBe(location);
    const id = location.split("/").at(-1) as string;
    expect((await api("GET", "/payouts")).body.data.map((p: { id: string }) => p.id)).toEqual([id]);

    // Ana's 120.00 (fee and the payable sale, two entries); Ben's 30.00 is under the minimum.
    const review = await browser.request(location);
    expect(review.status).toBe(200);
    const line = rowOf(review.text, `data-payout-line="${ana.id}"`);
    expect(line).toContain(`@${ana.handle}`);
    expect(line).toContain(nok(120));
    expect(line).toMatch(/<td class="num">2<\/td>/);
    expect(review.text).not.toContain(`data-payout-line="${ben.id}"`);
    expect(review.text).toContain('data-payout-status="draft"');
    // Claimed by the draft: no longer "payable now" on the list, where the payout is listed.
    const list = (await browser.request("/dashboard/payouts")).text;
    expect(list).not.toContain(`data-payable="${ana.id}:NOK"`);
    expect(list).toContain(`data-payout="${id}"`);

    const csv = await browser.request(`${location}/lines.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    expect(csv.headers.get("Content-Disposition")).toBe(`attachment; filename="payout-${id}.csv"`);
    const fromApi = await fetchApiCsv(id);
    expect(csv.text).toBe(fromApi);
    expect(csv.text).toContain(`${ana.id},${ana.handle},120.00,NOK,${id}`);

    const paid = await browser.post(`${location}/paid`, { reference: "BANK-42" }, location);
    expect(paid.status).toBe(303);
    const after = (await browser.request(location)).text;
    expect(after).toContain('data-payout-status="paid"');
    expect(after).toContain("BANK-42");
    expect(after).not.toContain(`action="${location}/paid"`);
    const payout = await api("GET", `/payouts/${id}`);
    expect(payout.body).toMatchObject({ status: "paid", reference: "BANK-42", total: 12_000 });
    const campaignPage = (await browser.request(`/dashboard/campaigns/${campaign}`)).text;
    expect(cell(rowOf(campaignPage, `data-earnings="${ana.id}:NOK"`), "paid")).toBe(nok(120));
  });

  it("answers 404 pages for a payout that does not exist", async () => {
    expect((await browser.request("/dashboard/payouts/po_missing")).status).toBe(404);
    expect((await browser.request("/dashboard/payouts/po_missing/lines.csv")).status).toBe(404);
  });
});

async function fetchApiCsv(id: string) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/v1/payouts/${id}/lines.csv`, { headers: { Authorization: `Bearer ${ADMIN}` } }),
  );
  expect(res.status).toBe(200);
  return res.text();
}

describe("the portal's earnings", () => {
  it("shows the influencer their own earnings and payouts, nobody else's", async () => {
    const portal = new PageClient();
    await portal.signIn((await createKey("influencer", { influencer_id: ana.id })).key);
    const page = (await portal.request("/portal")).text;
    const row = rowOf(page, 'data-earnings="NOK"');
    expect(cell(row, "pending")).toBe(nok(5));
    expect(cell(row, "paid")).toBe(nok(120));
    expect(cell(row, "payable")).toBe(nok(0));
    expect(page).toMatch(/data-own-payout="po_/);
    expect(rowOf(page, "data-own-payout")).toContain(nok(120));
    expect(page).not.toContain(ben.id);
    expect(page).not.toContain(ben.handle);
    expect(page).not.toContain(nok(30));

    const other = new PageClient();
    await other.signIn((await createKey("influencer", { influencer_id: ben.id })).key);
    const bens = (await other.request("/portal")).text;
    expect(cell(rowOf(bens, 'data-earnings="NOK"'), "payable")).toBe(nok(30));
    expect(bens).toContain("No payouts yet.");
    expect(bens).not.toContain(ana.handle);
    expect(bens).not.toContain(nok(120));
    // An influencer's session cannot open the payouts pages.
    expect((await other.request("/dashboard/payouts")).status).toBe(403);
  });
});
