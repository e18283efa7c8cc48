import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTEFACTS, launchBrowser } from "./browser";
import { awayFromMidnight, dayBefore, dayIn } from "./clock";
import { adminPost, E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

// A marketer of a Paris campaign giving a link its last day, and importing a spreadsheet of
// snapshots whose every mistake is listed at once.

let worker: LocalWorker;
let browser: Browser;

async function signedIn(): Promise<Page> {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${worker.url}/login`);
  await page.getByLabel("API key").fill(E2E_ADMIN_KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${worker.url}/dashboard`);
  return page;
}

// Today in Paris, and the day before, as a date field reads them: read once the file is away from
// Paris midnight.
let parisToday: string;
let parisYesterday: string;

const follow = async (slug: string) => (await fetch(`${worker.url}/${slug}`, { redirect: "manual" })).status;

let campaignUrl: string;

beforeAll(async () => {
  worker = await startLocalWorker();
  browser = await launchBrowser();
  await awayFromMidnight("Europe/Paris");
  parisToday = dayIn("Europe/Paris");
  parisYesterday = dayBefore(parisToday, 1);
  const campaign = await adminPost(worker, "/campaigns", {
    name: "Printemps Paris",
    objective: "sales",
    currency: "EUR",
    timezone: "Europe/Paris",
  });
  const influencer = await adminPost(worker, "/influencers", { handle: "lea.paris", platform: "instagram" });
  await adminPost(worker, "/posts", {
    campaign_id: campaign.id,
    influencer_id: influencer.id,
    url: "https://www.instagram.com/reel/printemps1/",
  });
  campaignUrl = `${worker.url}/dashboard/campaigns/${campaign.id}`;
}, 480_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("the dashboard's dates and CSV import", () => {
  it("issues a link that works through today in Paris, shows that day back, and expires it from yesterday", async () => {
    const page = await signedIn();
    await page.goto(campaignUrl);
    const issue = page.getByRole("form", { name: "Issue a link" });
    await issue.getByLabel("Influencer").fill("@lea.paris (instagram)");
    await issue.getByLabel("Destination URL").fill("https://shop.example/printemps");
    await issue.getByLabel("Slug (optional)").fill("printemps-lea");
    await issue.getByLabel("Last day it works").fill(parisToday);
    await issue.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(`${campaignUrl}#links`);
    expect(await follow("printemps-lea")).toBe(302);

    const link = page.locator("[data-link]").filter({ hasText: "printemps-lea" });
    await link.getByRole("link", { name: /^Edit/ }).click();
    const form = page.getByRole("form", { name: "Edit link" });
    await expect(form.getByLabel("Last day it works").inputValue()).resolves.toBe(parisToday);
    await page.screenshot({ path: `${ARTEFACTS}/link-expiry-edit.png`, fullPage: true });
    await form.getByLabel("Last day it works").fill(parisYesterday);
    await form.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(`${campaignUrl}#links`);
    expect(await follow("printemps-lea")).toBe(410);
    await page.goto(campaignUrl);
    await page
      .locator("[data-link]")
      .filter({ hasText: "printemps-lea" })
      .getByRole("link", { name: /^Edit/ })
      .click();
    await expect(
      page.getByRole("form", { name: "Edit link" }).getByLabel("Last day it works").inputValue(),
    ).resolves.toBe(parisYesterday);
    await page.context().close();
  });

  it("lists every problem of every line of a spreadsheet at once, and imports nothing", async () => {
    const page = await signedIn();
    await page.goto(campaignUrl);
    const importForm = page.getByRole("form", { name: "Import snapshots from a CSV file" });
    const csv = [
      "post_url,captured_at,impressions,likes",
      "https://www.instagram.com/reel/printemps1/,2026-03-01 09:00,lots,150",
      "https://www.instagram.com/reel/unknown/,yesterday,100,-2",
      "https://www.instagram.com/reel/printemps1/,2026-03-02 09:00",
    ].join("\n");
    await importForm
      .getByLabel("CSV file")
      .setInputFiles({ name: "figures.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await importForm.getByRole("button", { name: "Import" }).click();
    await expect(page.locator("[data-import-errors] li").allTextContents()).resolves.toEqual([
      "Line 2: impressions: a whole number, at least 0.",
      "Line 3: post_url: No post of this campaign has this address or id. captured_at: a date and time such as 2026-03-01T18:00:00Z. likes: a whole number, at least 0.",
      "Line 4: 2 fields where the first line names 4.",
    ]);
    await page.locator("[data-import-errors]").screenshot({ path: `${ARTEFACTS}/import-errors.png` });
    expect(worker.query("SELECT COUNT(*) AS n FROM post_metrics")).toEqual([{ n: 0 }]);
    await page.context().close();
  });
});
