import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

// A marketer paying influencers from the payouts page (create, review, download the bank's file,
// mark paid), and an influencer reading their own earnings and payouts on the portal.

let worker: LocalWorker;
let browser: Browser;
const cspViolations: string[] = [];
let ana: { id: string; handle: string };
let ben: { id: string; handle: string };
let anaKey: string;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${worker.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${E2E_ADMIN_KEY}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the fields it asserts on.
  return (await res.json()) as any;
}

async function signedIn(key: string, landing: string): Promise<Page> {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(`${worker.url}/login`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${worker.url}${landing}`);
  return page;
}

beforeAll(async () => {
  worker = await startLocalWorker();
  browser = await launchBrowser();
  // Fees are payable at once: Ana is owed 120.00, Ben 45.50.
  const campaign = await api("POST", "/campaigns", {
    name: "Printemps",
    objective: "sales",
    currency: "EUR",
  });
  ana = await api("POST", "/influencers", { handle: "ana.paid", platform: "instagram" });
  ben = await api("POST", "/influencers", { handle: "ben.waits", platform: "tiktok" });
  await api("PUT", `/campaigns/${campaign.id}/influencers/${ana.id}`, { fee: 12_000 });
  await api("PUT", `/campaigns/${campaign.id}/influencers/${ben.id}`, { fee: 4_550 });
  anaKey = (await api("POST", "/keys", { scope: "influencer", influencer_id: ana.id, name: "ana" })).key;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("the payouts page and the portal's earnings", () => {
  it("creates a payout, reviews it, downloads its lines and marks it paid", async () => {
    const page = await signedIn(E2E_ADMIN_KEY, "/dashboard");
    await page.getByRole("link", { name: "Payouts" }).click();
    await page.waitForURL(`${worker.url}/dashboard/payouts`);
    const payable = page.locator("[data-payable]");
    await expect(payable.filter({ hasText: "@ana.paid" }).textContent()).resolves.toContain("€120.00");
    await expect(payable.filter({ hasText: "@ben.waits" }).textContent()).resolves.toContain("€45.50");

    const form = page.getByRole("form", { name: "Create a payout" });
    // Nobody is owed 1,000.00: refused on the form, nothing made.
    await form.getByLabel("Minimum amount per influencer (optional)").fill("1000");
    await form.getByRole("button", { name: "Create a payout" }).click();
    await expect(page.getByRole("alert").first().textContent()).resolves.toBeTruthy();
    await expect(page.locator("#payout-min_amount-error").textContent()).resolves.toBe(
      "No influencer has at least the minimum payable in this currency.",
    );
    await form.getByLabel("Minimum amount per influencer (optional)").fill("50");
    await form.getByRole("button", { name: "Create a payout" }).click();
    await page.waitForURL(/\/dashboard\/payouts\/po_/);
    const payoutId = page.url().split("/").at(-1) as string;

    // Ana's line only: Ben's 45.50 waits for a later payout.
    const lines = page.locator("[data-payout-line]");
    await expect(lines.count()).resolves.toBe(1);
    await expect(lines.first().textContent()).resolves.toMatch(/@ana\.paid.*€120\.00/);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download lines (CSV)" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`payout-${payoutId}.csv`);
    const csv = await readFile(await download.path(), "utf8");
    expect(csv).toBe(
      `influencer,handle,amount,currency,reference\r\n${ana.id},ana.paid,120.00,EUR,${payoutId}\r\n`,
    );

    const paid = page.getByRole("form", { name: "Mark paid" });
    await paid.getByLabel("Reference (the bank's or PayPal's, optional)").fill("SEPA-2026-001");
    await paid.getByRole("button", { name: "Mark paid" }).click();
    await page.waitForURL(`${worker.url}/dashboard/payouts/${payoutId}`);
    await expect(page.locator("[data-payout-status]").textContent()).resolves.toBe("Paid");
    await expect(page.locator("[data-reference]").textContent()).resolves.toBe("SEPA-2026-001");
    await expect(page.getByRole("form", { name: "Mark paid" }).count()).resolves.toBe(0);
    expect(await api("GET", `/payouts/${payoutId}`)).toMatchObject({ status: "paid", total: 12_000 });
    await page.context().close();
  }, 60_000);

  it("shows the influencer their own earnings and payouts on the portal, nobody else's", async () => {
    const page = await signedIn(anaKey, "/portal");
    const earnings = page.locator('[data-earnings="EUR"]');
    await expect(earnings.locator('[data-status="paid"]').textContent()).resolves.toBe("€120.00");
    await expect(earnings.locator('[data-status="payable"]').textContent()).resolves.toBe("€0.00");
    await expect(earnings.locator('[data-status="pending"]').textContent()).resolves.toBe("€0.00");
    const payouts = page.locator("[data-own-payout]");
    await expect(payouts.count()).resolves.toBe(1);
    await expect(payouts.first().textContent()).resolves.toContain("€120.00");
    const text = (await page.textContent("body")) ?? "";
    expect(text).not.toContain("ben.waits");
    expect(text).not.toContain("45.50");
    // The payouts page is the marketer's alone.
    const res = await page.goto(`${worker.url}/dashboard/payouts`);
    expect(res?.status()).toBe(403);
    await page.context().close();
  }, 60_000);

  it("met no CSP violation", () => {
    expect(cspViolations).toEqual([]);
  });
});
