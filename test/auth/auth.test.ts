import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { ADMIN, api, clientAddress, createInfluencer, createKey, expectError } from "../support/helpers";
import { PageClient } from "../support/page-client";

describe("API keys", () => {
  it("refuses requests without a key or with an unknown one (401)", async () => {
    expectError(await api("GET", "/campaigns", { key: null }), 401, "unauthorized");
    expectError(await api("GET", "/campaigns", { key: "nope" }), 401, "unauthorized");
    expectError(
      await api("GET", "/campaigns", { key: `swl_${"a".repeat(16)}_${"b".repeat(32)}` }),
      401,
      "unauthorized",
    );
    expectError(
      await api("GET", "/campaigns", { key: null, headers: { Authorization: "Basic dGVzdA==" } }),
      401,
      "unauthorized",
    );
  });

  it("creates a key shown once, stores only its hash, and lists it without the secret", async () => {
    const created = await api("POST", "/keys", { body: { scope: "checkout", name: "Shop checkout" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ scope: "checkout", name: "Shop checkout", revoked_at: null });
    expect(created.body.id).toMatch(/^key_/);
    expect(created.body.key).toMatch(/^swl_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/);

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(created.body.id).first();
    const stored = JSON.stringify(row);
    const secret = String(created.body.key).split("_")[2] as string;
    expect(stored).not.toContain(secret);
    expect(row?.secret_hash).toMatch(/^[0-9a-f]{64}$/);

    const list = await api("GET", "/keys?limit=100");
    expect(list.status).toBe(200);
    const listed = list.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toBeDefined();
    expect(listed.key).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(secret);
  });

  it("checks scopes: checkout and influencer keys get 403 on admin routes", async () => {
    const checkout = await createKey("checkout");
    const influencer = await createInfluencer();
    const influencerKey = await createKey("influencer", { influencer_id: influencer.id });
    for (const key of [checkout.key, influencerKey.key]) {
      expectError(await api("GET", "/campaigns", { key }), 403, "forbidden");
      expectError(await api("POST", "/keys", { key, body: { scope: "admin" } }), 403, "forbidden");
      expectError(await api("GET", "/links", { key }), 403, "forbidden");
    }
  });

  it("a new admin key works like the bootstrap key", async () => {
    const admin = await createKey("admin");
    expect((await api("GET", "/campaigns", { key: admin.key })).status).toBe(200);
  });

  it("revokes at once", async () => {
    const admin = await createKey("admin");
    expect((await api("GET", "/campaigns", { key: admin.key })).status).toBe(200);
    const revoked = await api("DELETE", `/keys/${admin.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    expectError(await api("GET", "/campaigns", { key: admin.key }), 401, "unauthorized");
    expectError(await api("DELETE", "/keys/key_doesnotexist1234"), 404, "key_not_found");
  });

  it("an influencer key needs an existing influencer; other scopes take none", async () => {
    expectError(await api("POST", "/keys", { body: { scope: "influencer" } }), 422, "validation_failed");
    expectError(
      await api("POST", "/keys", { body: { scope: "influencer", influencer_id: "inf_missing" } }),
      404,
      "influencer_not_found",
    );
    const influencer = await createInfluencer();
    expectError(
      await api("POST", "/keys", { body: { scope: "checkout", influencer_id: influencer.id } }),
      422,
      "validation_failed",
    );
    expectError(await api("POST", "/keys", { body: { scope: "root" } }), 422, "validation_failed");
    // An empty influencer_id is refused too (found by the hostile-input suite: it was a 500).
    for (const scope of ["admin", "checkout", "influencer"]) {
      expectError(
        await api("POST", "/keys", { body: { scope, influencer_id: "" } }),
        422,
        "validation_failed",
      );
    }
  });

  it("refuses all admin access when ADMIN_API_KEY is unset (fail closed)", async () => {
    const ctx = createExecutionContext();
    const call = (key: string, adminApiKey: string | undefined) =>
      worker.fetch(
        new Request("https://sl.test/api/v1/campaigns", {
          headers: { Authorization: `Bearer ${key}`, "CF-Connecting-IP": clientAddress() },
        }) as never,
        { ...env, ADMIN_API_KEY: adminApiKey as string },
        ctx,
      );
    for (const guess of ["", "undefined", "null", "test-admin-key"]) {
      expect((await call(guess, "")).status, guess).toBe(401);
      expect((await call(guess, undefined)).status, guess).toBe(401);
    }
    // The same key is accepted while the secret is set, so the 401s above come from its absence.
    expect((await call("test-admin-key", "test-admin-key")).status).toBe(200);
    await waitOnExecutionContext(ctx);
  });

  it("the OpenAPI document needs no key", async () => {
    const res = await exports.default.fetch("https://sl.test/api/v1/openapi.json");
    expect(res.status).toBe(200);
  });
});

describe("throttling unknown keys per client", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const from = (address: string) => ({ "CF-Connecting-IP": address });
  const unknownKey = () => `swl_${"x".repeat(16)}_${crypto.randomUUID().replaceAll("-", "")}`;

  it("answers the 11th unknown key from a client within 15 minutes 429, a correct key too; other clients are served", async () => {
    const stored = await createKey("admin");
    const guesser = "203.0.113.50";
    const start = Date.now();
    for (let i = 0; i < 10; i++) {
      const key = i % 2 ? unknownKey() : `guess-${i}`;
      expectError(await api("GET", "/campaigns", { key, headers: from(guesser) }), 401, "unauthorized");
    }
    const eleventh = await api("GET", "/campaigns", { key: unknownKey(), headers: from(guesser) });
    const elapsed = (Date.now() - start) / 1000;
    expectError(eleventh, 429, "rate_limited");
    // 15 minutes from the first failure, less the time the eleven took, however slow the machine.
    const wait = Number(eleventh.headers.get("Retry-After"));
    expect(wait).toBeGreaterThanOrEqual(Math.floor(15 * 60 - elapsed));
    expect(wait).toBeLessThanOrEqual(15 * 60);
    // While the block lasts, a right guess is worth nothing: the bootstrap key and a stored key.
    for (const key of [ADMIN, stored.key]) {
      expectError(await api("GET", "/campaigns", { key, headers: from(guesser) }), 429, "rate_limited");
    }
    expect((await api("GET", "/campaigns", { key: stored.key, headers: from("203.0.113.51") })).status).toBe(
      200,
    );
    // A browser at the same address is one client with the API: its sign-in is refused too.
    expect((await new PageClient(guesser).post("/login", { key: ADMIN })).status).toBe(429);
  });

  it("lets the client in again once its failures are 15 minutes old", async () => {
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start);
    const client = "203.0.113.52";
    for (let i = 0; i < 10; i++) await api("GET", "/campaigns", { key: unknownKey(), headers: from(client) });
    vi.setSystemTime(start + 15 * 60_000 - 1000);
    expectError(await api("GET", "/campaigns", { key: ADMIN, headers: from(client) }), 429, "rate_limited");
    vi.setSystemTime(start + 15 * 60_000 + 1);
    expect((await api("GET", "/campaigns", { key: ADMIN, headers: from(client) })).status).toBe(200);
  });

  it("counts an IPv6 client by its /64, and never stores its address", async () => {
    for (let i = 0; i < 10; i++) {
      await api("GET", "/campaigns", { key: unknownKey(), headers: from(`2001:db8:aa:bb::${i + 1}`) });
    }
    const next = await api("GET", "/campaigns", { key: ADMIN, headers: from("2001:db8:aa:bb:ffff::1") });
    expectError(next, 429, "rate_limited");
    const rows = JSON.stringify((await env.DB.prepare("SELECT * FROM auth_failures").all()).results);
    expect(rows).not.toContain("2001:db8");
  });
});
