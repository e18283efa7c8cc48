import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTEFACTS, launchBrowser } from "./browser";
import { E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

// A marketer running a campaign in the dashboard alone: creating, editing, archiving and
// restoring, and finding one influencer among 150 with the picker, as one types.

let worker: LocalWorker;
let browser: Browser;
const cspViolations: string[] = [];

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${worker.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${E2E_ADMIN_KEY}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the fields it asserts on.
  return (await res.json()) as any;
}

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

const handleOf = (n: number) => `creator-${String(n).padStart(3, "0")}`;

beforeAll(async () => {
  worker = await startLocalWorker();
  browser = await launchBrowser();
  // 150 influencers, creator-150 first: the oldest, the 150th of the list, which the old select
  // (the newest 100) could not offer. One at a time: local D1 is one SQLite file.
  for (let n = 150; n >= 1; n--) {
    const res = await fetch(`${worker.url}/api/v1/influencers`, {
      method: "POST",
      headers: { Authorization: `Bearer ${E2E_ADMIN_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ handle: handleOf(n), platform: "instagram", name: `Creator ${n}` }),
    });
    expect(res.status).toBe(201);
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("running a campaign from the dashboard", () => {
  let campaignUrl: string;

  it("creates a campaign and picks the 150th influencer by typing, the enrolled ones offered first", async () => {
    const page = await signedIn();
    const form = page.getByRole("form", { name: "New campaign" });
    await form.getByLabel("Name").fill("Hiver 2026");
    await form.getByLabel("Budget").fill("3000");
    await form.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/dashboard\/campaigns\/cmp_/);
    campaignUrl = page.url();
    const campaignId = campaignUrl.split("/").at(-1) as string;
    await api(
      "PUT",
      `/campaigns/${campaignId}/influencers/${(await api("GET", "/influencers?q=creator-007")).data[0].id}`,
      {
        fee: 10_000,
      },
    );
    await page.reload();

    const issue = page.getByRole("form", { name: "Issue a link" });
    const picker = issue.getByLabel("Influencer");
    const options = () =>
      picker.evaluate((input) =>
        Array.from((input as HTMLInputElement).list?.options ?? [], (option) => option.value),
      );
    // Before typing: the enrolled one first, and not all 150.
    const first = await options();
    expect(first[0]).toBe("@creator-007 (instagram)");
    expect(first).not.toContain("@creator-150 (instagram)");

    // Typing asks the server: ten handles hold "creator-14", newest first (140 was made last),
    // by (created_at, id) as D1 holds them: two made in one millisecond come in id order.
    const newestFirst = worker
      .query(
        "SELECT handle FROM influencers WHERE handle LIKE 'creator-14%' ORDER BY created_at DESC, id DESC",
      )
      .map((row) => `@${(row as { handle: string }).handle} (instagram)`);
    expect([...newestFirst].sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `@creator-${140 + i} (instagram)`),
    );
    await picker.pressSequentially("creator-14", { delay: 40 });
    await expect.poll(options, { timeout: 30_000 }).toEqual(newestFirst);
    await picker.fill("");
    await picker.pressSequentially("150", { delay: 40 });
    await expect.poll(options, { timeout: 30_000 }).toEqual(["@creator-150 (instagram)"]);
    // Choosing a suggestion puts its value in the field, as the browser's list does.
    await picker.fill("@creator-150 (instagram)");
    await issue.getByLabel("Destination URL").fill("https://shop.example/hiver");
    await issue.getByLabel("Slug (optional)").fill("hiver-150");
    await issue.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(`${campaignUrl}#links`);
    const row = page.locator("[data-link]").filter({ hasText: "hiver-150" });
    await expect(row.textContent()).resolves.toContain("@creator-150");
    await page.screenshot({ path: `${ARTEFACTS}/manage-picker.png`, fullPage: true });
    await page.context().close();
  });

  it("edits the campaign and the link from their pre-filled forms", async () => {
    const page = await signedIn();
    await page.goto(campaignUrl);
    await page.getByRole("link", { name: "Edit campaign" }).click();
    const edit = page.getByRole("form", { name: "Edit campaign" });
    await expect(edit.getByLabel("Budget (EUR)").inputValue()).resolves.toBe("3000.00");
    await edit.getByLabel("Name").fill("Hiver 2026 · soldes");
    await edit.getByLabel("Budget (EUR)").fill("4500,50");
    await edit.getByLabel("Ends").fill("2027-01-31");
    await page.screenshot({ path: `${ARTEFACTS}/manage-campaign-edit.png`, fullPage: true });
    await edit.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(campaignUrl);
    await expect(page.locator("h1").textContent()).resolves.toBe("Hiver 2026 · soldes");
    const campaign = await api("GET", `/campaigns/${campaignUrl.split("/").at(-1)}`);
    expect(campaign).toMatchObject({ budget: 450_050, ends_at: "2027-01-31T23:59:59.999Z" });

    const link = page.locator("[data-link]").filter({ hasText: "hiver-150" });
    await link.getByRole("link", { name: /^Edit/ }).click();
    const linkForm = page.getByRole("form", { name: "Edit link" });
    await expect(linkForm.getByLabel("Destination URL").inputValue()).resolves.toBe(
      "https://shop.example/hiver",
    );
    // An address the browser's own check lets through and the API refuses.
    await linkForm.getByLabel("Destination URL").fill("ftp://shop.example/hiver");
    await linkForm.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#link-edit-url-error").textContent()).resolves.toBe(
      "An address starting with http:// or https://.",
    );
    await linkForm.getByLabel("Destination URL").fill("https://shop.example/hiver-soldes");
    await linkForm.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(`${campaignUrl}#links`);
    await expect(
      page.locator("[data-link]").filter({ hasText: "hiver-150" }).textContent(),
    ).resolves.toContain("https://shop.example/hiver-soldes");
    await page.context().close();
  });

  it("archives a link and the campaign, finds them in the archived view and restores them", async () => {
    const page = await signedIn();
    await page.goto(campaignUrl);
    const links = page.locator("section[aria-labelledby='links']");
    await links
      .locator("[data-link]")
      .getByRole("button", { name: /^Archive/ })
      .click();
    await page.waitForURL(`${campaignUrl}#links`);
    await expect(page.locator("[data-link]").count()).resolves.toBe(0);
    await links.getByLabel("Show").selectOption("1");
    await links.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/links_archived=1/);
    await expect(page.locator("[data-link]").count()).resolves.toBe(1);
    await page
      .locator("[data-link]")
      .getByRole("button", { name: /^Restore/ })
      .click();
    await page.waitForURL(/links_archived=1/);
    await page.goto(campaignUrl);
    await expect(page.locator("[data-link]").count()).resolves.toBe(1);

    await page.getByRole("link", { name: "Edit campaign" }).click();
    await page.getByRole("button", { name: /^Archive/ }).click();
    await page.waitForURL(campaignUrl);
    await expect(page.locator("[data-archived]").count()).resolves.toBe(1);
    await page.goto(`${worker.url}/dashboard`);
    await expect(page.getByRole("link", { name: "Hiver 2026 · soldes" }).count()).resolves.toBe(0);
    await page.getByLabel("Show").selectOption("1");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/archived=1/);
    await page.screenshot({ path: `${ARTEFACTS}/manage-archived-campaigns.png`, fullPage: true });
    await page.getByRole("button", { name: /^Restore/ }).click();
    await page.waitForURL(/archived=1/);
    await page.goto(`${worker.url}/dashboard`);
    await expect(page.getByRole("link", { name: "Hiver 2026 · soldes" }).count()).resolves.toBe(1);
    await page.context().close();
  });

  it("searches the influencer list and pages through it", async () => {
    const page = await signedIn();
    await page.getByRole("link", { name: "Influencers" }).click();
    await page.waitForURL(`${worker.url}/dashboard/influencers`);
    await expect(page.locator("[data-influencer-row]").count()).resolves.toBe(50);
    await page.getByRole("link", { name: /Next page/ }).click();
    await page.waitForURL(/cursor=/);
    await expect(page.locator("[data-influencer-row]").count()).resolves.toBe(50);
    await page.getByRole("searchbox", { name: "Search" }).fill("CREATOR-14");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/q=CREATOR-14/);
    await expect(page.locator("[data-influencer-row]").count()).resolves.toBe(10);
    await page.screenshot({ path: `${ARTEFACTS}/manage-influencers.png`, fullPage: true });
    await page.context().close();
  });

  it("breaks no Content-Security-Policy rule on any page visited", () => {
    expect(cspViolations).toEqual([]);
  });
});
