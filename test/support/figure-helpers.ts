import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { catchUpLedger } from "../../src/commissions/ledger";
import { api, createKey, unique } from "./helpers";

// Figures at chosen instants, through the real routes: orders by promo code (POST /redemptions,
// whose occurred_at may lie in the past), refunds, post snapshots and costs.

let checkoutKey: string | undefined;
async function checkout() {
  checkoutKey ??= (await createKey("checkout")).key;
  return checkoutKey;
}

export async function enrol(campaignId: string, influencerId: string, costs: Record<string, number> = {}) {
  const res = await api("PUT", `/campaigns/${campaignId}/influencers/${influencerId}`, { body: costs });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

export async function promoCode(campaignId: string, influencerId: string): Promise<string> {
  const code = unique("C").toUpperCase().replaceAll(".", "").slice(0, 32);
  const res = await api("POST", "/codes", {
    body: { code, campaign_id: campaignId, influencer_id: influencerId },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return code;
}

// An order of `amount` minor units placed at `at`; returns its order id.
export async function order(code: string, amount: number, at: string, currency = "EUR") {
  const orderId = unique("ord");
  const res = await api("POST", "/redemptions", {
    key: await checkout(),
    body: { code, order_id: orderId, amount, currency, occurred_at: at },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return orderId;
}

export async function refund(orderId: string, amount: number, at: string) {
  const res = await api("POST", "/refunds", {
    key: await checkout(),
    body: { order_id: orderId, refund_id: unique("rf"), amount, occurred_at: at },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

export async function post(campaignId: string, influencerId: string): Promise<string> {
  const res = await api("POST", "/posts", {
    body: {
      campaign_id: campaignId,
      influencer_id: influencerId,
      url: `https://ig.example/p/${unique("p")}`,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export async function snapshot(postId: string, at: string, figures: Record<string, number>) {
  const res = await api("POST", `/posts/${postId}/metrics`, { body: { captured_at: at, ...figures } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

// The figures as a cron tick leaves them: the rollup, then the commission ledger's catch-up (the
// queue usually derived the entries already; this makes sure, whatever the queue's timing).
export async function rollUp() {
  expect((await api("POST", "/rollup")).status).toBe(200);
  await settleLedger();
}

export async function settleLedger() {
  for (;;) {
    const report = await catchUpLedger(env.DB, Date.now());
    if (Object.values(report).every((source) => source.caught_up)) return;
  }
}

// The test's own local day of an instant: Intl's en-CA format is YYYY-MM-DD.
export const ownDay = (at: string | number, zone: string) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(at));
