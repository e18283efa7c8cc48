import { writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ARTEFACTS, launchBrowser } from "./browser";
import { awayFromMidnight } from "./clock";
import { E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

// Issue 18, points 6 to 8 as a marketer, an influencer and a stakeholder meet them in Chromium:
// charts with a scale per series and values on hover and focus, the breakdowns, goals once, the
// shared report printed to an A4 PDF, the portal's codes and period, the favicon and the root.

const PHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const DESKTOP_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const DAY = 86_400_000;

let worker: LocalWorker;
let browser: Browser;
let campaign: { id: string; name: string };
let star: { id: string; handle: string };
let flop: { id: string; handle: string };
const problems: string[] = [];

async function api(method: string, path: string, body?: unknown, key = E2E_ADMIN_KEY) {
  const res = await fetch(`${worker.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(json)).toBeLessThan(300);
  return json as Record<string, string>;
}

// Every page visited: no CSP refusal, no 404 (a missing favicon was one on every page).
async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on("response", (response) => {
    if (response.status() === 404) problems.push(`404 ${response.url()}`);
  });
  return page;
}

async function signIn(page: Page, key: string) {
  await page.goto(`${worker.url}/`);
  // The root sends a newcomer to the sign-in.
  expect(new URL(page.url()).pathname).toBe("/login");
  await page.getByLabel(/API key|Clé/).fill(key);
  await page.getByRole("button", { name: /Sign in|Se connecter/ }).click();
  await page.waitForURL(/\/(dashboard|portal)$/);
}

beforeAll(async () => {
  worker = await startLocalWorker();
  browser = await launchBrowser();
  // The charts' "today" (six clicks, two orders) is a UTC day of wrangler dev's clock.
  await awayFromMidnight("UTC");
  const now = Date.now();
  campaign = (await api("POST", "/campaigns", {
    name: "Rentrée 2026",
    objective: "sales",
    currency: "EUR",
    starts_at: new Date(now - 10 * DAY).toISOString(),
    ends_at: new Date(now + 20 * DAY).toISOString(),
    goals: [
      { metric: "conversions", target: 3 },
      { metric: "revenue", target: 1_000_000, due: new Date(now - DAY).toISOString() },
    ],
  })) as typeof campaign;
  star = (await api("POST", "/influencers", {
    handle: "star.creator",
    platform: "instagram",
  })) as typeof star;
  flop = (await api("POST", "/influencers", { handle: "quiet.creator", platform: "tiktok" })) as typeof flop;
  const checkout = (await api("POST", "/keys", { scope: "checkout" })).key as string;
  for (const [who, fee, code, amounts] of [
    [star, 10_000, "STAR10", [30_000, 12_000]],
    [flop, 40_000, "QUIET10", [5_000]],
  ] as const) {
    await api("PUT", `/campaigns/${campaign.id}/influencers/${who.id}`, { fee });
    await api("POST", "/codes", { code, campaign_id: campaign.id, influencer_id: who.id });
    const link = await api("POST", "/links", {
      campaign_id: campaign.id,
      influencer_id: who.id,
      url: `${worker.url}/healthz`,
    });
    for (const ua of [PHONE_UA, PHONE_UA, DESKTOP_UA]) {
      await fetch(`${worker.url}/${link.slug}`, { headers: { "User-Agent": ua }, redirect: "manual" });
    }
    for (const [i, amount] of amounts.entries()) {
      await api(
        "POST",
        "/redemptions",
        {
          code,
          order_id: `${code}-${i}`,
          amount,
          currency: "EUR",
          occurred_at: new Date(now - i * DAY).toISOString(),
        },
        checkout,
      );
    }
  }
  await vi.waitUntil(() => worker.query("SELECT id FROM clicks").length === 6, {
    timeout: 30_000,
    interval: 250,
  });
  await api("POST", "/rollup");
}, 480_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("the campaign's report in Chromium", () => {
  let shareUrl: string;

  it("draws clicks and orders on scales of their own, with each value on hover and on focus", async () => {
    const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
    const page = await newPage(context);
    await signIn(page, E2E_ADMIN_KEY);
    await page.goto(`${worker.url}/dashboard/campaigns/${campaign.id}`);
    const ticks = (id: string) =>
      page
        .locator(`[data-chart="${id}"] [data-tick]`)
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-tick")));
    // Six clicks today and three orders (two today, one yesterday): each series on its own axis.
    await expect(ticks("daily-clicks")).resolves.toEqual(["0", "2", "4", "6"]);
    await expect(ticks("daily-orders")).resolves.toEqual(["0", "1", "2"]);

    // Tab to a point: its value shows; hovering another shows that one's.
    const points = page.locator('[data-chart="daily-orders"] .pt');
    const last = points.last();
    await expect(last.locator(".tip").isVisible()).resolves.toBe(false);
    await last.focus();
    await expect(last.locator(".tip").isVisible()).resolves.toBe(true);
    await expect(last.locator(".tip").textContent()).resolves.toMatch(/: 2$/);
    const yesterday = points.nth((await points.count()) - 2);
    // The mouse over the point, as a person moves it.
    const box = (await yesterday.locator(".hit").boundingBox()) as { x: number; y: number; width: number };
    await page.mouse.move(box.x + box.width / 2, box.y + box.width / 2);
    await expect(yesterday.locator(".tip").isVisible()).resolves.toBe(true);
    await expect(yesterday.getAttribute("aria-label")).resolves.toMatch(/, Orders: 1$/);

    // The funnel: a visible bar for every step that has something, and each step's rate to the
    // next (no impressions here: no post has figures; 4 unique clicks of 6; no order by click).
    const widths = await page
      .locator("#funnel ~ svg rect.bar")
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width > 0));
    expect(widths).toEqual([false, true, true, false]);
    await expect(page.locator("[data-rate]").allTextContents()).resolves.toEqual([
      "↓ – of impressions",
      "↓ 66.7% of clicks",
      "↓ 0% of unique clicks",
    ]);

    // Breakdowns by browser, OS and referrer; each goal once, with its remove button.
    await expect(page.locator("#by-browser ~ .table-wrap th[scope=row]").allTextContents()).resolves.toEqual([
      "Mobile Safari",
      "Chrome",
      "No click (code orders)",
    ]);
    await expect(page.locator("#by-os ~ .table-wrap th[scope=row]").first().textContent()).resolves.toBe(
      "iOS",
    );
    await expect(page.locator("[data-goal]").count()).resolves.toBe(2);
    await expect(page.getByText("€10,000.00").count()).resolves.toBe(1);
    await page.screenshot({ path: `${ARTEFACTS}/campaign-charts.png`, fullPage: true });

    await page.goto(`${worker.url}/dashboard/campaigns/${campaign.id}?lang=fr`);
    await expect(page.locator("#by-device ~ .table-wrap th[scope=row]").allTextContents()).resolves.toEqual([
      "mobile",
      "ordinateur",
      "Sans clic (commandes par code)",
    ]);
    await page.goto(`${worker.url}/dashboard/campaigns/${campaign.id}?lang=en`);

    const share = page.getByRole("form", { name: "Share a read-only report" });
    await share.getByLabel("Label (optional)").fill("Post-campaign");
    await share.getByRole("button", { name: "Create" }).click();
    shareUrl = (await page.locator("[data-share-url]").textContent()) as string;
    await context.close();
  });

  it("prints the shared report to a clean A4 PDF with the summary a stakeholder decides on", async () => {
    const context = await browser.newContext({ locale: "en-GB" });
    const page = await newPage(context);
    await page.goto(shareUrl);
    await expect(page.locator("[data-summary=best]").textContent()).resolves.toMatch(
      /^@star\.creator: ROI 320%/,
    );
    await expect(page.locator("[data-summary=worst]").textContent()).resolves.toMatch(
      /^@quiet\.creator: ROI -87\.5%/,
    );
    await expect(page.locator("[data-summary=goals]").textContent()).resolves.toBe("1 of 2 met");
    await expect(
      page
        .locator("[data-goal-status]")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-goal-status"))),
    ).resolves.toEqual(["met", "missed"]);
    await expect(page.getByRole("button", { name: "Print or save as PDF" }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${ARTEFACTS}/shared-report-summary.png`, fullPage: true });

    // What print hides, and what it keeps whole.
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("button", { name: "Print or save as PDF" }).isVisible()).resolves.toBe(false);
    await expect(page.locator("header.top").isVisible()).resolves.toBe(false);
    await expect(page.locator("nav.period").isVisible()).resolves.toBe(false);
    const unbroken = await page
      .locator("figure, table, section")
      .evaluateAll((els) => els.every((e) => getComputedStyle(e).breakInside === "avoid"));
    expect(unbroken).toBe(true);

    const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
    writeFileSync(`${ARTEFACTS}/shared-report.pdf`, pdf);
    const document = await getDocumentProxy(new Uint8Array(pdf));
    const { totalPages, text } = await extractText(document, { mergePages: true });
    expect(totalPages).toBeGreaterThanOrEqual(1);
    expect(totalPages).toBeLessThanOrEqual(5);
    const page1 = (await document.getPage(1)).view;
    // A4 in PDF points, 595.3 × 841.9 (Chromium rounds its media box to whole points).
    expect(Math.abs((page1[2] ?? 0) - 595.3)).toBeLessThan(1);
    expect(Math.abs((page1[3] ?? 0) - 841.9)).toBeLessThan(1.5);
    for (const words of [
      "Rentrée 2026",
      "Summary",
      "Best influencer",
      "@star.creator",
      "Weakest influencer",
      "@quiet.creator",
      "1 of 2 met",
      "Influencer leaderboard",
      "EMV",
      "By referrer",
    ]) {
      expect(text, words).toContain(words);
    }
    for (const words of ["Sign out", "Print or save as PDF", "Last 7 days"])
      expect(text, words).not.toContain(words);
    await context.close();
  });

  it("shows an influencer each code's campaign, no empty column, and a period choice", async () => {
    const key = (await api("POST", "/keys", { scope: "influencer", influencer_id: star.id })).key as string;
    const context = await browser.newContext({ locale: "en-GB", viewport: { width: 390, height: 844 } });
    const page = await newPage(context);
    await signIn(page, key);
    await expect(page.locator("#codes ~ .table-wrap th[scope=col]").allTextContents()).resolves.toEqual([
      "Code",
      "Campaign",
      "Redemptions",
    ]);
    await expect(page.locator("[data-link-campaign]").textContent()).resolves.toBe("Rentrée 2026");
    await page.getByRole("link", { name: "Last 7 days" }).click();
    await expect(page.locator('nav.period [aria-current="page"]').textContent()).resolves.toBe("Last 7 days");
    await page.screenshot({ path: `${ARTEFACTS}/portal-period.png`, fullPage: true });
    await context.close();
  });

  it("met no CSP refusal and no 404, favicon included, on any page", () => {
    expect(problems).toEqual([]);
  });
});
