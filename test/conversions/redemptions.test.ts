import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordConversion } from "../../src/conversions/conversions";
import { redeem } from "../../src/conversions/redemptions";
import { createDb } from "../../src/db";
import {
  api,
  clockFromNoonUtc,
  createCampaign,
  createInfluencer,
  createKey,
  createLink,
  expectError,
  follow,
  stopClock,
  unique,
} from "../support/helpers";

async function setup(
  codeOverrides: Record<string, unknown> = {},
  campaignOverrides: Record<string, unknown> = {},
) {
  const campaign = await createCampaign(campaignOverrides);
  const influencer = await createInfluencer();
  const code = unique("ANA").toUpperCase().replaceAll(".", "").slice(0, 32);
  const created = await api("POST", "/codes", {
    body: {
      code: code.toLowerCase(),
      campaign_id: campaign.id,
      influencer_id: influencer.id,
      ...codeOverrides,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const checkout = await createKey("checkout");
  return { campaign, influencer, code: created.body, checkout: checkout.key };
}

const order = (code: string, overrides: Record<string, unknown> = {}) => ({
  code,
  order_id: `ord_${crypto.randomUUID()}`,
  amount: 4999,
  currency: "EUR",
  ...overrides,
});

async function countOrders(orderId: string) {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversions WHERE order_id = ?")
    .bind(orderId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

// The code's own counter, as the API shows it, and the orders recorded with the code.
async function counters(codeId: string) {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversions WHERE code_id = ?")
    .bind(codeId)
    .first<{ n: number }>();
  return { counter: (await api("GET", `/codes/${codeId}`)).body.redemptions, recorded: row?.n };
}

describe("promo codes", () => {
  it("stores codes upper-case, matches them case-insensitively, and refuses a taken one (409)", async () => {
    const { code, campaign, influencer } = await setup();
    expect(code.code).toBe(code.code.toUpperCase());
    expect(code).toMatchObject({ redemptions: 0, max_redemptions: null, active: true });
    expect(code.id).toMatch(/^code_/);
    expectError(
      await api("POST", "/codes", {
        body: { code: code.code.toLowerCase(), campaign_id: campaign.id, influencer_id: influencer.id },
      }),
      409,
      "code_taken",
    );
    for (const bad of ["AB", "X".repeat(33), "HAS SPACE", "ÉTÉ"]) {
      expectError(
        await api("POST", "/codes", {
          body: { code: bad, campaign_id: campaign.id, influencer_id: influencer.id },
        }),
        422,
        "validation_failed",
      );
    }
    const list = await api("GET", `/codes?campaign_id=${campaign.id}`);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([code.id]);
    const patched = await api("PATCH", `/codes/${code.id}`, { body: { active: false, max_redemptions: 5 } });
    expect(patched.body).toMatchObject({ active: false, max_redemptions: 5 });
    expectError(await api("GET", "/codes/code_missing"), 404, "code_not_found");
  });
});

describe("POST /redemptions", () => {
  it("records an order for the code's influencer (201), case-insensitively", async () => {
    const { code, checkout, campaign, influencer } = await setup();
    const body = order(code.code.toLowerCase(), { customer_id: "cus_1" });
    const res = await api("POST", "/redemptions", { key: checkout, body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      order_id: body.order_id,
      code: code.code,
      campaign_id: campaign.id,
      influencer_id: influencer.id,
      amount: 4999,
      currency: "EUR",
      customer_id: "cus_1",
      attribution: "code",
    });
    expect(res.body.id).toMatch(/^red_/);
    expect((await api("GET", `/codes/${code.id}`)).body.redemptions).toBe(1);
  });

  it("refuses an order dated before 2000 or more than a day ahead, and takes one a little ahead", async () => {
    const { code, checkout } = await setup();
    const hour = 3_600_000;
    for (const at of [
      "1970-01-01T00:00:00Z",
      "1999-12-31T23:59:59Z",
      new Date(Date.now() + 25 * hour).toISOString(),
    ]) {
      const body = order(code.code, { occurred_at: at });
      expectError(await api("POST", "/redemptions", { key: checkout, body }), 422, "validation_failed");
      expect(await countOrders(body.order_id)).toBe(0);
    }
    // A shop's clock an hour fast is still an order.
    const fast = order(code.code, { occurred_at: new Date(Date.now() + hour).toISOString() });
    expect((await api("POST", "/redemptions", { key: checkout, body: fast })).status).toBe(201);
    // The same rule for a sale by click id and a refund.
    const late = { occurred_at: new Date(Date.now() + 48 * hour).toISOString() };
    expectError(
      await api("POST", "/refunds", {
        key: checkout,
        body: { order_id: fast.order_id, refund_id: "r1", amount: 1, ...late },
      }),
      422,
      "validation_failed",
    );
    expectError(
      await api("POST", "/conversions", {
        key: checkout,
        body: { type: "lead", customer_id: "c1", click_id: null, ...late },
      }),
      422,
      "validation_failed",
    );
  });

  it("reads a code's dates given as days as its campaign's days, through the last one", async () => {
    const { code, checkout } = await setup({}, { timezone: "Europe/Paris" });
    const patched = await api("PATCH", `/codes/${code.id}`, {
      body: { starts_at: "2026-03-01", ends_at: "2026-03-31" },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    // Paris is UTC+1 on 1 March and UTC+2 on 31 March.
    expect([patched.body.starts_at, patched.body.ends_at]).toEqual([
      "2026-02-28T23:00:00.000Z",
      "2026-03-31T21:59:59.999Z",
    ]);
    expectError(
      await api("PATCH", `/codes/${code.id}`, { body: { ends_at: "2026-02-01" } }),
      422,
      "validation_failed",
    );
    // Through today, in the campaign's zone: the code takes an order now. The Worker's today is
    // the test's if no midnight comes between them.
    clockFromNoonUtc();
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
    await api("PATCH", `/codes/${code.id}`, { body: { starts_at: today, ends_at: today } });
    expect((await api("POST", "/redemptions", { key: checkout, body: order(code.code) })).status).toBe(201);
  });

  it("answers a replay with 200 and the same body, counted once; a different body is 409", async () => {
    const { code, checkout } = await setup();
    const body = order(code.code);
    const first = await api("POST", "/redemptions", { key: checkout, body });
    const replay = await api("POST", "/redemptions", { key: checkout, body });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expectError(
      await api("POST", "/redemptions", { key: checkout, body: { ...body, amount: 1 } }),
      409,
      "order_conflict",
    );
    expect(await countOrders(body.order_id)).toBe(1);
    expect((await api("GET", `/codes/${code.id}`)).body.redemptions).toBe(1);
  });

  it("counts 50 concurrent identical requests once", async () => {
    const { code, checkout } = await setup();
    const body = order(code.code);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => api("POST", "/redemptions", { key: checkout, body })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    expect(await countOrders(body.order_id)).toBe(1);
    expect(await counters(code.id)).toEqual({ counter: 1, recorded: 1 });
  });

  it("keeps the code's counter equal to the orders recorded, under concurrent distinct and duplicate orders", async () => {
    const { code, checkout } = await setup();
    const one = order(code.code);
    const bodies = [
      ...Array.from({ length: 50 }, () => order(code.code)),
      ...Array.from({ length: 50 }, () => one),
    ].sort(() => Math.random() - 0.5);
    const results = await Promise.all(
      bodies.map((body) => api("POST", "/redemptions", { key: checkout, body })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(51);
    expect(results.filter((r) => r.status === 200)).toHaveLength(49);
    expect(await counters(code.id)).toEqual({ counter: 51, recorded: 51 });
  });

  it("records exactly max_redemptions of twice as many concurrent orders, and counts exactly those", async () => {
    const N = 10;
    const { code, checkout } = await setup({ max_redemptions: N });
    // Each order sent twice, so duplicates race the code's last redemptions too.
    const orders = Array.from({ length: 2 * N }, () => order(code.code));
    const results = await Promise.all(
      [...orders, ...orders].map((body) => api("POST", "/redemptions", { key: checkout, body })),
    );
    const recorded = new Set(results.filter((r) => r.status === 201).map((r) => r.body.order_id));
    expect(recorded.size).toBe(N);
    expect(results.filter((r) => r.status === 201)).toHaveLength(N);
    for (const r of results.filter((r) => r.status === 200)) expect(recorded.has(r.body.order_id)).toBe(true);
    for (const r of results.filter((r) => r.status !== 201 && r.status !== 200))
      expectError(r, 422, "code_exhausted");
    expect(await counters(code.id)).toEqual({ counter: N, recorded: N });
  });

  it("refuses unknown, inactive, not started, ended codes and other currencies, and keeps the attempts", async () => {
    const { code, checkout, campaign, influencer } = await setup();
    expectError(
      await api("POST", "/redemptions", { key: checkout, body: order("NOPE-NOPE") }),
      404,
      "code_not_found",
    );
    expectError(
      await api("POST", "/redemptions", { key: checkout, body: order(code.code, { currency: "USD" }) }),
      422,
      "currency_mismatch",
    );
    const later = await api("POST", "/codes", {
      body: {
        code: unique("LATER").slice(0, 32),
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        starts_at: "2999-01-01T00:00:00Z",
      },
    });
    expectError(
      await api("POST", "/redemptions", { key: checkout, body: order(later.body.code) }),
      422,
      "code_expired",
    );
    const ended = await api("POST", "/codes", {
      body: {
        code: unique("ENDED").slice(0, 32),
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        ends_at: "2020-01-01T00:00:00Z",
      },
    });
    expectError(
      await api("POST", "/redemptions", { key: checkout, body: order(ended.body.code) }),
      422,
      "code_expired",
    );
    await api("PATCH", `/codes/${code.id}`, { body: { active: false } });
    expectError(
      await api("POST", "/redemptions", { key: checkout, body: order(code.code) }),
      422,
      "code_inactive",
    );

    const { results } = await env.DB.prepare(
      "SELECT code, reason FROM redemption_attempts WHERE code IN (?, ?, ?, ?)",
    )
      .bind("NOPE-NOPE", code.code, later.body.code, ended.body.code)
      .all<{ code: string; reason: string }>();
    expect(results.map((r) => r.reason).sort()).toEqual(
      ["code_expired", "code_expired", "code_inactive", "code_not_found", "currency_mismatch"].sort(),
    );
    // None of them is counted.
    const counted = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversions WHERE code_id = ?")
      .bind(code.id)
      .first<{ n: number }>();
    expect(counted?.n).toBe(0);
  });

  it("is for checkout keys: admin may, influencer keys may not, and bad input is 422", async () => {
    const { code, checkout, influencer } = await setup();
    const influencerKey = await createKey("influencer", { influencer_id: influencer.id });
    expectError(
      await api("POST", "/redemptions", { key: influencerKey.key, body: order(code.code) }),
      403,
      "forbidden",
    );
    expectError(
      await api("POST", "/redemptions", { key: null, body: order(code.code) }),
      401,
      "unauthorized",
    );
    expect((await api("POST", "/redemptions", { body: order(code.code) })).status).toBe(201);
    for (const bad of [
      { amount: -1 },
      { amount: 1.5 },
      { currency: "EURO" },
      { order_id: "" },
      { extra: 1 },
    ]) {
      expectError(
        await api("POST", "/redemptions", { key: checkout, body: order(code.code, bad) }),
        422,
        "validation_failed",
      );
    }
    // Checkout keys reach nothing else.
    expectError(await api("GET", "/codes", { key: checkout }), 403, "forbidden");
  });
});

describe("a redemption's click id", () => {
  it("is stored when the redirect issued it, and refused (422, attempt kept) when it did not", async () => {
    const { code, checkout } = await setup();
    const link = await createLink();
    const location = (await follow(link.slug)).headers.get("Location") as string;
    const clickId = new URL(location).searchParams.get("sl_cid") as string;
    const real = await api("POST", "/redemptions", {
      key: checkout,
      body: order(code.code, { click_id: clickId }),
    });
    expect(real.status).toBe(201);
    expect(real.body.click_id).toBe(clickId);

    // Its time and link with other random characters: without a MAC (the unsigned format of
    // before), and with a made-up one.
    const neverIssued = `${clickId.slice(0, 29)}AbCdEf`;
    for (const forged of [neverIssued, `${neverIssued}${"0".repeat(16)}`]) {
      const body = order(code.code, { click_id: forged });
      expectError(await api("POST", "/redemptions", { key: checkout, body }), 422, "invalid_click_id");
      expect(await countOrders(body.order_id as string)).toBe(0);
      const attempt = await env.DB.prepare("SELECT reason FROM redemption_attempts WHERE order_id = ?")
        .bind(body.order_id)
        .first<{ reason: string }>();
      expect(attempt?.reason).toBe("invalid_click_id");
    }
  });
});

describe("redemption rate limits", () => {
  it("answers 429 with Retry-After once a client has tried too often, without recording anything", async () => {
    // Its guesses in one minute, however slow the machine.
    stopClock();
    const { code, checkout } = await setup();
    const customer = unique("guesser_");
    const statuses: number[] = [];
    // Fixed one-minute windows: if one ends during the test, up to 40 pass before the first 429.
    for (let i = 0; i < 41 && !statuses.includes(429); i++) {
      const res = await api("POST", "/redemptions", {
        key: checkout,
        body: order(`GUESS${i}`, { customer_id: customer }),
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expectError(res, 429, "rate_limited");
        expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
      }
    }
    const firstRefusal = statuses.indexOf(429);
    expect(firstRefusal).toBeGreaterThanOrEqual(20);
    expect(firstRefusal).toBeLessThanOrEqual(40);
    expect(statuses.slice(0, firstRefusal).every((s) => s === 404)).toBe(true);
    // Another client of the same key is not held back.
    const other = await api("POST", "/redemptions", {
      key: checkout,
      body: order(code.code, { customer_id: "someone" }),
    });
    expect(other.status).toBe(201);
    // The refused request left no attempt behind.
    const attempts = await env.DB.prepare("SELECT COUNT(*) AS n FROM redemption_attempts WHERE code = ?")
      .bind(`GUESS${firstRefusal}`)
      .first<{ n: number }>();
    expect(attempts?.n).toBe(0);
  });

  it("keeps serving other customers of the key while a guesser is throttled, however much it guesses", async () => {
    // The guesser's first refusals must stay in the minute's window through 1,250 requests.
    stopClock();
    const { code, checkout } = await setup();
    const statuses: number[] = [];
    // Twice the 600 a minute that used to throttle the whole key, sent 50 at a time: the 50 in
    // flight together may all pass before their refusals are counted.
    for (let round = 0; round < 25; round++) {
      const chunk = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api("POST", "/redemptions", {
            key: checkout,
            body: order(`GUESS${round}X${i}`, { customer_id: "guesser" }),
          }),
        ),
      );
      statuses.push(...chunk.map((r) => r.status));
    }
    const passed = statuses.filter((s) => s === 404).length;
    expect(passed).toBeGreaterThanOrEqual(20);
    expect(passed).toBeLessThanOrEqual(70);
    expect(statuses.slice(passed).every((s) => s === 429)).toBe(true);
    const other = await api("POST", "/redemptions", {
      key: checkout,
      body: order(code.code, { customer_id: "customer-b" }),
    });
    expect(other.status).toBe(201);
  }, 180_000);
});

describe("throttling guesses per buyer", () => {
  const LIMIT = 20;

  async function guesses(checkout: string, buyer: (i: number) => Record<string, unknown>, n = LIMIT) {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await api("POST", "/redemptions", { key: checkout, body: order(`NOPE${i}`, buyer(i)) });
      statuses.push(res.status);
    }
    return statuses;
  }

  // A 429's body without its number of seconds, which may tick between two requests.
  const withoutSeconds = (body: unknown) => JSON.stringify(body).replace(/\d+/g, "N");

  it("answers a buyer over the limit 429 whatever the code, so a 429 tells nothing about codes", async () => {
    // The 20 guesses in one minute, however slow the machine.
    stopClock();
    const { code, checkout } = await setup();
    const buyer = { client_ip: "203.0.113.10" };
    expect(await guesses(checkout, () => buyer)).toEqual(Array(LIMIT).fill(404));
    const valid = order(code.code, buyer);
    const answers = [
      await api("POST", "/redemptions", { key: checkout, body: order("NO-SUCH-CODE", buyer) }),
      await api("POST", "/redemptions", { key: checkout, body: valid }),
    ];
    for (const res of answers) {
      expectError(res, 429, "rate_limited");
      const wait = Number(res.headers.get("Retry-After"));
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
    }
    expect(withoutSeconds(answers[1]?.body)).toBe(withoutSeconds(answers[0]?.body));
    expect(await countOrders(valid.order_id)).toBe(0);
  });

  it("throttles a buyer who sends a new customer_id with every guess by its client_ip, an IPv6 one by its /64", async () => {
    // Its guesses in one minute, however slow the machine.
    stopClock();
    const { code, checkout } = await setup();
    for (const address of [
      (_: number) => "198.51.100.23",
      (i: number) => `2001:db8:7:8::${(i + 1).toString(16)}`,
    ]) {
      const buyer = (i: number) => ({
        customer_id: `rotating-${crypto.randomUUID()}`,
        client_ip: address(i),
      });
      expect(await guesses(checkout, buyer)).toEqual(Array(LIMIT).fill(404));
      const next = await api("POST", "/redemptions", { key: checkout, body: order(code.code, buyer(LIMIT)) });
      expectError(next, 429, "rate_limited");
    }
    // A neighbour outside that /64 is another buyer.
    const neighbour = order(code.code, { client_ip: "2001:db8:7:9::1" });
    expect((await api("POST", "/redemptions", { key: checkout, body: neighbour })).status).toBe(201);
  });

  it("puts buyers the checkout does not identify in one bucket per key: they slow each other only", async () => {
    // Its guesses in one minute, however slow the machine.
    stopClock();
    const { code, checkout } = await setup();
    const otherShop = (await createKey("checkout")).key;
    expect(await guesses(checkout, () => ({}))).toEqual(Array(LIMIT).fill(404));
    const redeem = (key: string, buyer: Record<string, unknown>) =>
      api("POST", "/redemptions", { key, body: order(code.code, buyer) });
    expectError(await redeem(checkout, {}), 429, "rate_limited");
    expect((await redeem(checkout, { customer_id: "named" })).status).toBe(201);
    expect((await redeem(checkout, { client_ip: "192.0.2.44" })).status).toBe(201);
    expect((await redeem(otherShop, {})).status).toBe(201);
  });

  it("refuses a client_ip that is no IP address (422)", async () => {
    const { code, checkout } = await setup();
    for (const client_ip of ["", "localhost", "203.0.113.300", "1.2.3.4:443"]) {
      const res = await api("POST", "/redemptions", { key: checkout, body: order(code.code, { client_ip }) });
      expectError(res, 422, "validation_failed");
    }
  });
});

// The domain answers refusals as results, so that a caller (a shop's webhook walking an order's
// codes) can decide what comes next without catching anything.
describe("redeem and recordConversion in the domain", () => {
  const db = createDb(env.DB);
  const by = { keyId: "key_domain", source: "domain" };

  it("return refusals as results, and the record with whether this call recorded it", async () => {
    const { code } = await setup();
    const sale = { orderId: `ord_${crypto.randomUUID()}`, amount: 1_000, currency: "EUR" };
    expect(await redeem(db, { ...sale, code: "NOSUCHCODE" }, by, Date.now, env.SIGNING_SECRET)).toEqual({
      outcome: "refused",
      code: "code_not_found",
      message: "No such promo code.",
    });
    const first = await redeem(db, { ...sale, code: code.code }, by, Date.now, env.SIGNING_SECRET);
    expect(first).toMatchObject({ outcome: "recorded", record: { orderId: sale.orderId, code: code.code } });
    const again = await redeem(db, { ...sale, code: code.code }, by, Date.now, env.SIGNING_SECRET);
    expect(again).toMatchObject({ outcome: "already_recorded", record: { orderId: sale.orderId } });
    const other = { ...sale, amount: 2_000, code: code.code };
    expect(await redeem(db, other, by, Date.now, env.SIGNING_SECRET)).toMatchObject({
      outcome: "refused",
      code: "order_conflict",
    });
    const lead = { type: "lead" as const, customerId: `cus_${crypto.randomUUID()}` };
    expect(await recordConversion(db, lead, by, Date.now, env.SIGNING_SECRET)).toMatchObject({
      outcome: "refused",
      code: "unattributed",
    });
    expect(
      await recordConversion(db, { ...lead, clickId: "clk_forged" }, by, Date.now, env.SIGNING_SECRET),
    ).toMatchObject({ outcome: "refused", code: "invalid_click_id" });
  });
});
