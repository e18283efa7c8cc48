import { createScheduledController } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/crypto";
import { type RehashReport, rehashStoredEmails } from "../../src/customers/rehash-emails";
import worker from "../../workers/index";
import {
  api,
  BASE,
  createCampaign,
  createInfluencer,
  createKey,
  createLink,
  follow,
  unique,
  uniqueNumber,
} from "../support/helpers";

// Emails are never stored: an email sent as a customer id (by the API or by a shop's webhook) is
// stored as a keyed hash, found again by the same email however it is spelled, and rows stored
// before that are rewritten by the scheduled worker. Every console call is captured (the Worker
// runs in this test's isolate), so the logs are searched too.

const logs: string[] = [];
beforeAll(() => {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
});
afterAll(() => vi.restoreAllMocks());

// A fresh address, and the ways a shop may spell it.
const newEmail = () => `${unique("buyer.")}@Example.COM`;

// All of D1 as one text, to search for an address.
async function everything(): Promise<string> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  const dumps = await env.DB.batch(results.map((t) => env.DB.prepare(`SELECT * FROM "${t.name}"`)));
  return JSON.stringify(dumps.map((d) => d.results)).toLowerCase();
}

async function expectNowhere(emails: string[]) {
  // The spy does see the Worker's lines: the queue consumer's, once it has taken the events.
  await vi.waitUntil(() => logs.some((l) => l.includes('"events_written"')), { timeout: 30_000 });
  const stored = await everything();
  const logged = logs.join("\n").toLowerCase();
  for (const email of emails) {
    // The part before the @ is unique to this test: no spelling of the address survives.
    const local = (email.split("@")[0] as string).trim().toLowerCase();
    expect(stored.includes(local), `${email} found in D1`).toBe(false);
    expect(logged.includes(local), `${email} found in the logs`).toBe(false);
  }
}

const customerOf = (orderId: string) =>
  env.DB.prepare("SELECT customer_id FROM conversions WHERE order_id = ?")
    .bind(orderId)
    .first<{ customer_id: string }>();

async function clickId(slug: string) {
  const res = await follow(slug);
  return new URL(res.headers.get("Location") as string).searchParams.get("sl_cid") as string;
}

async function stripeDelivery(session: Record<string, unknown>) {
  const payload = JSON.stringify({
    id: `evt_${crypto.randomUUID()}`,
    type: "checkout.session.completed",
    data: { object: { id: `cs_${crypto.randomUUID()}`, amount_total: 2500, currency: "eur", ...session } },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", "whsec_test_secret").update(`${t}.${payload}`).digest("hex");
  const res = await exports.default.fetch(`${BASE}/api/v1/webhooks/stripe`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": `t=${t},v1=${v1}` },
    body: payload,
  });
  return (await res.json()) as Record<string, unknown>;
}

async function shopifyDelivery(order: Record<string, unknown>) {
  const body = JSON.stringify({ total_price: "25.00", currency: "EUR", ...order });
  const res = await exports.default.fetch(`${BASE}/api/v1/webhooks/shopify`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/paid",
      "X-Shopify-Webhook-Id": crypto.randomUUID(),
      "X-Shopify-Hmac-Sha256": createHmac("sha256", "test-shopify-secret").update(body).digest("base64"),
    },
    body,
  });
  return (await res.json()) as Record<string, unknown>;
}

const HASHED = /^em_[0-9a-f]{64}$/;

describe("customer emails", () => {
  it("stores an email from POST /conversions hashed, and a sale by the same email finds the lead", async () => {
    const checkout = (await createKey("checkout")).key;
    const link = await createLink();
    const email = newEmail();
    const lead = { type: "lead", customer_id: `  ${email} `, click_id: await clickId(link.slug) };
    const led = await api("POST", "/conversions", { key: checkout, body: lead });
    expect(led.status, JSON.stringify(led.body)).toBe(201);
    expect(led.body.customer_id).toMatch(HASHED);
    // The same request again: the same answer.
    expect(await api("POST", "/conversions", { key: checkout, body: lead })).toMatchObject({
      status: 200,
      body: led.body,
    });

    // No click: only the customer, spelled otherwise, can attribute the sale.
    const sale = {
      type: "sale",
      customer_id: email.toLowerCase(),
      order_id: unique("o"),
      amount: 3100,
      currency: "EUR",
    };
    const sold = await api("POST", "/conversions", { key: checkout, body: sale });
    expect(sold.status, JSON.stringify(sold.body)).toBe(201);
    expect(sold.body).toMatchObject({
      attribution: "customer",
      influencer_id: link.influencer_id,
      customer_id: led.body.customer_id,
    });
    expect(await api("POST", "/conversions", { key: checkout, body: sale })).toMatchObject({
      status: 200,
      body: sold.body,
    });
    // Another address is another customer.
    const stranger = { ...sale, customer_id: newEmail(), order_id: unique("o") };
    expect((await api("POST", "/conversions", { key: checkout, body: stranger })).status).toBe(422);
    await expectNowhere([email, stranger.customer_id]);
  });

  it("stores an email from POST /redemptions hashed, and answers its replay 200 with the same body", async () => {
    const link = await createLink();
    const code = unique("MAIL").toUpperCase().slice(0, 32);
    await api("POST", "/codes", {
      body: { code, campaign_id: link.campaign_id, influencer_id: link.influencer_id },
    });
    const checkout = (await createKey("checkout")).key;
    const email = newEmail();
    const body = { code, order_id: unique("o"), amount: 1800, currency: "EUR", customer_id: email };
    const first = await api("POST", "/redemptions", { key: checkout, body });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.customer_id).toMatch(HASHED);
    expect((await customerOf(body.order_id))?.customer_id).toBe(first.body.customer_id);
    expect(await api("POST", "/redemptions", { key: checkout, body })).toMatchObject({
      status: 200,
      body: first.body,
    });
    // What decides "the same request" is the customer, not how the address was typed.
    const respelled = { ...body, customer_id: email.toUpperCase() };
    expect(await api("POST", "/redemptions", { key: checkout, body: respelled })).toMatchObject({
      status: 200,
      body: first.body,
    });
    await expectNowhere([email]);
  });

  it("stores the email of a Stripe session and of a Shopify order hashed, the same hash as the API's", async () => {
    const link = await createLink();
    const email = newEmail();
    const checkout = (await createKey("checkout")).key;
    const lead = await api("POST", "/conversions", {
      key: checkout,
      body: { type: "lead", customer_id: email, click_id: await clickId(link.slug) },
    });
    expect(lead.status).toBe(201);

    const paymentIntent = `pi_${crypto.randomUUID()}`;
    const stripe = await stripeDelivery({
      payment_intent: paymentIntent,
      customer_details: { email: email.toUpperCase() },
      client_reference_id: await clickId(link.slug),
    });
    expect(stripe).toMatchObject({ outcome: "recorded" });
    expect((await customerOf(paymentIntent))?.customer_id).toBe(lead.body.customer_id);

    const orderId = uniqueNumber();
    const shopify = await shopifyDelivery({
      id: orderId,
      email: ` ${email}`,
      landing_site: `/p?sl_cid=${await clickId(link.slug)}`,
    });
    expect(shopify).toMatchObject({ outcome: "recorded" });
    expect((await customerOf(String(orderId)))?.customer_id).toBe(lead.body.customer_id);
    await expectNowhere([email]);
  });
});

describe("emails stored before they were hashed", () => {
  it("are rewritten by the scheduled worker, the earliest lead of each customer keeping the hash", async () => {
    const campaign = await createCampaign();
    const ana = await createInfluencer();
    const ben = await createInfluencer();
    for (const influencer of [ana, ben]) {
      await api("PUT", `/campaigns/${campaign.id}/influencers/${influencer.id}`, { body: {} });
    }
    const checkout = (await createKey("checkout")).key;
    const email = newEmail();
    const other = newEmail();
    const DAY = 86_400_000;
    const now = Date.now();
    // Rows as the code before this change wrote them: the address as sent.
    const raw = (id: string, type: string, influencer: string, customer: string, at: number) =>
      env.DB.prepare(
        `INSERT INTO conversions (id, type, order_id, campaign_id, influencer_id, attribution, customer_id, amount,
                                  currency, occurred_at, request_hash, key_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'customer', ?6, ?7, ?8, ?9, 'legacy', 'test', ?9)`,
      ).bind(
        id,
        type,
        type === "sale" ? unique("o") : null,
        campaign.id,
        influencer,
        customer,
        type === "sale" ? 500 : null,
        type === "sale" ? "EUR" : null,
        at,
      );
    const ids = {
      first: unique("cnv_"),
      respelled: unique("cnv_"),
      sale: unique("cnv_"),
      other: unique("cnv_"),
    };
    await env.DB.batch([
      // Ana's lead came first; the same customer, typed otherwise, led again through Ben.
      raw(ids.first, "lead", ana.id, email, now - 3 * DAY),
      raw(ids.respelled, "lead", ben.id, ` ${email.toUpperCase()}`, now - 2 * DAY),
      raw(ids.sale, "sale", ana.id, email, now - DAY),
      raw(ids.other, "lead", ben.id, other, now - DAY),
    ]);
    // An order by code recorded then, with the hash of its request as it was sent.
    const code = unique("OLD").toUpperCase().slice(0, 32);
    const promo = await api("POST", "/codes", {
      body: { code, campaign_id: campaign.id, influencer_id: ana.id },
    });
    const order = { code, order_id: unique("o"), amount: 1800, currency: "EUR", customer_id: email };
    await env.DB.prepare(
      `INSERT INTO conversions (id, type, order_id, campaign_id, influencer_id, attribution, code_id, code, customer_id,
                                amount, currency, occurred_at, request_hash, key_id, created_at)
       VALUES (?1, 'sale', ?2, ?3, ?4, 'code', ?5, ?6, ?7, 1800, 'EUR', ?8, ?9, 'test', ?8)`,
    )
      .bind(
        unique("red_"),
        order.order_id,
        campaign.id,
        ana.id,
        promo.body.id,
        code,
        email,
        now - DAY,
        sha256Hex(JSON.stringify(["redemption", code, order.order_id, 1800, "EUR", email, null, null])),
      )
      .run();
    // Since the change, the same customer led again through Ben: that lead is stored hashed.
    const hashedLead = await api("POST", "/conversions", {
      key: checkout,
      body: {
        type: "lead",
        customer_id: email,
        click_id: await clickId((await createLink({ campaign_id: campaign.id, influencer_id: ben.id })).slug),
      },
    });
    expect(hashedLead.status, JSON.stringify(hashedLead.body)).toBe(201);
    const hash = hashedLead.body.customer_id as string;
    expect(hash).toMatch(HASHED);

    // Run after run of the real scheduled handler, until the sweep has passed these rows.
    let scheduledTime = Date.UTC(2027, 0, 1);
    const left = async () =>
      (
        await env.DB.prepare("SELECT COUNT(*) AS n FROM conversions WHERE customer_id LIKE '%@%'").first<{
          n: number;
        }>()
      )?.n;
    for (let run = 0; run < 5 && (await left()) !== 0; run++) {
      scheduledTime += 5 * 60_000;
      await worker.scheduled(createScheduledController({ scheduledTime, cron: "*/5 * * * *" }), env);
      const job = await env.DB.prepare("SELECT status, detail FROM job_runs WHERE scheduled_at = ?")
        .bind(scheduledTime)
        .first<{ status: string; detail: string }>();
      expect(job?.status, job?.detail).toBe("ok");
    }
    expect(await left()).toBe(0);
    await expectNowhere([email, other]);

    const rows = new Map(
      (
        await env.DB.prepare("SELECT id, customer_id FROM conversions WHERE campaign_id = ?")
          .bind(campaign.id)
          .all<{ id: string; customer_id: string }>()
      ).results.map((r) => [r.id, r.customer_id]),
    );
    expect(rows.get(ids.first)).toBe(hash);
    expect(rows.get(ids.sale)).toBe(hash);
    // The later leads of the customer stay counted, named apart, where no lookup finds them.
    expect(rows.get(ids.respelled)).toBe(`${hash}:${ids.respelled}`);
    expect(rows.get(hashedLead.body.id)).toBe(`${hash}:${hashedLead.body.id}`);
    expect(rows.get(ids.other)).toMatch(HASHED);
    expect(rows.size).toBe(6);

    // The customer's next sale, by the address, goes to the earliest lead: Ana's.
    const sale = await api("POST", "/conversions", {
      key: checkout,
      body: { type: "sale", customer_id: email, order_id: unique("o"), amount: 900, currency: "EUR" },
    });
    expect(sale.body).toMatchObject({ attribution: "customer", influencer_id: ana.id, customer_id: hash });
    // A lead by the address is the one the customer already has.
    const again = await api("POST", "/conversions", {
      key: checkout,
      body: {
        type: "lead",
        customer_id: email.toLowerCase(),
        click_id: await clickId((await createLink({ campaign_id: campaign.id, influencer_id: ben.id })).slug),
      },
    });
    expect(again).toMatchObject({ status: 200, body: { id: ids.first } });

    // The order's replay, the same request as then: still the same order, now under the hash.
    const replay = await api("POST", "/redemptions", { key: checkout, body: order });
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    expect(replay.body).toMatchObject({ order_id: order.order_id, influencer_id: ana.id, customer_id: hash });

    // Nothing left: a further run rewrites nothing.
    const before = JSON.stringify([...rows]);
    scheduledTime += 5 * 60_000;
    await worker.scheduled(createScheduledController({ scheduledTime, cron: "*/5 * * * *" }), env);
    const after = (
      await env.DB.prepare(
        "SELECT id, customer_id FROM conversions WHERE campaign_id = ? AND id IN (?, ?, ?, ?)",
      )
        .bind(campaign.id, ids.first, ids.respelled, ids.sale, ids.other)
        .all<{ id: string; customer_id: string }>()
    ).results;
    for (const row of after) expect(JSON.parse(before)).toContainEqual([row.id, row.customer_id]);
  });

  it("reads a bounded stretch of conversions per run, each run going on from where the last stopped", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const start = await env.DB.prepare("SELECT MAX(rowid) AS r FROM conversions").first<{ r: number }>();
    const emails = Array.from({ length: 5 }, newEmail);
    await env.DB.batch(
      emails.map((email, i) =>
        env.DB.prepare(
          `INSERT INTO conversions (id, type, order_id, campaign_id, influencer_id, attribution, customer_id, amount,
                                    currency, occurred_at, request_hash, key_id, created_at)
           VALUES (?1, 'sale', ?1, ?2, ?3, 'customer', ?4, 100, 'EUR', ?5, 'legacy', 'test', ?5)`,
        ).bind(unique(`o${i}`), campaign.id, influencer.id, email, Date.now()),
      ),
    );
    let report: RehashReport = { scanned: 0, rehashed: 0, next_rowid: start?.r ?? 0 };
    const reports: RehashReport[] = [];
    for (let run = 0; run < 3; run++) {
      report = await rehashStoredEmails(env.DB, env.SIGNING_SECRET, { scanRows: 2, batchRows: 1 }, report);
      reports.push(report);
    }
    expect(reports.map((r) => [r.scanned, r.rehashed])).toEqual([
      [2, 2],
      [2, 2],
      [1, 1],
    ]);
    // Past the last row, the next run starts over.
    expect(report.next_rowid).toBe(0);
    await expectNowhere(emails);
  });
});
