import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, createInfluencer, createKey } from "../support/helpers";
import { PageClient } from "../support/page-client";

const HOUR = 3_600_000;

afterEach(() => {
  vi.useRealTimers();
});

describe("dashboard sign-in", () => {
  it("exchanges an admin key for a __Host- session cookie: HttpOnly, Secure, SameSite=Strict, Path=/", async () => {
    const browser = new PageClient();
    const res = await browser.signIn(ADMIN);
    expect(res.headers.get("Location")).toBe("/dashboard");
    const cookie = browser.setCookies.find((line) => line.startsWith("__Host-swl_session="));
    expect(cookie).toBeDefined();
    const flags = (cookie as string).split(";").map((part) => part.trim().toLowerCase());
    expect(flags).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=strict", "path=/"]));
    expect(flags.some((f) => f.startsWith("domain="))).toBe(false);
    expect(flags).toContain(`max-age=${12 * 3600}`);
    const value = browser.cookies.get("__Host-swl_session") as string;
    // Only the hash of the session id is stored.
    const rows = await env.DB.prepare("SELECT id_hash FROM sessions").all<{ id_hash: string }>();
    expect(rows.results.map((r) => r.id_hash)).not.toContain(value);
    expect((await browser.request("/dashboard")).status).toBe(200);
  });

  it("refuses a wrong key with the form again (401) and no session", async () => {
    const browser = new PageClient();
    const res = await browser.post("/login", { key: "not-a-key" });
    expect(res.status).toBe(401);
    expect(res.text).toContain('aria-invalid="true"');
    expect(browser.cookies.has("__Host-swl_session")).toBe(false);
    expect((await browser.request("/dashboard")).headers.get("Location")).toBe("/login");
  });

  it("answers the 11th failed sign-in from one address within 15 minutes with a 429 page, its right key too", async () => {
    const guesser = new PageClient("203.0.113.60");
    const start = Date.now();
    for (let i = 0; i < 10; i++)
      expect((await guesser.post("/login", { key: `wrong-${i}` })).status).toBe(401);
    const eleventh = await guesser.post("/login", { key: "wrong-again" });
    const elapsed = (Date.now() - start) / 1000;
    expect(eleventh.status).toBe(429);
    expect(eleventh.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(eleventh.text).toContain("Too many failed sign-ins");
    // 15 minutes from the first failure, less the time the eleven took, however slow the machine.
    const wait = Number(eleventh.headers.get("Retry-After"));
    expect(wait).toBeGreaterThanOrEqual(Math.floor(15 * 60 - elapsed));
    expect(wait).toBeLessThanOrEqual(15 * 60);
    const right = await guesser.post("/login", { key: ADMIN });
    expect(right.status).toBe(429);
    expect(guesser.cookies.has("__Host-swl_session")).toBe(false);
    // Someone else, elsewhere, signs in meanwhile.
    expect((await new PageClient("203.0.113.61").signIn(ADMIN)).status).toBe(303);
  });

  it("does not let a checkout key sign in", async () => {
    const checkout = await createKey("checkout");
    expect((await new PageClient().post("/login", { key: checkout.key })).status).toBe(401);
  });

  it("sends a page without a session to sign-in", async () => {
    const res = await new PageClient().request("/dashboard");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login");
  });

  it("logs out: the session is deleted server-side, so the old cookie no longer works", async () => {
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    const stolen = browser.cookies.get("__Host-swl_session") as string;
    const res = await browser.post("/logout", {}, "/dashboard");
    expect(res.status).toBe(303);
    expect(browser.setCookies.at(-1)).toMatch(/^__Host-swl_session=; Max-Age=0/);
    const replay = new PageClient();
    replay.cookies.set("__Host-swl_session", stolen);
    expect((await replay.request("/dashboard")).status).toBe(303);
  });

  it("ends the session a browser had when it signs in again", async () => {
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    const first = browser.cookies.get("__Host-swl_session") as string;
    // The sign-in form of a tab opened before (a signed-in browser is sent on from /login).
    expect((await browser.post("/login", { key: ADMIN }, "/dashboard")).status).toBe(303);
    expect(browser.cookies.get("__Host-swl_session")).not.toBe(first);
    expect((await browser.request("/dashboard")).status).toBe(200);
    const replay = new PageClient();
    replay.cookies.set("__Host-swl_session", first);
    expect((await replay.request("/dashboard")).status).toBe(303);
  });

  it("expires after 2 hours idle, and 12 hours after sign-in even when in use", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    vi.setSystemTime(start);
    const idle = new PageClient();
    await idle.signIn(ADMIN);
    vi.setSystemTime(start + 2 * HOUR - 60_000);
    expect((await idle.request("/dashboard")).status).toBe(200);
    vi.setSystemTime(start + 4 * HOUR);
    expect((await idle.request("/dashboard")).status).toBe(303);

    vi.setSystemTime(start);
    const busy = new PageClient();
    await busy.signIn(ADMIN);
    for (let hour = 1; hour < 12; hour++) {
      vi.setSystemTime(start + hour * HOUR);
      expect((await busy.request("/dashboard")).status).toBe(200);
    }
    vi.setSystemTime(start + 12 * HOUR + 1000);
    expect((await busy.request("/dashboard")).status).toBe(303);
  });

  it("ends the sessions of a key when the key is revoked", async () => {
    const influencer = await createInfluencer();
    const key = await createKey("influencer", { influencer_id: influencer.id });
    const browser = new PageClient();
    expect((await browser.signIn(key.key)).headers.get("Location")).toBe("/portal");
    expect((await browser.request("/portal")).status).toBe(200);
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?").bind(Date.now(), key.id).run();
    expect((await browser.request("/portal")).status).toBe(303);
  });

  it("ends sessions signed in with ADMIN_API_KEY once that secret is rotated", async () => {
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    expect((await browser.request("/dashboard")).status).toBe(200);
    browser.envOverrides = { ADMIN_API_KEY: "rotated-admin-key" };
    expect((await browser.request("/dashboard")).status).toBe(303);
    // and it stays ended when the old secret comes back: the session row is gone
    browser.envOverrides = {};
    expect((await browser.request("/dashboard")).status).toBe(303);
  });

  it("refuses every session signed in with ADMIN_API_KEY once the secret is unset", async () => {
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    browser.envOverrides = { ADMIN_API_KEY: "" };
    expect((await browser.request("/dashboard")).status).toBe(303);
  });
});
