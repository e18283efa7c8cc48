#!/usr/bin/env node
// The docs' pictures of the pages, from the demo of `npm run seed`, into docs/images/ (or the
// folder given as the first argument): the campaign list, the demo campaign's page, its charts
// (a point focused, its value showing) and breakdowns, its shared report on screen and as
// printed, and an influencer's portal at a phone's width. Uses the Worker at SEED_URL when one
// answers, else a `wrangler dev` of its own on the local state. The shared report and the
// influencer key it makes for the pictures are revoked again at the end.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "./chromium.mjs";
import { answers, applyMigrations, devVar, root, startWranglerDev } from "./local-dev.mjs";
import { MAIN_CAMPAIGN } from "./seed/cast.mjs";

const seedUrl = (process.env.SEED_URL ?? "http://localhost:8787").replace(/\/$/, "");
const key = process.env.SEED_ADMIN_KEY ?? devVar("ADMIN_API_KEY") ?? "dev-admin-key";
const folder = process.argv[2] ?? join(root, "docs", "images");

// Its own Worker runs on a free port; the short links on the page read as they do under `npm start`.
async function startOwnWorker() {
  applyMigrations();
  return startWranglerDev({ vars: { SHORT_LINK_BASE_URL: "http://localhost:8787" } });
}
const worker = (await answers(seedUrl)) ? null : await startOwnWorker();
const url = worker?.url ?? seedUrl;

async function api(method, path, body) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function signIn(page, secret) {
  await page.goto(`${url}/login`);
  await page.locator('input[name="key"]').fill(secret);
  await Promise.all([
    page.waitForURL(/\/(dashboard|portal)$/),
    page.locator('button[type="submit"]').click(),
  ]);
}

const browser = await launchChromium();
const saved = [];
const shot = async (target, name, options = {}) => {
  const path = join(folder, name);
  await target.screenshot({ path, ...options });
  saved.push(path);
};
let influencerKey;
try {
  const campaigns = await api("GET", "/campaigns?limit=100");
  const demo = campaigns.data.find((c) => c.name === MAIN_CAMPAIGN.name);
  if (!demo) throw new Error("No demo campaign: run `npm run seed` first.");
  mkdirSync(folder, { recursive: true });

  const marketer = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  const page = await marketer.newPage();
  await signIn(page, key);
  await shot(page, "campaigns.png", { fullPage: true });
  const campaignUrl = `${url}/dashboard/campaigns/${demo.id}`;
  await page.goto(campaignUrl);
  await shot(page, "campaign-page.png", { fullPage: true });
  // The charts with the busiest day's point focused, as a keyboard user would see it.
  const clicks = page.locator('[data-chart="daily-clicks"] .pt');
  const values = await clicks.evaluateAll((els) =>
    els.map((e) => Number(/(\d[\d,]*)$/.exec(e.getAttribute("aria-label") ?? "")?.[1]?.replaceAll(",", ""))),
  );
  await clicks.nth(values.indexOf(Math.max(...values))).focus();
  await shot(page.locator("#daily").locator(".."), "campaign-charts.png");
  await shot(page.locator(".breakdowns"), "campaign-breakdowns.png");

  // A shared report, on screen and as printed on A4 (210 mm at 96 px per inch is 794 px).
  const share = page.getByRole("form", { name: "Share a read-only report" });
  await share.getByLabel("Label (optional)").fill("Screenshots");
  await share.getByRole("button", { name: "Create" }).click();
  const shareUrl = await page.locator("[data-share-url]").textContent();
  const stakeholder = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  const report = await stakeholder.newPage();
  await report.goto(shareUrl);
  await shot(report, "shared-report.png", { fullPage: true });
  await report.setViewportSize({ width: 794, height: 1123 });
  await report.emulateMedia({ media: "print" });
  await shot(report, "shared-report-print.png", { fullPage: true });
  await stakeholder.close();
  // Revoked again: the pictures need no live link.
  await page.goto(campaignUrl);
  await page
    .locator("[data-share-link]", { hasText: "Screenshots" })
    .getByRole("button", { name: "Revoke" })
    .first()
    .click();

  // The portal of the demo's first influencer, at a phone's width.
  const [first] = (await api("GET", `/campaigns/${demo.id}/summary`)).influencers;
  influencerKey = await api("POST", "/keys", { scope: "influencer", influencer_id: first.influencer_id });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-GB" });
  const portal = await phone.newPage();
  await signIn(portal, influencerKey.key);
  await shot(portal, "portal-phone.png", { fullPage: true });
  await phone.close();
  await marketer.close();
  for (const path of saved) console.log(`Saved ${path}.`);
} finally {
  if (influencerKey) await api("DELETE", `/keys/${influencerKey.id}`);
  await browser.close();
  await worker?.stop();
}
