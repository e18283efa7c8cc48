import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, BASE, createKey, createLink, expectError, follow, tamperedClickId } from "../support/helpers";
import { PageClient } from "../support/page-client";

const SHOP = "https://shop.example";

async function publishableKey(origins: string[] = [SHOP]) {
  return createKey("publishable", { allowed_origins: origins });
}

async function clickIdOf(slug: string) {
  const location = (await follow(slug)).headers.get("Location") as string;
  return new URL(location).searchParams.get("sl_cid") as string;
}

// A request as the shop's page would send it: from its origin, the key in Authorization.
async function fromPage(
  method: string,
  path: string,
  key: string | null,
  origin: string | null,
  body?: unknown,
) {
  const headers: Record<string, string> = {};
  if (key) headers.Authorization = `Bearer ${key}`;
  if (origin) headers.Origin = origin;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await exports.default.fetch(`${BASE}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

describe("publishable keys", () => {
  it("are made with their allowed origins, read swl_pk_, and show the origins normalised", async () => {
    const created = await api("POST", "/keys", {
      body: {
        scope: "publishable",
        allowed_origins: ["https://Shop.example/", "http://localhost:3000", SHOP],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^swl_pk_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/);
    expect(created.body).toMatchObject({
      scope: "publishable",
      allowed_origins: [SHOP, "http://localhost:3000"],
      prefix: created.body.key.slice(0, 15),
    });
    const listed = (await api("GET", "/keys?limit=100")).body.data.find(
      (k: { id: string }) => k.id === created.body.id,
    );
    expect(listed.allowed_origins).toEqual([SHOP, "http://localhost:3000"]);
  });

  it("refuses a publishable key without origins, origins that are not origins, and origins on other scopes", async () => {
    for (const allowed_origins of [
      undefined,
      [],
      ["https://shop.example/cart"],
      ["ftp://shop.example"],
      ["shop"],
    ]) {
      expectError(
        await api("POST", "/keys", { body: { scope: "publishable", allowed_origins } }),
        422,
        "validation_failed",
      );
    }
    expectError(
      await api("POST", "/keys", { body: { scope: "checkout", allowed_origins: [SHOP] } }),
      422,
      "validation_failed",
    );
  });

  it("may call nothing but the track routes: 403 on others, and no sign-in to the pages", async () => {
    const { key } = await publishableKey();
    for (const [method, path] of [
      ["GET", "/campaigns"],
      ["POST", "/conversions"],
      ["POST", "/redemptions"],
      ["GET", "/me"],
      ["GET", "/keys"],
    ] as const) {
      expectError(
        await fromPage(method, path, key, SHOP, method === "POST" ? {} : undefined),
        403,
        "forbidden",
      );
    }
    expect((await new PageClient().post("/login", { key })).status).toBe(401);
  });

  it("is known only with its pk_ prefix: the same id and secret without it are unknown", async () => {
    const { key } = await publishableKey();
    const link = await createLink();
    const body = { click_id: await clickIdOf(link.slug), customer_id: "cust-1" };
    expectError(
      await fromPage("POST", "/track/lead", key.replace("swl_pk_", "swl_"), SHOP, body),
      401,
      "unauthorized",
    );
  });
});

describe("CORS for the track routes", () => {
  it("answers a preflight for an origin a publishable key allows, and refuses any other", async () => {
    const origin = `https://${crypto.randomUUID()}.example`;
    const { id } = await publishableKey([origin]);
    for (const path of ["/track/lead", "/track/events"]) {
      const ok = await fromPage("OPTIONS", path, null, origin);
      expect(ok.status).toBe(204);
      expect(ok.headers.get("Access-Control-Allow-Origin")).toBe(origin);
      expect(ok.headers.get("Access-Control-Allow-Methods")).toBe("POST");
      expect(ok.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
      const other = await fromPage("OPTIONS", path, null, "https://elsewhere.example");
      expectError(other, 403, "forbidden");
      expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
    }
    // A revoked key allows no origin any more.
    expect((await api("DELETE", `/keys/${id}`)).status).toBe(200);
    expectError(await fromPage("OPTIONS", "/track/lead", null, origin), 403, "forbidden");
  });
});

describe("POST /track/lead", () => {
  it("records a lead by signed click id from an allowed origin: 201, then 200, readable by the page", async () => {
    const { key } = await publishableKey();
    const link = await createLink();
    const clickId = await clickIdOf(link.slug);
    const body = { click_id: clickId, customer_id: "shopper@example.com" };
    const first = await fromPage("POST", "/track/lead", key, SHOP, body);
    expect(first.status).toBe(201);
    expect(first.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^cnv_/),
      type: "lead",
      click_id: clickId,
      created_at: expect.any(String),
    });
    const again = await fromPage("POST", "/track/lead", key, SHOP, body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const row = await env.DB.prepare(
      "SELECT type, attribution, influencer_id, customer_id, source FROM conversions WHERE id = ?",
    )
      .bind(first.body.id)
      .first();
    expect(row).toMatchObject({
      type: "lead",
      attribution: "click",
      influencer_id: link.influencer_id,
      source: "default",
    });
    // The email is stored as its keyed hash, as through POST /conversions.
    expect(String(row?.customer_id)).toMatch(/^em_/);
  });

  it("refuses another origin or none (403, no CORS), a made-up click id (422) and any sale field", async () => {
    const { key } = await publishableKey();
    const link = await createLink();
    const body = { click_id: await clickIdOf(link.slug), customer_id: "cust-2" };
    for (const origin of ["https://elsewhere.example", null]) {
      const refused = await fromPage("POST", "/track/lead", key, origin, body);
      expectError(refused, 403, "forbidden");
      expect(refused.headers.get("Access-Control-Allow-Origin")).toBeNull();
    }
    const forged = await fromPage("POST", "/track/lead", key, SHOP, {
      ...body,
      click_id: tamperedClickId(body.click_id),
    });
    expectError(forged, 422, "invalid_click_id");
    expect(forged.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    expectError(
      await fromPage("POST", "/track/lead", key, SHOP, {
        ...body,
        amount: 100,
        order_id: "o-1",
        currency: "EUR",
      }),
      422,
      "validation_failed",
    );
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversions WHERE click_id = ?")
      .bind(body.click_id)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });
});
