import { createHmac } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { devVar } from "../../scripts/local-dev.mjs";
import { ARTEFACTS, launchBrowser } from "./browser";
import { adminPost, type LocalWorker, startLocalWorker } from "./local-worker";

let worker: LocalWorker;
let browser: Browser;

const post = (path: string, body: unknown) => adminPost(worker, path, body);

beforeAll(async () => {
  worker = await startLocalWorker();
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("in a real browser against wrangler dev", () => {
  it("shows the API docs page", async () => {
    const page = await browser.newPage();
    await page.goto(`${worker.url}/docs`);
    await expect(page.title()).resolves.toBe("Swayline API");
    expect(await page.locator("h2").allTextContents()).toEqual(
      expect.arrayContaining(["Links", "Campaigns"]),
    );
    await page.screenshot({ path: `${ARTEFACTS}/docs.png`, fullPage: false });
  });

  it("follows a short link through the redirect and the click lands in D1", async () => {
    const campaign = await post("/campaigns", { name: "Browser Test", objective: "sales", currency: "EUR" });
    const influencer = await post("/influencers", { handle: "e2e.creator", platform: "youtube" });
    // The destination is this same Worker, so the browser can land somewhere without internet.
    const link = await post("/links", {
      campaign_id: campaign.id,
      influencer_id: influencer.id,
      url: `${worker.url}/healthz?landing=1`,
    });
    const page = await browser.newPage();
    const response = await page.goto(`${link.short_url}?from=story`);
    expect(response?.status()).toBe(200);
    const landed = new URL(page.url());
    expect(landed.pathname).toBe("/healthz");
    expect(landed.searchParams.get("utm_source")).toBe("youtube");
    expect(landed.searchParams.get("utm_content")).toBe("e2e.creator");
    expect(landed.searchParams.get("from")).toBe("story");
    const clickId = landed.searchParams.get("sl_cid");
    expect(clickId).toMatch(/^clk_/);
    await page.screenshot({ path: `${ARTEFACTS}/landed.png` });

    const rows = await vi.waitUntil(
      () => {
        const found = worker.query(`SELECT id, browser, is_bot FROM clicks WHERE id = '${clickId}'`);
        return found.length > 0 ? found : false;
      },
      { timeout: 20_000, interval: 500 },
    );
    expect(rows).toEqual([{ id: clickId, browser: "Chrome Headless", is_bot: 1 }]);
  });

  it("verifies a Stripe webhook signed with the secret in .dev.vars, as npm start serves it", async () => {
    const secret = devVar("STRIPE_WEBHOOK_SECRET") as string;
    expect(secret).toBeTruthy();
    const body = JSON.stringify({
      id: `evt_e2e_${Date.now()}`,
      type: "customer.created",
      data: { object: {} },
    });
    const t = Math.floor(Date.now() / 1000);
    const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    const res = await fetch(`${worker.url}/api/v1/webhooks/stripe`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": `t=${t},v1=${v1}` },
      body,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, outcome: "ignored_event_type" });
  });
});
