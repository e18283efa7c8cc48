import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTEFACTS, launchBrowser } from "./browser";
import { E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

// A marketer running a campaign's posts, budget and influencers from the dashboard alone.

let worker: LocalWorker;
let browser: Browser;
const cspViolations: string[] = [];
const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  worker = await startLocalWorker();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

async function signedIn(): Promise<Page> {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(`${worker.url}/login`);
  await page.getByLabel("API key").fill(E2E_ADMIN_KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${worker.url}/dashboard`);
  return page;
}

describe("posts, the influencer page and pacing in a real browser", () => {
  let campaignUrl: string;

  it("sets up a paced campaign and reads its budget against time", async () => {
    const page = await signedIn();
    const newCampaign = page.getByRole("form", { name: "New campaign" });
    await newCampaign.getByLabel("Name").fill("Serum launch");
    await newCampaign.getByLabel("Budget").fill("2000.00");
    const typedOn = day(0);
    await newCampaign.getByLabel("Starts").fill(day(-10));
    await newCampaign.getByLabel("Ends").fill(day(10));
    await newCampaign.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/dashboard\/campaigns\/cmp_/);
    campaignUrl = page.url();

    const newInfluencer = page.getByRole("form", { name: "New influencer" });
    await newInfluencer.getByLabel("Handle").fill("lea.skin");
    await newInfluencer.getByLabel("Followers").fill("12000");
    await newInfluencer.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(campaignUrl);
    const enrol = page.getByRole("form", { name: "Enrol with costs" });
    await enrol.getByLabel("Influencer").fill("@lea.skin (instagram)");
    await enrol.getByLabel(/Flat fee/).fill("500");
    await enrol.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/#leaderboard$/);

    const pacing = page.locator("[data-pacing-section]");
    await expect(pacing.locator('[data-pacing="spent"] dd').textContent()).resolves.toBe("€500.00");
    await expect(pacing.locator('[data-pacing="remaining"] dd').textContent()).resolves.toBe("€1,500.00");
    await expect(pacing.locator("[data-spent-of]").textContent()).resolves.toBe(
      "€500.00 of €2,000.00 spent (25%)",
    );
    // Day 11, unless UTC midnight came since the dates were typed: then the page may say day 12.
    const time = await pacing.locator('[data-pacing="time"]').textContent();
    expect(time).toMatch(day(0) === typedOn ? /Day 11 of 21/ : /Day 1[12] of 21/);
    await pacing.screenshot({ path: `${ARTEFACTS}/views-pacing.png` });

    // The campaign list shows the same spend beside the other key figures.
    await page.goto(`${worker.url}/dashboard`);
    await expect(page.locator('[data-glance="cost"]').first().textContent()).resolves.toBe("€500.00");
    await expect(page.locator('[data-glance="spent"]').first().textContent()).resolves.toBe("25%");
    await page.context().close();
  });

  it("adds a post and a snapshot of its figures, then imports a spreadsheet of snapshots", async () => {
    const page = await signedIn();
    await page.goto(campaignUrl);
    const addPost = page.getByRole("form", { name: "Add a post" });
    // (The label wrapping a select takes its options' text into its name: find it by its field.)
    await addPost.locator("select[name=influencer_id]").selectOption({ label: "@lea.skin (instagram)" });
    await addPost.getByLabel("Post URL").fill("https://www.instagram.com/reel/serum1/");
    await addPost.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/#posts$/);
    const row = page.locator("[data-post]");
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator("td").nth(1).textContent()).resolves.toBe("none");

    const snapshot = page.getByRole("form", { name: "Add a snapshot of a post's figures" });
    await snapshot.getByLabel("Captured at").fill(`${day(-3)}T18:00`);
    await snapshot.getByLabel("Impressions").fill("1200");
    await snapshot.getByLabel("Likes").fill("80");
    await snapshot.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/#posts$/);
    await expect(row.locator('[data-counter="impressions"]').textContent()).resolves.toBe("1,200");

    // The spreadsheet the influencer sent: a bad line first, refused whole, then corrected.
    const importForm = page.getByRole("form", { name: "Import snapshots from a CSV file" });
    const csv = (impressions: string) =>
      Buffer.from(
        `post_url,captured_at,impressions,likes\nhttps://www.instagram.com/reel/serum1/,${day(-1)} 09:00,${impressions},150\n`,
      );
    await importForm
      .getByLabel("CSV file")
      .setInputFiles({ name: "figures.csv", mimeType: "text/csv", buffer: csv("lots") });
    await importForm.getByRole("button", { name: "Import" }).click();
    await expect(page.locator("[data-import-errors] li").textContent()).resolves.toBe(
      "Line 2: impressions: a whole number, at least 0.",
    );
    await expect(row.locator('[data-counter="impressions"]').textContent()).resolves.toBe("1,200");
    const again = page.getByRole("form", { name: "Import snapshots from a CSV file" });
    await again
      .getByLabel("CSV file")
      .setInputFiles({ name: "figures.csv", mimeType: "text/csv", buffer: csv("3400") });
    await again.getByRole("button", { name: "Import" }).click();
    await page.waitForURL(/imported=1-0#posts$/);
    await expect(page.locator("[data-imported]").textContent()).resolves.toBe(
      "Snapshots imported: 1; already there: 0.",
    );
    await expect(row.locator('[data-counter="impressions"]').textContent()).resolves.toBe("3,400");
    // Over the last 7 days the post grew by the whole 3,400 (no snapshot before them).
    await page.getByRole("link", { name: "Last 7 days" }).click();
    await expect(row.locator('[data-counter="impressions"] [data-growth]').textContent()).resolves.toBe(
      "+3,400",
    );
    await page.locator("section[aria-labelledby=posts]").screenshot({ path: `${ARTEFACTS}/views-posts.png` });
    await page.context().close();
  });

  it("opens the influencer page from a handle: campaigns, costs, posts, and a followers chart", async () => {
    const page = await signedIn();
    await page.goto(campaignUrl);
    await page.locator("section[aria-labelledby=leaderboard] a[data-handle-link]").first().click();
    await page.waitForURL(/\/dashboard\/influencers\/inf_/);
    await expect(page.locator("h1").textContent()).resolves.toBe("@lea.skin on instagram");
    await expect(page.locator("[data-cost]").textContent()).resolves.toBe("€500.00");
    await expect(page.locator("[data-post]").count()).resolves.toBe(1);

    const record = page.getByRole("form", { name: "Record a follower count" });
    await record.getByLabel("Followers").fill("12600");
    await record.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/#followers$/);
    // The count she was created with, then the one just recorded; each says its value on focus.
    const points = page.locator(".line-chart .pt");
    await expect(points.count()).resolves.toBe(2);
    await points.last().focus();
    await expect(points.last().locator(".value").isVisible()).resolves.toBe(true);
    await expect(points.last().locator(".value").textContent()).resolves.toBe("12,600");
    await expect(points.first().locator(".value").isVisible()).resolves.toBe(false);
    await page.screenshot({ path: `${ARTEFACTS}/views-influencer.png`, fullPage: true });
    await page.context().close();
  });

  it("breaks no Content-Security-Policy rule on any page visited", () => {
    expect(cspViolations).toEqual([]);
  });
});
