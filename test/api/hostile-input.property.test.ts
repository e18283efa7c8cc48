import { env, exports } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db";
import { createShareLink } from "../../src/reports/share-links";
import { createApiRouter, openApiDocument } from "../../workers/app";
import { createPagesApp } from "../../workers/pages/pages-app";
import { ADMIN, api, BASE, createKey, createLink, follow, unique, waitForClicks } from "../support/helpers";
import {
  Entries,
  encode,
  type Fixtures,
  hostileBody,
  hostileHeader,
  hostileText,
  PAGE_QUERY_PARAMS,
  plausibleValue,
  uriPart,
} from "../support/hostile-values";
import {
  type ApiRoute,
  countStatements,
  countsOf,
  type Document,
  pathParamValue,
  type ResourceIds,
  resolve,
  routesOf,
  type SchemaObject,
} from "../support/openapi-routes";
import { PageClient } from "../support/page-client";

// Every endpoint of the route table (the app's own OpenAPI document, so a new endpoint is
// covered the day it lands) gets random and malformed input, built from its request schema:
// wrong types, huge and negative numbers, raw tokens like 1e400, unicode with lone surrogates and
// control characters, long strings (100 KiB: 413), SQL-looking strings, duplicated, missing and
// unknown fields, hostile path segments and query strings, and wrongly signed webhooks.
// Whatever comes in: never a 5xx, every error in the contract's envelope, and a refused request
// stores nothing (every table's row count, and the fixtures' rows, unchanged).

const document = openApiDocument(createApiRouter()) as unknown as Document;
const routes = routesOf(document);
const RUNS_WITH_BODY = 50;
const RUNS_WITHOUT_BODY = 25;
const STRIPE_SECRET = "whsec_test_secret";
const SHOPIFY_SECRET = "test-shopify-secret";

let ids: ResourceIds;
let fixtures: Fixtures;
let influencerKey: string;
let checkoutKey: string;
let fixtureRowsSql: D1PreparedStatement[];
let countSql: D1PreparedStatement[];
const tried = new Map<string, { inputs: number; byStatus: Record<string, number> }>();

beforeAll(async () => {
  const link = await createLink();
  const owner = { campaign_id: link.campaign_id, influencer_id: link.influencer_id };
  const code = await api("POST", "/codes", { body: { ...owner, code: unique("HOSTILE").toUpperCase() } });
  const post = await api("POST", "/posts", { body: { ...owner, url: "https://instagram.com/p/abc" } });
  const spareKey = await createKey("checkout");
  checkoutKey = (await createKey("checkout")).key;
  influencerKey = (await createKey("influencer", { influencer_id: link.influencer_id })).key;
  const location = (await follow(link.slug, { headers: { "User-Agent": "Mozilla/5.0 (iPhone)" } })).headers;
  const clickId = new URL(location.get("Location") as string).searchParams.get("sl_cid") as string;
  // The click reaches D1 through the queue: let it land before counting rows.
  await waitForClicks(link.id, 1);
  const order = `${code.body.code}-paid`;
  const sale = await api("POST", "/redemptions", {
    key: checkoutKey,
    body: { code: code.body.code, order_id: order, amount: 5000, currency: "EUR" },
  });
  expect([code.status, post.status, sale.status]).toEqual([201, 201, 201]);
  // A payout to name: the influencer's fee is payable at once.
  await api("PUT", `/campaigns/${link.campaign_id}/influencers/${link.influencer_id}`, {
    body: { fee: 900 },
  });
  const payout = await api("POST", "/payouts", { body: { currency: "EUR" } });
  expect(payout.status, JSON.stringify(payout.body)).toBe(201);
  ids = {
    campaigns: link.campaign_id,
    influencers: link.influencer_id,
    links: link.id,
    codes: code.body.id,
    posts: post.body.id,
    keys: spareKey.id,
    payouts: payout.body.id,
  };
  const page = await api("GET", "/keys?limit=1");
  const forged = (position: unknown) => btoa(JSON.stringify(position)).replaceAll("=", "");
  const orderIds = fc.oneof(
    fc.constant(order),
    fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 20 }),
  );
  fixtures = {
    campaign_id: fc.constant(ids.campaigns),
    influencer_id: fc.constant(ids.influencers),
    code: fc.constantFrom(code.body.code, code.body.code.toLowerCase()),
    promo_code: fc.constant(code.body.code),
    click_id: fc.constant(clickId),
    client_reference_id: fc.constant(clickId),
    landing_site: fc.constant(`/?sl_cid=${clickId}`),
    order_id: orderIds,
    payment_intent: orderIds,
    url: fc.constantFrom("https://shop.example/p?x=1", "http://shop.example"),
    expired_url: fc.constant("https://shop.example/over"),
    currency: fc.constantFrom("EUR", "eur"),
    customer_id: fc.constantFrom("cus-1", "cus-2"),
    client_ip: fc.constantFrom("203.0.113.5", "2001:db8::1", "::ffff:198.51.100.7"),
    metric: fc.constantFrom("clicks", "revenue", "roi"),
    // A real cursor, and forged ones that decode to the wrong things.
    cursor: fc.constantFrom(
      page.body.next_cursor ?? "",
      forged([1e308, "x"]),
      forged([0, ""]),
      forged([1, { a: 1 }]),
    ),
  };
  countSql = await countStatements();
  // The rows a refused PATCH, PUT or DELETE could have touched.
  fixtureRowsSql = [
    env.DB.prepare("SELECT * FROM campaigns WHERE id = ?").bind(ids.campaigns),
    env.DB.prepare("SELECT * FROM influencers WHERE id = ?").bind(ids.influencers),
    env.DB.prepare("SELECT * FROM links WHERE id = ?").bind(ids.links),
    env.DB.prepare("SELECT * FROM promo_codes WHERE id = ?").bind(ids.codes),
    env.DB.prepare("SELECT * FROM posts WHERE id = ?").bind(ids.posts),
    env.DB.prepare("SELECT * FROM enrolments WHERE campaign_id = ?").bind(ids.campaigns),
    env.DB.prepare("SELECT id, revoked_at FROM api_keys WHERE id = ?").bind(ids.keys),
    env.DB.prepare("SELECT * FROM payouts WHERE id = ?").bind(ids.payouts),
  ];
});

type State = { counts: Record<string, number>; rows: string };

// One D1 round trip per input: the row counts and the fixtures' rows.
async function state(): Promise<State> {
  const results = await env.DB.batch([...countSql, ...fixtureRowsSql]);
  return {
    counts: countsOf(results.slice(0, countSql.length)),
    rows: JSON.stringify(results.slice(countSql.length).map((r) => r.results)),
  };
}

// Webhook bodies have no schema in the document (the shops define them): these are their shapes.
const obj = (properties: Record<string, SchemaObject>): SchemaObject => ({ type: "object", properties });
const STRIPE_EVENT = obj({
  id: { type: "string" },
  type: { enum: ["checkout.session.completed", "charge.refunded", "customer.created"] },
  data: obj({
    object: obj({
      id: { type: "string" },
      amount_total: { type: "integer", minimum: 0 },
      currency: { enum: ["eur", "usd"] },
      client_reference_id: { type: "string" },
      payment_intent: { type: "string" },
      metadata: obj({ promo_code: { type: "string" } }),
      refunds: obj({
        data: { type: "array", items: obj({ id: { type: "string" }, amount: { type: "integer" } }) },
      }),
    }),
  }),
});
const SHOPIFY_PAYLOAD = obj({
  id: { type: "integer" },
  order_id: { type: "integer" },
  total_price: { enum: ["12.50", "0.00", "-1", "1e9"] },
  currency: { enum: ["EUR", "USD"] },
  landing_site: { type: "string" },
  discount_codes: { type: "array", items: obj({ code: { type: "string" } }) },
  transactions: {
    type: "array",
    items: obj({ amount: { enum: ["1.00", "99999"] }, kind: { enum: ["refund"] } }),
  },
});

type Attempt = { url: string; init: RequestInit };

const sign = {
  stripe: (body: string) => {
    const t = Math.floor(Date.now() / 1000);
    return `t=${t},v1=${createHmac("sha256", STRIPE_SECRET).update(`${t}.${body}`).digest("hex")}`;
  },
  shopify: (body: string) => createHmac("sha256", SHOPIFY_SECRET).update(body).digest("base64"),
};

function webhookAttempt(route: ApiRoute): fc.Arbitrary<Attempt> {
  const provider = route.path.endsWith("stripe") ? "stripe" : "shopify";
  const shape = provider === "stripe" ? STRIPE_EVENT : SHOPIFY_PAYLOAD;
  return fc
    .record({
      body: hostileBody(shape, fixtures),
      // Mostly signed right, so that the body is read; else missing, wrong, stale or garbage.
      signature: fc.oneof(
        { weight: 4, arbitrary: fc.constant("valid") },
        { weight: 1, arbitrary: fc.constantFrom("missing", "wrong", "stale") },
        { weight: 1, arbitrary: hostileHeader },
      ),
      topic: fc.oneof(fc.constantFrom("orders/paid", "orders/create", "refunds/create"), hostileHeader),
      webhookId: fc.oneof(fc.uuid(), hostileHeader),
    })
    .map(({ body, signature, topic, webhookId }) => {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      const header = provider === "stripe" ? "Stripe-Signature" : "X-Shopify-Hmac-Sha256";
      if (signature === "valid") headers[header] = sign[provider](body);
      else if (signature === "wrong") headers[header] = sign[provider](`${body} `);
      else if (signature === "stale") headers[header] = `t=1,v1=${"0".repeat(64)}`;
      else if (signature !== "missing") headers[header] = signature;
      if (provider === "shopify") {
        headers["X-Shopify-Topic"] = topic;
        if (webhookId) headers["X-Shopify-Webhook-Id"] = webhookId;
      }
      return { url: `${BASE}/api/v1${route.path}`, init: { method: "POST", headers, body } };
    });
}

// Plausible query parameters (each present or not), then at most one made hostile, plus now and
// then something no schema expects: a parameter twice, bad percent-encoding, a huge limit.
function queryOf(params: { name: string; value: fc.Arbitrary<unknown> }[]): fc.Arbitrary<string> {
  const asText = (v: unknown) => ({ text: typeof v === "string" ? v : encode(v), raw: false });
  const values = params.map((p) => fc.option(p.value.map(asText)));
  const hostile = fc.option(fc.tuple(fc.nat(), hostileText), { freq: 2 });
  const extra = fc.option(
    fc.constantFrom(
      "limit=1&limit=2",
      "cursor=%ff",
      "__proto__=1",
      "&&=&",
      "limit=1e999",
      "from=garbage",
      "days=1e999",
      "sort=__proto__",
      "lang=__proto__",
    ),
    { freq: 5 },
  );
  return fc.tuple(fc.tuple(...values), hostile, extra).map(([chosenValues, bad, more]) => {
    const chosen = [...chosenValues];
    if (bad && params.length) chosen[bad[0] % params.length] = bad[1];
    const parts = chosen.flatMap((v, i) =>
      v ? [`${encodeURIComponent(params[i]?.name ?? "")}=${uriPart(v)}`] : [],
    );
    if (more) parts.push(more);
    return parts.length ? `?${parts.join("&")}` : "";
  });
}

const queryArbitrary = (route: ApiRoute) =>
  queryOf(
    route.queryParams.map((p) => ({
      name: p.name,
      value: plausibleValue(p.name, resolve(document, p.schema ?? {}), fixtures),
    })),
  );

function keyedAttempt(route: ApiRoute): fc.Arbitrary<Attempt> {
  const key = route.path.startsWith("/me") ? influencerKey : ADMIN;
  const pathParams = route.pathParams.map((param) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant({ text: pathParamValue(route, param, ids), raw: false }) },
      { weight: 2, arbitrary: hostileText },
    ),
  );
  const hasBody = !["get", "delete"].includes(route.method);
  return fc
    .record({
      path: fc.tuple(...pathParams),
      query: queryArbitrary(route),
      body: hasBody
        ? hostileBody(route.body ? resolve(document, route.body) : undefined, fixtures)
        : fc.constant(null),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant("application/json") },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            "text/plain",
            "application/json; charset=utf-16",
            "multipart/form-data",
            "",
          ),
        },
      ),
    })
    .map(({ path, query, body, contentType }) => {
      let i = 0;
      const filled = route.path.replace(/\{\w+\}/g, () => uriPart(path[i++] ?? { text: "", raw: false }));
      const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
      if (contentType) headers["Content-Type"] = contentType;
      const init: RequestInit = { method: route.method.toUpperCase(), headers };
      if (body !== null) init.body = body;
      return { url: `${BASE}/api/v1${filled}${query}`, init };
    });
}

const ERROR_CODE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

function expectEnvelope(status: number, text: string, label: string) {
  let body: unknown;
  expect(() => {
    body = JSON.parse(text);
  }, `${label}: error body is not JSON`).not.toThrow();
  expect(Object.keys(body as object), label).toEqual(["error"]);
  const error = (body as { error: Record<string, unknown> }).error;
  expect(
    Object.keys(error).filter((k) => !["code", "message", "details"].includes(k)),
    label,
  ).toEqual([]);
  expect(error.code, label).toMatch(ERROR_CODE);
  expect(typeof error.message === "string" && error.message.length > 0, label).toBe(true);
  expect(status, label).toBeLessThan(500);
}

async function attempt(route: ApiRoute, { url, init }: Attempt, before: State): Promise<State> {
  const res = await exports.default.fetch(url, { ...init, redirect: "manual" });
  const text = await res.text();
  const stats = tried.get(route.key) ?? { inputs: 0, byStatus: {} };
  stats.inputs += 1;
  stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  tried.set(route.key, stats);
  const label = `${route.key} ${init.method} ${url.slice(0, 300)} body=${String(init.body ?? "").slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, label).toBeLessThan(500);
  const after = await state();
  if (res.status >= 400) {
    expectEnvelope(res.status, text, label);
    // A refused redemption is kept for fraud review by design (never counted as an order).
    const counts = { ...after.counts };
    if (route.key === "post /redemptions")
      counts.redemption_attempts = before.counts.redemption_attempts ?? 0;
    expect(counts, `${label}: a refused request stored rows`).toEqual(before.counts);
    expect(after.rows, `${label}: a refused request changed a row`).toEqual(before.rows);
  }
  return after;
}

describe("hostile input on every endpoint", () => {
  it.each(routes.map((r) => [r.key, r] as const))(
    "%s",
    async (_, route) => {
      const inputs = route.keyed ? keyedAttempt(route) : webhookAttempt(route);
      let current = await state();
      await fc.assert(
        fc.asyncProperty(inputs, async (input) => {
          current = await attempt(route, input, current);
        }),
        { numRuns: route.body || !route.keyed ? RUNS_WITH_BODY : RUNS_WITHOUT_BODY },
      );
    },
    60_000,
  );

  afterAll(() => {
    const total = [...tried.values()].reduce((n, s) => n + s.inputs, 0);
    const byClass: Record<string, number> = {};
    for (const stats of tried.values())
      for (const [status, n] of Object.entries(stats.byStatus))
        byClass[`${status[0]}xx`] = (byClass[`${status[0]}xx`] ?? 0) + n;
    console.log(
      `hostile input: ${total} inputs over ${tried.size} endpoints, answers ${JSON.stringify(byClass)}, no 5xx, every error in the envelope, nothing stored on a refusal`,
    );
  });
});

// The pages take query parameters too (a list's cursor, a report's sort and period, the
// language): every GET page, for the visitor it is meant for, gets them plausible and hostile.
// Whatever the query: never a 5xx.
describe("hostile query strings on every page", () => {
  const pagePaths = [
    ...new Set(
      createPagesApp()
        .routes.filter((r) => r.method === "GET")
        .map((r) => r.path),
    ),
  ];
  const visitors = { admin: new PageClient(), influencer: new PageClient(), anyone: new PageClient() };
  let shareToken: string;

  beforeAll(async () => {
    await visitors.admin.signIn(ADMIN);
    await visitors.influencer.signIn(influencerKey);
    shareToken = (await createShareLink(createDb(env.DB), { campaignId: ids.campaigns }, Date.now)).token;
  });

  it.each(pagePaths)(
    "GET %s",
    async (path) => {
      const visitor = path.startsWith("/dashboard")
        ? visitors.admin
        : path.startsWith("/portal")
          ? visitors.influencer
          : visitors.anyone;
      // Each id its own kind's (an influencer's, a link's…), else the campaign's.
      const kind = (["influencers", "links", "codes", "payouts"] as const).find((k) =>
        path.startsWith(`/dashboard/${k}/`),
      );
      const concrete = path
        .replace(":id", ids[kind ?? "campaigns"] as string)
        .replace(":influencer_id", ids.influencers as string)
        .replace(":token", shareToken);
      const query = queryOf(
        Object.entries(PAGE_QUERY_PARAMS).map(([name, value]) => ({ name, value: value(fixtures) })),
      );
      const statuses: Record<number, number> = {};
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const res = await visitor.request(`${concrete}${q}`);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          expect(res.status, `GET ${concrete}${q} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(
            500,
          );
        }),
        // The page without a query first: random queries alone may all be refused, by chance.
        { numRuns: RUNS_WITHOUT_BODY, examples: [[""]] },
      );
      // The plausible queries reach the page itself, so its own code ran.
      expect(statuses[200] ?? 0, `GET ${path}: ${JSON.stringify(statuses)}`).toBeGreaterThan(0);
    },
    60_000,
  );
});

describe("hostile input, by hand", () => {
  it("refuses a duplicated key that would smuggle a second value past validation", async () => {
    const body = encode(
      new Entries([
        ["name", "A"],
        ["objective", "sales"],
        ["currency", "EUR"],
        ["currency", "\uD800"],
      ]),
    );
    const res = await exports.default.fetch(`${BASE}/api/v1/campaigns`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
      body,
    });
    expect(res.status).toBe(422);
  });

  it("uses a hostile value only as data: SQL-looking names are stored verbatim", async () => {
    const name = "Robert'); DROP TABLE campaigns; --";
    const created = await api("POST", "/campaigns", { body: { name, objective: "sales", currency: "EUR" } });
    expect(created.status).toBe(201);
    expect((await api("GET", `/campaigns/${created.body.id}`)).body.name).toBe(name);
  });
});
