import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTEFACTS, launchBrowser } from "./browser";
import { awayFromMidnight, dayBefore, dayIn } from "./clock";
import { adminPost, E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

// A new user's first hour on a Paris campaign: a goal due on a day, an influencer paid per sale,
// an end typed before the start, and the CSV of the last seven days.

let worker: LocalWorker;
let browser: Browser;
let campaignId: string;
let campaignUrl: string;

async function signedIn(): Promise<Page> {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${worker.url}/login`);
  await page.getByLabel("API key").fill(E2E_ADMIN_KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${worker.url}/dashboard`);
  return page;
}

const api = async (path: string) =>
  (await (
    await fetch(`${worker.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${E2E_ADMIN_KEY}` } })
  ).json()) as Record<string, unknown>;

// Today in Paris, as a date field reads it: read once the file is away from Paris midnight.
let parisToday: string;

beforeAll(async () => {
  worker = await startLocalWorker();
  browser = await launchBrowser();
  await awayFromMidnight("Europe/Paris");
  parisToday = dayIn("Europe/Paris");
  const campaign = await adminPost(worker, "/campaigns", {
    name: "Hiver Paris",
    objective: "sales",
    currency: "EUR",
    timezone: "Europe/Paris",
    starts_at: dayBefore(parisToday, 10),
  });
  campaignId = campaign.id as string;
  const influencer = await adminPost(worker, "/influencers", { handle: "lea.hiver", platform: "instagram" });
  const res = await fetch(`${worker.url}/api/v1/campaigns/${campaignId}/influencers/${influencer.id}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${E2E_ADMIN_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ commission_per_sale: 150 }),
  });
  expect(res.status).toBe(200);
  campaignUrl = `${worker.url}/dashboard/campaigns/${campaignId}`;
}, 480_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("a new user's small things", () => {
  it("sets a goal due today in Paris: due by the end of that day there, shown back as today", async () => {
    const page = await signedIn();
    await page.goto(campaignUrl);
    const form = page.getByRole("form", { name: "Add a goal" });
    await form.getByLabel("Metric").selectOption("clicks");
    await form.getByLabel(/^Target/).fill("100");
    await form.getByLabel("Due (optional)").fill(parisToday);
    await form.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(`${campaignUrl}#goals`);
    const [goal] = (await api(`/campaigns/${campaignId}`)).goals as { due: string }[];
    // The day's last instant in Paris: its name there is the day typed, and a millisecond later is the next day.
    const paris = (ms: number) => dayIn("Europe/Paris", ms);
    const due = Date.parse(goal?.due ?? "");
    expect(paris(due)).toBe(parisToday);
    expect(paris(due + 1)).not.toBe(parisToday);
    const shown = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(
      Date.parse(`${parisToday}T00:00:00Z`),
    );
    await expect(page.locator('[data-goal="clicks"]').textContent()).resolves.toContain(`Due ${shown}`);
    // Not missed before the day is over in Paris.
    await expect(page.locator('[data-goal="clicks"]').getAttribute("data-goal-status")).resolves.not.toBe(
      "missed",
    );
  });

  it("reads an influencer's per-sale commission in the list of enrolled influencers", async () => {
    const page = await signedIn();
    await page.goto(campaignUrl);
    const row = page.locator("[data-enrolment]").filter({ hasText: "@lea.hiver" });
    await expect(row.locator("[data-terms]").textContent()).resolves.toBe("€1.50 a sale, held 30 days");
    await row.screenshot({ path: `${ARTEFACTS}/enrolment-terms.png` });
  });

  it("is told the end is before the start on the edit page", async () => {
    const page = await signedIn();
    await page.goto(`${campaignUrl}/edit`);
    const form = page.getByRole("form", { name: "Edit campaign" });
    await form.getByLabel("Ends").fill(dayBefore(parisToday, 20));
    await form.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#campaign-edit-ends_at-error").textContent()).resolves.toBe(
      "The end is before the start.",
    );
    await expect(form.getByLabel("Ends").getAttribute("aria-invalid")).resolves.toBe("true");
  });

  it("downloads the last 7 days' CSV named for those days", async () => {
    const page = await signedIn();
    await page.goto(`${campaignUrl}?days=7`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(
      `swayline-${campaignId}-${dayBefore(parisToday, 6)}-to-${parisToday}.csv`,
    );
  });
});
