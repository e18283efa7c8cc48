import { env, exports } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ADMIN, api, BASE, createLink, unique, waitForClicks } from "../support/helpers";
import { PageClient } from "../support/page-client";

// No key, secret or raw IP in logs, in responses or in D1. Every console call of the Worker is
// captured (the Worker's fetch, queue consumer and scheduled code run in this test's isolate, so
// spying on console here sees them: the first test proves it), then a day's traffic is played:
// key creation, refused keys, clicks from a known address, signed and forged webhooks, a
// failing write that logs a 5xx.

const IPV4 = "203.0.113.77";
const IPV6 = "2001:db8:5ca1:ab1e::77";
const SECRETS = {
  ADMIN_API_KEY: ADMIN,
  VISITOR_HASH_SECRET: "test-visitor-secret",
  SIGNING_SECRET: "test-signing-secret",
  STRIPE_WEBHOOK_SECRET: "whsec_test_secret",
  SHOPIFY_WEBHOOK_SECRET: "test-shopify-secret",
};
const PHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

const logs: string[] = [];
// What the API answered, with its headers; the one response allowed to show a key (its
// creation) is kept apart.
const responses: string[] = [];
const createdKeys: string[] = [];

function describeArg(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg instanceof Error) return `${arg.name}: ${arg.message}\n${arg.stack ?? ""}`;
  try {
    return JSON.stringify(arg);
  } catch {
    return String(arg);
  }
}

beforeAll(() => {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(args.map(describeArg).join(" "));
    });
  }
});
afterAll(() => vi.restoreAllMocks());

function record<T extends { status: number; body: unknown; headers: Headers }>(res: T): T {
  responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${JSON.stringify(res.body)}`);
  return res;
}

async function everything(): Promise<string> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  const dumps = await env.DB.batch(results.map((t) => env.DB.prepare(`SELECT * FROM "${t.name}"`)));
  return JSON.stringify(dumps.map((d) => d.results));
}

describe("secrets and addresses stay out of logs, responses and D1", () => {
  it("captures the Worker's own log lines, from a request and from the queue consumer", async () => {
    const before = logs.length;
    expect((await api("POST", "/rollup")).status).toBe(200);
    const link = await createLink();
    await exports.default.fetch(`${BASE}/${link.slug}`, {
      headers: { "User-Agent": PHONE },
      redirect: "manual",
    });
    await waitForClicks(link.id, 1);
    await vi.waitUntil(() => logs.slice(before).some((l) => l.includes('"events_written"')), {
      timeout: 30_000,
    });
    expect(logs.slice(before).some((l) => l.includes('"rollup_run"'))).toBe(true);
  });

  it("plays a day of traffic and finds no key, secret or raw IP anywhere", async () => {
    // Keys: made, used, listed, revoked; then used again and refused.
    const ids: string[] = [];
    for (const body of [{ scope: "admin" }, { scope: "checkout", name: "Shop" }]) {
      const created = await api("POST", "/keys", { body });
      expect(created.status).toBe(201);
      createdKeys.push(created.body.key);
      ids.push(created.body.id);
    }
    const [adminKey, checkoutKey] = createdKeys as [string, string];
    record(await api("GET", "/keys", { key: adminKey }));
    record(await api("GET", "/keys?limit=1"));
    record(await api("GET", "/campaigns", { key: checkoutKey }));
    // The checkout key by its id: the newest key listed is only it if the two were not made in
    // the same millisecond.
    const revoked = record(await api("DELETE", `/keys/${ids[1]}`));
    expect(revoked.status).toBe(200);
    record(await api("GET", "/campaigns", { key: adminKey }));
    record(await api("GET", "/campaigns", { key: checkoutKey }));
    record(await api("GET", "/campaigns", { key: `${adminKey.slice(0, -4)}abcd` }));
    record(await api("GET", "/campaigns", { key: `${SECRETS.ADMIN_API_KEY}x` }));

    // Clicks from a known address, in every header a proxy may put it in.
    const link = await createLink();
    for (const ip of [IPV4, IPV6]) {
      const headers = {
        "User-Agent": PHONE,
        "CF-Connecting-IP": ip,
        "X-Forwarded-For": `${ip}, 198.51.100.1`,
        "X-Real-IP": ip,
      };
      for (const method of ["GET", "HEAD"]) {
        const res = await exports.default.fetch(`${BASE}/${link.slug}`, {
          method,
          headers,
          redirect: "manual",
        });
        responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
      }
      const missing = await exports.default.fetch(`${BASE}/${unique("missing")}`, { headers });
      responses.push(`${missing.status} ${JSON.stringify([...missing.headers])} ${await missing.text()}`);
    }
    await waitForClicks(link.id, 4);

    // Redemptions that name the buyer's address, recorded and refused; keys and sign-ins refused
    // from a known address (all of them kept as throttle counts).
    const code = await api("POST", "/codes", {
      body: {
        campaign_id: link.campaign_id,
        influencer_id: link.influencer_id,
        code: unique("IPS").toUpperCase(),
      },
    });
    for (const ip of [IPV4, IPV6]) {
      for (const [tried, status] of [
        [code.body.code, 201],
        ["NO-SUCH-CODE", 404],
      ] as const) {
        const body = { code: tried, order_id: unique("o"), amount: 100, currency: "EUR", client_ip: ip };
        const res = record(await api("POST", "/redemptions", { key: adminKey, body }));
        expect(res.status).toBe(status);
      }
      const headers = { "CF-Connecting-IP": ip };
      expect(record(await api("GET", "/campaigns", { key: "swl_unknown", headers })).status).toBe(401);
      const signIn = await new PageClient(ip).post("/login", { key: "wrong" });
      responses.push(`${signIn.status} ${JSON.stringify([...signIn.headers])} ${signIn.text}`);
      expect(signIn.status).toBe(401);
    }
    const kept = await env.DB.prepare(
      "SELECT (SELECT COUNT(*) FROM redemption_attempts WHERE client_bucket IS NOT NULL) AS attempts, (SELECT COUNT(*) FROM auth_failures) AS failures",
    ).first<{ attempts: number; failures: number }>();
    expect(kept?.attempts).toBe(2);
    expect(kept?.failures).toBeGreaterThanOrEqual(4);

    // Webhooks: signed right, signed with the wrong secret, unsigned.
    const payload = JSON.stringify({
      id: `evt_${unique("s")}`,
      type: "customer.created",
      data: { object: {} },
    });
    const t = Math.floor(Date.now() / 1000);
    for (const secret of [SECRETS.STRIPE_WEBHOOK_SECRET, "whsec_wrong"]) {
      const v1 = createHmac("sha256", secret).update(`${t}.${payload}`).digest("hex");
      const headers = { "Stripe-Signature": `t=${t},v1=${v1}` };
      record(await api("POST", "/webhooks/stripe", { key: null, body: payload, headers }));
    }
    const order = JSON.stringify({ id: 1, total_price: "1.00", currency: "EUR" });
    for (const secret of [SECRETS.SHOPIFY_WEBHOOK_SECRET, "wrong"]) {
      const headers = {
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Webhook-Id": unique("w"),
        "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(order).digest("base64"),
      };
      record(await api("POST", "/webhooks/shopify", { key: null, body: order, headers }));
    }

    // Writes that fail inside D1: each 5xx is logged, with the request's key in its header, and
    // the failed query's values (a new key's secret hash among them) in the error.
    for (const [table, path, body] of [
      ["campaigns", "/campaigns", { name: "fail", objective: "sales", currency: "EUR" }],
      ["api_keys", "/keys", { scope: "checkout", name: "fail" }],
    ] as const) {
      await env.DB.prepare(
        `CREATE TRIGGER secrets_fault BEFORE INSERT ON ${table} WHEN NEW.name = 'fail' BEGIN SELECT RAISE(ABORT, 'injected'); END`,
      ).run();
      try {
        const failed = record(await api("POST", path, { key: adminKey, body }));
        expect(failed.status).toBe(500);
      } finally {
        await env.DB.prepare("DROP TRIGGER secrets_fault").run();
      }
    }
    expect(logs.some((l) => l.includes('"request_failed"'))).toBe(true);
    // Logged by route, never by path (a path can carry a secret: a shared report's token).
    expect(logs.some((l) => l.includes('"request_failed"') && l.includes('"route":"/api/v1/keys"'))).toBe(
      true,
    );

    const secrets = [
      ...Object.entries(SECRETS),
      ...createdKeys.flatMap((key, i) => [
        [`created key ${i}`, key],
        // The part after the lookup prefix is the secret itself.
        [`created key ${i} secret`, key.split("_")[2] ?? key],
      ]),
    ] as [string, string][];
    const addresses = [IPV4, IPV6, IPV6.replaceAll(":", "%3A")];
    const stored = await everything();
    for (const [where, text] of [
      ["logs", logs.join("\n")],
      ["responses", responses.join("\n")],
      ["D1", stored],
    ] as const) {
      for (const [name, secret] of secrets)
        expect(text.includes(secret), `${name} found in ${where}`).toBe(false);
      for (const ip of addresses) expect(text.includes(ip), `raw IP ${ip} found in ${where}`).toBe(false);
    }
    // Nor any hash: of a key's secret, or of a visitor.
    expect(logs.join("\n")).not.toMatch(/[0-9a-f]{64}/);
    vi.restoreAllMocks();
    console.log(`secrets: ${logs.length} log lines, ${responses.length} responses and all of D1 searched`);
  });
});
