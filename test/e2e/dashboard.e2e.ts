import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ARTEFACTS, launchBrowser } from "./browser";
import { E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

// A person's phone: a browser the redirect counts as a human (headless Chrome counts as a bot).
const PHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

let worker: LocalWorker;
let browser: Browser;
const cspViolations: string[] = [];

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  return page;
}

async function signIn(page: Page, key: string) {
  await page.goto(`${worker.url}/login`);
  await page.getByLabel(/API key|Clé/).fill(key);
  await page.getByRole("button", { name: /Sign in|Se connecter/ }).click();
}

const tile = (page: Page, metric: string) => page.locator(`[data-metric="${metric}"] dd`);

beforeAll(async () => {
  worker = await startLocalWorker();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("the dashboard in a real browser", () => {
  let campaignUrl: string;
  let shortUrl: string;
  let influencerId: string;

  it("signs in, creates a campaign, an influencer and a link; a followed link shows up after refresh", async () => {
    const context = await browser.newContext({
      locale: "en-GB",
      permissions: ["clipboard-read", "clipboard-write"],
    });
    const page = await newPage(context);
    await signIn(page, E2E_ADMIN_KEY);
    await expect(page.url()).toBe(`${worker.url}/dashboard`);
    const [cookie] = (await context.cookies()).filter((c) => c.name === "__Host-swl_session");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
    // The key is nowhere the page's script could read it.
    expect(
      await page.evaluate(() =>
        [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)].join(),
      ),
    ).not.toContain(E2E_ADMIN_KEY);

    const newCampaign = page.getByRole("form", { name: "New campaign" });
    await newCampaign.getByLabel("Name").fill("Printemps 2026");
    await newCampaign.getByLabel("Objective").selectOption("sales");
    await newCampaign.getByLabel("Budget").fill("2500.00");
    await newCampaign.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/dashboard\/campaigns\/cmp_/);
    campaignUrl = page.url();
    await expect(page.locator("h1").textContent()).resolves.toBe("Printemps 2026");

    const newInfluencer = page.getByRole("form", { name: "New influencer" });
    await newInfluencer.getByLabel("Handle").fill("@lea.style");
    await newInfluencer.getByLabel("Platform").selectOption("instagram");
    await newInfluencer.getByLabel("Followers").fill("12000");
    await newInfluencer.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(campaignUrl);

    // A mistake is shown on the field, not as an error page.
    const issueLink = () => page.getByRole("form", { name: "Issue a link" });
    await issueLink().getByLabel("Influencer").fill("@lea.style (instagram)");
    await issueLink().getByLabel("Destination URL").fill(`${worker.url}/healthz?landing=1`);
    await issueLink().getByLabel("Slug (optional)").fill("docs");
    await issueLink().getByRole("button", { name: "Create" }).click();
    await expect(page.locator("#link-slug-error").textContent()).resolves.toBe(
      "Reserved: Swayline uses this path itself.",
    );
    await issueLink().getByLabel("Slug (optional)").fill("lea-spring");
    await issueLink().getByRole("button", { name: "Create" }).click();
    await page.waitForURL(`${campaignUrl}#links`);
    shortUrl = (await page.locator("[data-short-url]").first().textContent()) as string;
    expect(shortUrl).toBe(`${worker.url}/lea-spring`);
    await expect(page.locator("svg.qr").count()).resolves.toBe(1);
    // The copy button (the pages' one script) puts the short link on the clipboard.
    const copy = page.locator("[data-link]").getByRole("button", { name: `Copy ${shortUrl}` });
    await copy.click();
    // The label changes once the clipboard write resolves, and back 1.5 s later: wait for it.
    await expect.poll(() => copy.textContent(), { interval: 20, timeout: 10_000 }).toBe("Copied");
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(shortUrl);
    influencerId = (await page
      .locator("[data-influencer]")
      .first()
      .getAttribute("data-influencer")) as string;

    const phone = await browser.newContext({ userAgent: PHONE_UA });
    const visitor = await phone.newPage();
    await visitor.goto(shortUrl);
    expect(new URL(visitor.url()).pathname).toBe("/healthz");
    await phone.close();
    await vi.waitUntil(() => worker.query("SELECT id FROM clicks WHERE is_bot = 0").length === 1, {
      timeout: 20_000,
      interval: 500,
    });

    await expect(tile(page, "clicks").textContent()).resolves.toBe("0");
    await page.getByRole("button", { name: "Refresh now" }).click();
    await page.waitForURL(campaignUrl);
    await expect(tile(page, "clicks").textContent()).resolves.toBe("1");
    await expect(tile(page, "unique_clicks").textContent()).resolves.toBe("1");
    await expect(page.locator("[data-as-of]").textContent()).resolves.toMatch(/^Figures as of /);

    // A goal set through its form shows its progress; its remove button (which names the goal by
    // what it says, in a hidden field) takes it away again.
    const addGoal = page.getByRole("form", { name: "Add a goal" });
    await addGoal.getByLabel("Metric").selectOption("clicks");
    await addGoal.getByLabel(/^Target/).fill("4");
    await addGoal.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(`${campaignUrl}#goals`);
    await expect(page.locator("#goal-0").getAttribute("value")).resolves.toBe("0.25");
    await page.locator("[data-goal='clicks']").getByRole("button", { name: "Remove" }).click();
    await page.waitForURL(`${campaignUrl}#goals`);
    await expect(page.locator("[data-goal]").count()).resolves.toBe(0);
    await page.screenshot({ path: `${ARTEFACTS}/dashboard-campaign.png`, fullPage: true });

    await page.goto(`${worker.url}/dashboard`);
    await page.screenshot({ path: `${ARTEFACTS}/dashboard-campaigns.png`, fullPage: true });
    await context.close();
  });

  it("reads well at phone width, in French", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      locale: "fr-FR",
      extraHTTPHeaders: { "Accept-Language": "fr-FR,fr;q=0.9" },
    });
    const page = await newPage(context);
    await signIn(page, E2E_ADMIN_KEY);
    await page.goto(campaignUrl);
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("fr");
    await expect(page.getByRole("heading", { name: "Classement des influenceurs" }).count()).resolves.toBe(1);
    // Nothing wider than the screen but the tables, which scroll inside their own box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTEFACTS}/dashboard-campaign-phone-fr.png`, fullPage: true });
    await page.locator("#funnel").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTEFACTS}/dashboard-campaign-phone-fr-funnel.png` });
    await context.close();
  });

  it("shows an influencer key only its own links in the portal", async () => {
    const admin = await browser.newContext();
    const adminPage = await newPage(admin);
    await signIn(adminPage, E2E_ADMIN_KEY);
    // A second influencer with a link of their own, which the first must not see.
    await adminPage.goto(campaignUrl);
    const newInfluencer = adminPage.getByRole("form", { name: "New influencer" });
    await newInfluencer.getByLabel("Handle").fill("other.creator");
    await newInfluencer.getByRole("button", { name: "Create" }).click();
    await adminPage.waitForURL(campaignUrl);
    const issueLink = adminPage.getByRole("form", { name: "Issue a link" });
    await issueLink.getByLabel("Influencer").fill("@other.creator (instagram)");
    await issueLink.getByLabel("Destination URL").fill(`${worker.url}/healthz`);
    await issueLink.getByLabel("Slug (optional)").fill("other-spring");
    await issueLink.getByRole("button", { name: "Create" }).click();
    await adminPage.waitForURL(`${campaignUrl}#links`);
    await admin.close();

    const res = await fetch(`${worker.url}/api/v1/keys`, {
      method: "POST",
      headers: { Authorization: `Bearer ${E2E_ADMIN_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ scope: "influencer", influencer_id: influencerId }),
    });
    const { key } = (await res.json()) as { key: string };
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await newPage(context);
    await signIn(page, key);
    await page.waitForURL(`${worker.url}/portal`);
    const links = await page.locator("[data-short-url]").allTextContents();
    expect(links).toEqual([shortUrl]);
    await expect(page.content()).resolves.not.toContain("other");
    await expect(tile(page, "clicks").textContent()).resolves.toBe("1");
    await page.screenshot({ path: `${ARTEFACTS}/portal-phone.png`, fullPage: true });
    // The dashboard stays closed to an influencer key.
    const dashboard = await page.goto(`${worker.url}/dashboard`);
    expect(dashboard?.status()).toBe(403);
    await context.close();
  });

  it("shares a read-only report that opens without a key and stops once revoked", async () => {
    const context = await browser.newContext();
    const page = await newPage(context);
    await signIn(page, E2E_ADMIN_KEY);
    await page.goto(campaignUrl);
    const share = page.getByRole("form", { name: "Share a read-only report" });
    await share.getByLabel("Label (optional)").fill("Board meeting");
    await share.getByRole("button", { name: "Create" }).click();
    const shareUrl = (await page.locator("[data-share-url]").textContent()) as string;
    expect(shareUrl).toMatch(/\/r\/[0-9A-Za-z]{32}$/);

    const stranger = await browser.newContext();
    const reader = await newPage(stranger);
    const opened = await reader.goto(shareUrl);
    expect(opened?.status()).toBe(200);
    await expect(reader.locator("h1").textContent()).resolves.toBe("Printemps 2026");
    await expect(tile(reader, "clicks").textContent()).resolves.toBe("1");
    await expect(reader.locator("form[method=post]").count()).resolves.toBe(0);
    await reader.screenshot({ path: `${ARTEFACTS}/shared-report.png`, fullPage: true });

    await page.goto(campaignUrl);
    await page.locator("[data-share-link]").getByRole("button", { name: "Revoke" }).click();
    await page.waitForURL(`${campaignUrl}#share`);
    const revoked = await reader.goto(shareUrl);
    expect(revoked?.status()).toBe(404);
    await reader.screenshot({ path: `${ARTEFACTS}/shared-report-revoked.png` });
    await stranger.close();
    await context.close();
  });

  it("breaks no Content-Security-Policy rule on any page visited", () => {
    expect(cspViolations).toEqual([]);
  });
});
