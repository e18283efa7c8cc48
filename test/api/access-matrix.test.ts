import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  api,
  BASE,
  clientAddress,
  createCampaign,
  createInfluencer,
  createKey,
  expectDecisionForEveryRoute,
  unique,
} from "../support/helpers";
import { type ApiRoute, apiRoutes, fillPath, pathParamValue, tableCounts } from "../support/openapi-routes";

// Who may call each route: THE one table of this suite. The routes themselves come from the served
// OpenAPI document, and a route missing here fails the suite, so the next route forces a decision.
//   admin: admin keys only; checkout: checkout keys (and admin); influencer: influencer keys only
//   (an admin or checkout key has no "me"); signed: no key at all, a shop's signature instead;
//   demo: absent (404 to everyone, key or not) unless SWAYLINE_DEMO_IMPORT is "true", which only
//   `npm run seed` sets; enabled, it is admin only (test/clicks/demo-import.test.ts);
//   publishable: publishable keys from their allowed origin (and admin).
type RouteScope = "admin" | "checkout" | "influencer" | "signed" | "demo" | "publishable";

const ROUTE_SCOPES: Record<string, RouteScope> = {
  "post /keys": "admin",
  "get /keys": "admin",
  "delete /keys/{id}": "admin",
  "post /campaigns": "admin",
  "get /campaigns": "admin",
  "get /campaigns/{id}": "admin",
  "patch /campaigns/{id}": "admin",
  "put /campaigns/{id}/influencers/{influencer_id}": "admin",
  "get /campaigns/{id}/influencers": "admin",
  "get /campaigns/{id}/summary": "admin",
  "get /campaigns/{id}/timeseries": "admin",
  "get /campaigns/{id}/breakdown": "admin",
  "get /campaigns/{id}/report.csv": "admin",
  "post /influencers": "admin",
  "get /influencers": "admin",
  "get /influencers/{id}": "admin",
  "patch /influencers/{id}": "admin",
  "post /influencers/{id}/followers": "admin",
  "get /influencers/{id}/followers": "admin",
  "get /influencers/{id}/summary": "admin",
  "post /links": "admin",
  "get /links": "admin",
  "get /links/{id}": "admin",
  "patch /links/{id}": "admin",
  "post /codes": "admin",
  "get /codes": "admin",
  "get /codes/{id}": "admin",
  "patch /codes/{id}": "admin",
  "post /posts": "admin",
  "get /posts": "admin",
  "get /posts/{id}": "admin",
  "post /posts/{id}/metrics": "admin",
  "post /rollup": "admin",
  "get /rollup/runs": "admin",
  "get /commissions": "admin",
  "get /influencers/{id}/balance": "admin",
  "post /payouts": "admin",
  "get /payouts": "admin",
  "get /payouts/{id}": "admin",
  "get /payouts/{id}/lines.csv": "admin",
  "post /payouts/{id}/paid": "admin",
  "get /me": "influencer",
  "get /me/links": "influencer",
  "get /me/codes": "influencer",
  "get /me/summary": "influencer",
  "get /me/commissions": "influencer",
  "get /me/balance": "influencer",
  "post /redemptions": "checkout",
  "post /conversions": "checkout",
  "post /refunds": "checkout",
  "post /track/lead": "publishable",
  "post /track/events": "publishable",
  "post /webhooks/stripe": "signed",
  "post /webhooks/shopify": "signed",
  "post /demo/clicks": "demo",
};

const PRINCIPALS = [
  "no key",
  "revoked key",
  "checkout",
  "publishable",
  "influencer A",
  "influencer B",
  "admin",
] as const;
// The one origin the publishable key allows; its calls come from there.
const SHOP_ORIGIN = "https://matrix-shop.example";
type Principal = (typeof PRINCIPALS)[number];
type Expectation = 401 | 403 | 404 | "allowed";

// The contract: missing or unknown key 401; known key, wrong scope 403.
function expectation(scope: RouteScope, principal: Principal): Expectation {
  if (scope === "demo") return 404;
  if (scope === "signed" || principal === "no key" || principal === "revoked key") return 401;
  if (principal === "admin") return scope === "influencer" ? 403 : "allowed";
  if (principal === "checkout") return scope === "checkout" ? "allowed" : 403;
  if (principal === "publishable") return scope === "publishable" ? "allowed" : 403;
  return scope === "influencer" ? "allowed" : 403;
}

type Owned = {
  influencer: string;
  campaign: string;
  link: string;
  code: string;
  post: string;
  payout: string;
};

async function ownedBy(label: string): Promise<Owned> {
  const campaign = (await createCampaign({ name: `${label} campaign` })).id as string;
  const influencer = (await createInfluencer()).id as string;
  const owner = { campaign_id: campaign, influencer_id: influencer };
  const link = await api("POST", "/links", { body: { ...owner, url: "https://shop.example/x" } });
  const code = await api("POST", "/codes", { body: { ...owner, code: unique(label).toUpperCase() } });
  const post = await api("POST", "/posts", { body: { ...owner, url: "https://instagram.com/p/x" } });
  // A fee (payable at once) in a currency of this owner's own, and the payout that pays it.
  const currency = label === "a" ? "CHF" : "GBP";
  const paid = (await createCampaign({ name: `${label} paid campaign`, currency })).id as string;
  const fee = await api("PUT", `/campaigns/${paid}/influencers/${influencer}`, { body: { fee: 5_000 } });
  const payout = await api("POST", "/payouts", { body: { currency } });
  expect([link.status, code.status, post.status, fee.status, payout.status]).toEqual([
    201, 201, 201, 200, 201,
  ]);
  return {
    influencer,
    campaign,
    link: link.body.id,
    code: code.body.id,
    post: post.body.id,
    payout: payout.body.id,
  };
}

let routes: ApiRoute[];
let a: Owned;
let b: Owned;
let keys: Record<Principal, string | null>;
let victimKey: { id: string; key: string };

beforeAll(async () => {
  ({ routes } = await apiRoutes());
  a = await ownedBy("a");
  b = await ownedBy("b");
  const revoked = await createKey("admin");
  expect((await api("DELETE", `/keys/${revoked.id}`)).status).toBe(200);
  // The key the matrix tries to revoke (DELETE /keys/{id}): only the admin call may succeed.
  victimKey = await createKey("checkout");
  keys = {
    "no key": null,
    "revoked key": revoked.key,
    checkout: (await createKey("checkout")).key,
    publishable: (await createKey("publishable", { allowed_origins: [SHOP_ORIGIN] })).key,
    "influencer A": (await createKey("influencer", { influencer_id: a.influencer })).key,
    "influencer B": (await createKey("influencer", { influencer_id: b.influencer })).key,
    admin: (await createKey("admin")).key,
  };
});

// Routes that take ids get real ones, all belonging to influencer B: whoever may not see B's data
// is refused even when it names B's things exactly.
function pathValue(route: ApiRoute) {
  const ids = {
    campaigns: b.campaign,
    influencers: b.influencer,
    links: b.link,
    codes: b.code,
    posts: b.post,
    keys: victimKey.id,
    payouts: b.payout,
  };
  return (param: string) => pathParamValue(route, param, ids);
}

// Required query parameters get their first allowed value, so an allowed GET can answer 200.
function queryString(route: ApiRoute): { query: string; complete: boolean } {
  const params = new URLSearchParams();
  let complete = true;
  for (const p of route.queryParams.filter((q) => q.required)) {
    const first = p.schema?.enum?.[0];
    if (first === undefined) complete = false;
    else params.set(p.name, String(first));
  }
  const query = params.toString();
  return { query: query ? `?${query}` : "", complete };
}

async function call(route: ApiRoute, principal: Principal) {
  // Each call from its own client: the revoked key's refusals are not one guesser's run.
  const headers: Record<string, string> = { "CF-Connecting-IP": clientAddress() };
  const key = keys[principal];
  if (key) headers.Authorization = `Bearer ${key}`;
  if (principal === "publishable") headers.Origin = SHOP_ORIGIN;
  // Webhooks are signed, not keyed: every caller here signs wrongly.
  headers["Stripe-Signature"] = `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`;
  headers["X-Shopify-Hmac-Sha256"] = "AAAA";
  headers["X-Shopify-Webhook-Id"] = unique("wh");
  const { query } = queryString(route);
  const init: RequestInit = { method: route.method.toUpperCase(), headers };
  if (!["get", "head", "delete"].includes(route.method)) {
    headers["Content-Type"] = "application/json";
    init.body = "{}";
  }
  const res = await exports.default.fetch(
    `${BASE}/api/v1${fillPath(route.path, pathValue(route))}${query}`,
    init,
  );
  return { status: res.status, text: await res.text() };
}

function check(route: ApiRoute, principal: Principal, res: { status: number; text: string }) {
  const scope = ROUTE_SCOPES[route.key] as RouteScope;
  const expected = expectation(scope, principal);
  const label = `${route.key} as ${principal}: ${res.status} ${res.text.slice(0, 200)}`;
  if (expected === "allowed") {
    expect([401, 403], label).not.toContain(res.status);
    expect(res.status, label).toBeLessThan(500);
    // A read of real ids by someone allowed succeeds outright.
    if (route.method === "get" && queryString(route).complete) expect(res.status, label).toBe(200);
    return;
  }
  expect(res.status, label).toBe(expected);
  const code = { 401: "unauthorized", 403: "forbidden", 404: "not_found" }[expected];
  expect(JSON.parse(res.text), label).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe("access matrix: every route × every kind of caller", () => {
  it("has a decision for every route the API serves, and no stale ones", () => {
    expectDecisionForEveryRoute(
      routes.map((r) => r.key),
      ROUTE_SCOPES,
    );
    // The document tells clients the same: keyed routes declare bearerAuth, signed ones none.
    for (const route of routes) expect(route.keyed, route.key).toBe(ROUTE_SCOPES[route.key] !== "signed");
  });

  it("answers 401 / 403 / allowed exactly as the contract says, and refusals change nothing", async () => {
    let calls = 0;
    const before = await tableCounts();
    // Everyone but admin first: none of their calls may create, revoke or change anything.
    for (const principal of PRINCIPALS.filter((p) => p !== "admin")) {
      for (const route of routes) {
        check(route, principal, await call(route, principal));
        calls += 1;
      }
    }
    const after = await tableCounts();
    // Allowed checkout, publishable and influencer calls here are reads, or writes with an empty body (422);
    // refused redemptions (fraud review) and refused keys (throttling) are kept by design.
    for (const counts of [before, after]) {
      delete counts.redemption_attempts;
      delete counts.auth_failures;
    }
    expect(after).toEqual(before);
    expect((await api("GET", "/campaigns", { key: victimKey.key })).status).toBe(403);

    for (const route of routes) {
      check(route, "admin", await call(route, "admin"));
      calls += 1;
    }
    // The admin's DELETE /keys/{id} went through: the victim key is revoked now.
    expect((await api("GET", "/campaigns", { key: victimKey.key })).status).toBe(401);
    expect(calls).toBe(routes.length * PRINCIPALS.length);
    console.log(
      `access matrix: ${routes.length} routes × ${PRINCIPALS.length} callers = ${calls} calls checked`,
    );
  }, 90_000);

  it("lets influencer A see only A's own links, codes, figures and earnings, whatever it asks for", async () => {
    const mine = (o: Owned) => [o.influencer, o.link, o.code, o.post, o.campaign, o.payout];
    const me = routes.filter((r) => ROUTE_SCOPES[r.key] === "influencer");
    for (const [self, other, principal] of [
      [a, b, "influencer A"],
      [b, a, "influencer B"],
    ] as const) {
      for (const route of me) {
        // Naming the other's influencer and campaign in the query must not widen the view.
        for (const query of ["", `?influencer_id=${other.influencer}&campaign_id=${other.campaign}`]) {
          const res = await api("GET", `${route.path}${query}`, { key: keys[principal] });
          const text = JSON.stringify(res.body);
          expect(res.status, `${route.key}${query}: ${text}`).toBeLessThan(500);
          for (const id of mine(other)) expect(text, `${principal} ${route.key}${query}`).not.toContain(id);
        }
      }
      const links = await api("GET", "/me/links", { key: keys[principal] });
      const codes = await api("GET", "/me/codes", { key: keys[principal] });
      const profile = await api("GET", "/me", { key: keys[principal] });
      expect(links.body.data.map((l: { id: string }) => l.id)).toEqual([self.link]);
      expect(codes.body.data.map((c: { id: string }) => c.id)).toEqual([self.code]);
      expect(profile.body.influencer.id).toBe(self.influencer);
      // The fee each was paid is in their own ledger, and only theirs.
      const earned = await api("GET", "/me/commissions", { key: keys[principal] });
      expect(earned.body.data).toMatchObject([
        { influencer_id: self.influencer, kind: "fee", amount: 5_000, payout_id: self.payout },
      ]);
      const balance = await api("GET", "/me/balance", { key: keys[principal] });
      // The admin's sweep marks B's payout paid (POST /payouts/{id}/paid); A's stays a draft.
      const payout = await api("GET", `/payouts/${self.payout}`);
      const paid = payout.body.status === "paid" ? 5_000 : 0;
      expect(balance.body.balances).toEqual([
        { currency: self === a ? "CHF" : "GBP", pending: 0, payable: 5_000 - paid, paid },
      ]);
    }
  });
});
