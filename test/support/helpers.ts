import { env, exports } from "cloudflare:workers";
import { expect, onTestFinished, vi } from "vitest";

export const ADMIN = "test-admin-key";
export const BASE = "https://sl.test";

type Json = Record<string, unknown>;

// One call to the Worker's API, as a client would make it.
export async function api(
  method: string,
  path: string,
  options: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? ADMIN : options.key;
  if (key) headers.Authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  const response = await exports.default.fetch(`${BASE}/api/v1${path}`, { method, headers, body });
  const text = await response.text();
  let json: Json = {};
  try {
    json = text ? (JSON.parse(text) as Json) : {};
  } catch {
    json = { text };
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response fields and assert on them.
  const parsed = json as Json & { [key: string]: any };
  return { status: response.status, body: parsed, headers: response.headers };
}

// A new client address on every call (198.18.0.0/15, set aside for tests), for a test that sends
// unknown keys or failed sign-ins on purpose: its failures are then many clients' few, as from a
// crowd, and do not throttle the test's other calls. Throttling itself is tested with one address.
let clients = 0;
export function clientAddress(): string {
  const n = clients++;
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
}

// The UTC day (YYYY-MM-DD) of an instant.
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// Runs the clock from noon UTC of the current day to the end of the test. It is the Worker's
// clock too (the test and the Worker share the isolate), so the redirect's clicks, the time an
// order is received and the Worker's "today" all fall hours away from UTC midnight and from the
// midnights of the zones the tests use (Paris, Kolkata, Tokyo, New York), whatever the hour CI
// runs at: for a test whose figures assume its events share one day.
let fromNoon = false;
export function clockFromNoonUtc() {
  // Once a test: a second call (a helper's) must not take the clock back to noon.
  if (fromNoon) return;
  fromNoon = true;
  const day = 86_400_000;
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(Math.floor(Date.now() / day) * day + day / 2);
  onTestFinished(() => {
    fromNoon = false;
    vi.useRealTimers();
  });
}

// Stops the clock (the test's and the Worker's) to the end of the test: a test of a sliding
// window (a throttle's minute) then sends all its requests at one instant, however long a slow
// machine takes over them, and none ages out of the window on the way.
export function stopClock() {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now());
  onTestFinished(() => {
    vi.useRealTimers();
  });
}

let counter = 0;
export const unique = (label: string) => `${label}${Date.now().toString(36)}${(counter++).toString(36)}`;

// A number no other call in this test file returns (each file has its own D1), for the numeric
// ids a shop sends (Shopify's order and refund ids): random ones could repeat.
let numbers = 0;
export const uniqueNumber = () => 1_000_000_000 + numbers++;

export async function createCampaign(overrides: Json = {}) {
  const res = await api("POST", "/campaigns", {
    body: { name: "Summer Sale 2026", objective: "sales", currency: "EUR", ...overrides },
  });
  expect(res.status).toBe(201);
  return res.body;
}

export async function createInfluencer(overrides: Json = {}) {
  const res = await api("POST", "/influencers", {
    body: { handle: unique("ana"), platform: "instagram", followers: 1000, ...overrides },
  });
  expect(res.status).toBe(201);
  return res.body;
}

export async function createLink(overrides: Json = {}) {
  const campaign = overrides.campaign_id ? null : await createCampaign();
  const influencer = overrides.influencer_id ? null : await createInfluencer();
  const res = await api("POST", "/links", {
    body: {
      campaign_id: campaign?.id,
      influencer_id: influencer?.id,
      url: "https://shop.example/p?ref=ig",
      ...overrides,
    },
  });
  expect(res.status).toBe(201);
  return res.body;
}

// A promo code of the link's (or given) campaign and influencer.
export async function createCode(owner: { campaign_id: string; influencer_id: string }) {
  const res = await api("POST", "/codes", {
    body: { code: unique("CODE").replaceAll(".", "").slice(0, 32), ...owner },
  });
  expect(res.status).toBe(201);
  return res.body;
}

export async function createKey(scope: string, extra: Json = {}) {
  const res = await api("POST", "/keys", { body: { scope, ...extra } });
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string; source: string | null };
}

// A sale reported by the checkout through the click id the visitor arrived with.
export function saleByClick(checkoutKey: string, clickId: string | null, amount: number) {
  return api("POST", "/conversions", {
    key: checkoutKey,
    body: {
      type: "sale",
      customer_id: unique("c"),
      click_id: clickId,
      order_id: unique("o"),
      amount,
      currency: "EUR",
    },
  });
}

export function follow(slug: string, init: RequestInit & { query?: string } = {}) {
  return exports.default.fetch(`${BASE}/${slug}${init.query ?? ""}`, { redirect: "manual", ...init });
}

export async function clickRows(linkId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM clicks WHERE link_id = ? ORDER BY clicked_at")
    .bind(linkId)
    .all<Record<string, unknown>>();
  return results;
}

// Clicks reach D1 through the real queue and its consumer: wait until they have.
export async function waitForClicks(linkId: string, count: number) {
  return vi.waitUntil(
    async () => {
      const rows = await clickRows(linkId);
      return rows.length >= count ? rows : false;
    },
    { timeout: 30_000, interval: 50 },
  );
}

// A click id one character off its signed self. The last character must change whatever it was:
// writing a fixed one leaves the id valid whenever it already ended so.
export function tamperedClickId(clickId: string): string {
  const last = clickId.at(-1);
  return `${clickId.slice(0, -1)}${last === "0" ? "1" : "0"}`;
}

export function expectError(res: { status: number; body: Json }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

// An access matrix's table must decide every route that exists, and hold no row for one that
// does not: the next route forces a decision.
export function expectDecisionForEveryRoute(served: string[], table: Record<string, unknown>) {
  expect(
    served.filter((route) => !(route in table)),
    "routes without a scope decision",
  ).toEqual([]);
  expect(
    Object.keys(table).filter((route) => !served.includes(route)),
    "table rows for routes that are gone",
  ).toEqual([]);
}
