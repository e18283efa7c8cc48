import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
// Its declaration of window.swayline, for the pages' evaluated functions.
import type {} from "../../browser/sl";
import { ARTEFACTS, launchBrowser } from "./browser";
import { adminPost, E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

// sl.js in Chromium, on a shop served from another origin than the Worker's (a second local
// port is a second origin): the visitor follows a short link, lands on the shop, browses, pays
// through a Stripe Payment Link, submits a marked form and becomes a lead.

type Shop = { url: string; orders: URLSearchParams[]; server: Server };

let worker: LocalWorker;
let browser: Browser;
let shop: Shop;
let elsewhere: Shop;
let publishableKey: string;
let recorder: Recorder;

// A tiny shop: every page loads sl.js with the publishable key; `?consent=required` serves the
// tag with data-consent="required". Form posts to /order are kept for the test to read.
function startShop(): Promise<Shop> {
  const orders: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://shop");
    if (req.method === "POST" && url.pathname === "/order") {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        orders.push(new URLSearchParams(body));
        res.writeHead(200, { "Content-Type": "text/html" }).end("<h1>Thanks</h1>");
      });
      return;
    }
    const consent = url.searchParams.get("consent") === "required" ? ' data-consent="required"' : "";
    res.writeHead(200, { "Content-Type": "text/html" }).end(`<!doctype html>
<html><head><title>Shop ${url.pathname}</title>
<script src="${recorder.url}/sl.js" data-key="${publishableKey}"${consent} async></script></head>
<body><h1>${url.pathname}</h1>
<a id="next" href="/products/shoes">Shoes</a>
<a id="pay" href="https://buy.stripe.com/test_e2e?prefilled_promo_code=SUMMER">Pay</a>
<form id="order" data-swayline method="post" action="/order"><input name="email" value="ana@example.com"><button>Order</button></form>
</body></html>`);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, orders, server });
    });
  });
}

const post = (path: string, body: unknown) => adminPost(worker, path, body);
const ADMIN_HEADERS = { Authorization: `Bearer ${E2E_ADMIN_KEY}` };
const DESKTOP_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

// Each test's influencer, in this file's own fresh Worker: a counter cannot repeat, two calls in
// one millisecond could.
let creators = 0;
async function linkTo(url: string) {
  const campaign = await post("/campaigns", { name: "Shop script", objective: "sales", currency: "EUR" });
  creators += 1;
  const influencer = await post("/influencers", { handle: `shop.${creators}`, platform: "instagram" });
  return post("/links", { campaign_id: campaign.id, influencer_id: influencer.id, url });
}

// What reaches the Worker from the shop's pages: they load sl.js through this recording proxy,
// so the script talks to the API through it. A browser does not show the tests the beacons a
// page sends as it is left (they outlive the page); a proxy sees every one.
type Recorded = { method: string; path: string; origin: string | null; body: string; status: number };
type Recorder = { url: string; seen: Recorded[]; server: Server };

function startRecorder(): Promise<Recorder> {
  const seen: Recorded[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "connection") headers.set(name, value);
    }
    const answer = await fetch(`${worker.url}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const path = new URL(req.url ?? "/", worker.url).pathname;
    if (path.startsWith("/api/")) {
      seen.push({
        method: req.method ?? "",
        path,
        origin: req.headers.origin ?? null,
        body: body.toString(),
        status: answer.status,
      });
    }
    const out = Buffer.from(await answer.arrayBuffer());
    const outHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(name))
        outHeaders[name] = value;
    });
    res.writeHead(answer.status, outHeaders).end(out);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, seen, server });
    });
  });
}

// The behaviour reports of one click, as the API received them.
const reportsOf = (clickId: string) =>
  recorder.seen
    .filter((r) => r.path === "/api/v1/track/events" && r.method === "POST")
    .map((r) => ({ status: r.status, origin: r.origin, body: JSON.parse(r.body) }))
    .filter((r) => r.body.click_id === clickId);

beforeAll(async () => {
  worker = await startLocalWorker();
  browser = await launchBrowser();
  [shop, elsewhere, recorder] = await Promise.all([startShop(), startShop(), startRecorder()]);
  publishableKey = (await post("/keys", { scope: "publishable", allowed_origins: [shop.url] })).key as string;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  for (const s of [shop, elsewhere, recorder]) s?.server.close();
});

describe("sl.js on a shop's pages", () => {
  it("is served within 3 KB gzipped", async () => {
    const res = await fetch(`${worker.url}/sl.js`);
    const script = await res.text();
    const gzipped = gzipSync(script).length;
    console.log(`sl.js as served: ${script.length} bytes, ${gzipped} bytes gzipped`);
    expect(res.headers.get("ETag")).toMatch(/^"[0-9a-f]{12}"$/);
    expect(gzipped).toBeLessThanOrEqual(3 * 1024);
  });

  it("keeps the click id in a cookie, cleans the address, reports the visit and carries the id to checkout", async () => {
    const link = await linkTo(`${shop.url}/landing?ref=story`);
    // A person's browser: headless Chromium's own user agent names it a bot, whose click (and
    // visit) no figure counts.
    const context = await browser.newContext({ userAgent: DESKTOP_UA });
    const page = await context.newPage();

    await page.goto(link.short_url as string);
    await page.waitForFunction(() => window.swayline?.clickId());
    const clickId = (await page.evaluate(() => window.swayline?.clickId())) as string;
    expect(clickId).toMatch(/^clk_/);
    const landed = new URL(page.url());
    expect(landed.pathname).toBe("/landing");
    expect(landed.searchParams.get("sl_cid")).toBeNull();
    expect(landed.searchParams.get("ref")).toBe("story");
    expect(landed.searchParams.get("utm_source")).toBe("instagram");
    const cookie = (await context.cookies(shop.url)).find((c) => c.name === "sl_cid");
    expect(cookie).toMatchObject({ value: clickId, sameSite: "Lax", path: "/" });
    // 90 days, give or take the test's own time.
    expect((cookie?.expires ?? 0) - Date.now() / 1000).toBeGreaterThan(89.9 * 86_400);

    // The Stripe Payment Link carries the click id; the promo code it had stays.
    const pay = new URL((await page.getAttribute("#pay", "href")) as string);
    expect(pay.searchParams.get("client_reference_id")).toBe(clickId);
    expect(pay.searchParams.get("prefilled_promo_code")).toBe("SUMMER");
    await page.screenshot({ path: `${ARTEFACTS}/shop-landed.png` });

    // A second page, reached by a link, after a moment on the first: its engaged time is
    // reported as the page is left.
    await page.waitForTimeout(1500);
    await Promise.all([page.waitForURL(`${shop.url}/products/shoes`), page.click("#next")]);
    await page.waitForFunction(() => window.swayline?.clickId());

    // The marked form submits the click id.
    await Promise.all([page.waitForURL(`${shop.url}/order`), page.click("#order button")]);
    expect(shop.orders.at(-1)?.get("sl_cid")).toBe(clickId);
    expect(shop.orders.at(-1)?.get("email")).toBe("ana@example.com");

    // A lead, recorded from the page.
    await page.goBack();
    await page.waitForFunction(() => window.swayline?.clickId());
    const lead = await page.evaluate(() => window.swayline?.lead({ customer_id: "ana@example.com" }));
    expect(lead).toMatchObject({ type: "lead", click_id: clickId });
    const rows = worker.query(
      `SELECT type, attribution, link_id FROM conversions WHERE click_id = '${clickId}' AND type = 'lead'`,
    );
    expect(rows).toEqual([{ type: "lead", attribution: "click", link_id: link.id }]);
    const leadCalls = recorder.seen.filter((r) => r.path === "/api/v1/track/lead");
    expect(leadCalls.map((r) => [r.method, r.status, r.origin])).toEqual([
      ["OPTIONS", 204, shop.url],
      ["POST", 201, shop.url],
    ]);

    // What reached the API: one session, one page view per page load (paths only), and the
    // engaged time of each page left, every report accepted.
    await page.close({ runBeforeUnload: true });
    await vi.waitUntil(
      () => reportsOf(clickId).filter((r) => r.body.events[0].type === "engagement").length >= 3,
      {
        timeout: 30_000,
      },
    );
    const reports = reportsOf(clickId);
    expect(reports.every((r) => r.status === 202 && r.origin === shop.url)).toBe(true);
    expect(new Set(reports.map((r) => r.body.session_id)).size).toBe(1);
    expect(reports.every((r) => r.body.returning === false && r.body.key === publishableKey)).toBe(true);
    const events = reports.flatMap((r) => r.body.events);
    const views = events.filter((e) => e.type === "page_view");
    expect(views.map((v) => v.path)).toEqual(["/landing", "/products/shoes", "/products/shoes"]);
    expect(new Set(views.map((v) => v.view_id)).size).toBe(3);
    const engaged = events.filter((e) => e.type === "engagement");
    console.log("engagement reports:", JSON.stringify(engaged));
    const landingView = views[0]?.view_id;
    expect(engaged.find((e) => e.view_id === landingView)?.seconds).toBeGreaterThanOrEqual(1);
    await context.close();

    // After the rollup, the influencer's figures: one session, its three page views, engaged
    // time, and the lead.
    let totals: Record<string, number | null> = {};
    await vi.waitUntil(
      async () => {
        await fetch(`${worker.url}/api/v1/rollup`, { method: "POST", headers: ADMIN_HEADERS });
        const res = await fetch(`${worker.url}/api/v1/campaigns/${link.campaign_id}/summary`, {
          headers: ADMIN_HEADERS,
        });
        totals = ((await res.json()) as { totals: typeof totals }).totals;
        return (
          totals.sessions === 1 && totals.pages_per_session === 3 && (totals.avg_engaged_seconds ?? 0) > 0
        );
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(totals).toMatchObject({ sessions: 1, pages_per_session: 3, leads: 1, clicks: 1 });
  });

  it('with data-consent="required" and no consent: no cookie and no request, until swayline.consent(true)', async () => {
    const link = await linkTo(`${shop.url}/landing?consent=required`);
    const context = await browser.newContext();
    const page = await context.newPage();
    const before = recorder.seen.length;
    await page.goto(link.short_url as string);
    await page.waitForFunction(() => window.swayline !== undefined);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.swayline?.clickId())).toBeNull();
    expect(await page.evaluate(() => window.swayline?.lead({ customer_id: "x" }))).toBeNull();
    expect(await context.cookies(shop.url)).toEqual([]);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(recorder.seen.slice(before)).toEqual([]);
    const pay = new URL((await page.getAttribute("#pay", "href")) as string);
    expect(pay.searchParams.get("client_reference_id")).toBeNull();

    await page.evaluate(() => window.swayline?.consent(true));
    const clickId = (await page.evaluate(() => window.swayline?.clickId())) as string;
    expect(clickId).toMatch(/^clk_/);
    expect(new URL(page.url()).searchParams.get("sl_cid")).toBeNull();
    await vi.waitUntil(() => reportsOf(clickId).length === 1, { timeout: 30_000 });
    await context.close();
  });

  it("counts a second landing of the same browser as returning, in a new session", async () => {
    const link = await linkTo(`${shop.url}/landing`);
    const context = await browser.newContext();
    const page = await context.newPage();
    const clickIds: string[] = [];
    for (let visit = 0; visit < 2; visit++) {
      await page.goto(link.short_url as string);
      await page.waitForFunction(() => window.swayline?.clickId());
      clickIds.push((await page.evaluate(() => window.swayline?.clickId())) as string);
    }
    await vi.waitUntil(() => clickIds.every((id) => reportsOf(id).length > 0), { timeout: 30_000 });
    const [first, second] = clickIds.map((id) => reportsOf(id)[0]?.body);
    expect([first.returning, second.returning]).toEqual([false, true]);
    expect(second.session_id).not.toBe(first.session_id);
    await context.close();
  });

  it("in a browser that refuses cookies: stores nothing and sends nothing", async () => {
    const link = await linkTo(`${shop.url}/landing`);
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setDocumentCookieDisabled", { disabled: true });
    const before = recorder.seen.length;
    await page.goto(link.short_url as string);
    await page.waitForFunction(() => window.swayline !== undefined);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.swayline?.clickId())).toBeNull();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close({ runBeforeUnload: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(recorder.seen.slice(before)).toEqual([]);
    await context.close();
  });

  it("from an origin the key does not allow: refused", async () => {
    const link = await linkTo(`${elsewhere.url}/landing`);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link.short_url as string);
    await page.waitForFunction(() => window.swayline?.clickId());
    const clickId = (await page.evaluate(() => window.swayline?.clickId())) as string;
    // The lead's preflight is refused, so the browser does not send the lead at all.
    const lead = await page.evaluate(() =>
      window.swayline?.lead({ customer_id: "mallory" }).then(
        () => "sent",
        () => "blocked",
      ),
    );
    expect(lead).toBe("blocked");
    await vi.waitUntil(() => reportsOf(clickId).length === 1, { timeout: 30_000 });
    expect(reportsOf(clickId).map((r) => [r.status, r.origin])).toEqual([[403, elsewhere.url]]);
    const leadCalls = recorder.seen.filter(
      (r) => r.path === "/api/v1/track/lead" && r.origin === elsewhere.url,
    );
    expect(leadCalls.map((r) => [r.method, r.status])).toEqual([["OPTIONS", 403]]);
    expect(worker.query(`SELECT id FROM conversions WHERE click_id = '${clickId}'`)).toEqual([]);
    await context.close();
  });
});
