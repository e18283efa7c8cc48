#!/usr/bin/env node
// The README's picture of the campaign page: the demo campaign of `npm run seed`, signed in with
// the admin key, full page at a laptop's width, into docs/campaign-page.png. Uses the Worker at
// SEED_URL when one answers, else a `wrangler dev` of its own on the local state.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "./chromium.mjs";
import { answers, applyMigrations, devVar, root, startWranglerDev } from "./local-dev.mjs";
import { MAIN_CAMPAIGN } from "./seed/cast.mjs";

const seedUrl = (process.env.SEED_URL ?? "http://localhost:8787").replace(/\/$/, "");
const key = process.env.SEED_ADMIN_KEY ?? devVar("ADMIN_API_KEY") ?? "dev-admin-key";
const output = process.argv[2] ?? join(root, "docs", "campaign-page.png");

// Its own Worker runs on a free port; the short links on the page read as they do under `npm start`.
async function startOwnWorker() {
  applyMigrations();
  return startWranglerDev({ vars: { SHORT_LINK_BASE_URL: "http://localhost:8787" } });
}
const worker = (await answers(seedUrl)) ? null : await startOwnWorker();
const url = worker?.url ?? seedUrl;
const browser = await launchChromium();
try {
  const campaigns = await (
    await fetch(`${url}/api/v1/campaigns?limit=100`, { headers: { Authorization: `Bearer ${key}` } })
  ).json();
  const demo = campaigns.data.find((c) => c.name === MAIN_CAMPAIGN.name);
  if (!demo) throw new Error("No demo campaign: run `npm run seed` first.");
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  await page.goto(`${url}/login`);
  await page.locator('input[name="key"]').fill(key);
  await Promise.all([page.waitForURL(/\/dashboard/), page.locator('button[type="submit"]').click()]);
  await page.goto(`${url}/dashboard/campaigns/${demo.id}`);
  mkdirSync(join(output, ".."), { recursive: true });
  await page.screenshot({ path: output, fullPage: true });
  console.log(`Saved ${output}.`);
} finally {
  await browser.close();
  await worker?.stop();
}
