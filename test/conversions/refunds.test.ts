import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordRefund } from "../../src/conversions/refunds";
import { createDb } from "../../src/db";
import { api, createCampaign, createInfluencer, createKey, expectError, unique } from "../support/helpers";

async function orderOf(amount: number) {
  const campaign = await createCampaign();
  const influencer = await createInfluencer();
  const code = await api("POST", "/codes", {
    body: { code: unique("RF").slice(0, 32), campaign_id: campaign.id, influencer_id: influencer.id },
  });
  const checkout = (await createKey("checkout")).key;
  const orderId = `ord_${crypto.randomUUID()}`;
  const res = await api("POST", "/redemptions", {
    key: checkout,
    body: { code: code.body.code, order_id: orderId, amount, currency: "EUR" },
  });
  expect(res.status).toBe(201);
  return { orderId, checkout, conversion: res.body };
}

async function refunded(orderId: string) {
  const row = await env.DB.prepare(
    "SELECT COALESCE(SUM(amount), 0) AS total, COUNT(*) AS n FROM refunds WHERE order_id = ?",
  )
    .bind(orderId)
    .first<{ total: number; n: number }>();
  return row;
}

describe("POST /refunds", () => {
  it("takes partial refunds off an order, attributed like the order", async () => {
    const { orderId, checkout, conversion } = await orderOf(10_000);
    const first = await api("POST", "/refunds", {
      key: checkout,
      body: { order_id: orderId, refund_id: "r1", amount: 2_500 },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      refund_id: "r1",
      order_id: orderId,
      conversion_id: conversion.id,
      campaign_id: conversion.campaign_id,
      influencer_id: conversion.influencer_id,
      amount: 2_500,
      currency: "EUR",
    });
    expect(first.body.id).toMatch(/^rfd_/);
    const rest = await api("POST", "/refunds", {
      key: checkout,
      body: { order_id: orderId, refund_id: `${orderId}-r2`, amount: 7_500 },
    });
    expect(rest.status).toBe(201);
    expectError(
      await api("POST", "/refunds", {
        key: checkout,
        body: { order_id: orderId, refund_id: `${orderId}-r3`, amount: 1 },
      }),
      422,
      "refund_exceeds_order",
    );
    expect(await refunded(orderId)).toEqual({ total: 10_000, n: 2 });
  });

  it("counts a replayed refund_id once; another body for it is 409", async () => {
    const { orderId, checkout } = await orderOf(5_000);
    const body = { order_id: orderId, refund_id: `${orderId}-once`, amount: 1_000 };
    const first = await api("POST", "/refunds", { key: checkout, body });
    const replay = await api("POST", "/refunds", { key: checkout, body });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expectError(
      await api("POST", "/refunds", { key: checkout, body: { ...body, amount: 2_000 } }),
      409,
      "refund_conflict",
    );
    expect(await refunded(orderId)).toEqual({ total: 1_000, n: 1 });
  });

  it("makes racing deliveries of one refund one row: one 201, the others its replay", async () => {
    const { orderId, checkout } = await orderOf(5_000);
    const body = { order_id: orderId, refund_id: `${orderId}-race`, amount: 1_200 };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => api("POST", "/refunds", { key: checkout, body })),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual(created[0]?.body);
    }
    expect(await refunded(orderId)).toEqual({ total: 1_200, n: 1 });
  });

  it("never goes past the order's amount under concurrent refunds", async () => {
    const { orderId, checkout } = await orderOf(1_000);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api("POST", "/refunds", {
          key: checkout,
          body: { order_id: orderId, refund_id: `${orderId}-c${i}`, amount: 300 },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of results.filter((r) => r.status !== 201)) expectError(r, 422, "refund_exceeds_order");
    expect(await refunded(orderId)).toEqual({ total: 900, n: 3 });
  });

  it("answers 404 for an unknown order and 422 for bad amounts", async () => {
    const { orderId, checkout } = await orderOf(1_000);
    expectError(
      await api("POST", "/refunds", {
        key: checkout,
        body: { order_id: "ord_unknown", refund_id: "x1", amount: 1 },
      }),
      404,
      "order_not_found",
    );
    for (const amount of [0, -5, 1.5, "10"]) {
      expectError(
        await api("POST", "/refunds", {
          key: checkout,
          body: { order_id: orderId, refund_id: "x2", amount },
        }),
        422,
        "validation_failed",
      );
    }
    expect(await refunded(orderId)).toEqual({ total: 0, n: 0 });
  });
});

describe("a running total of refunds (Stripe's amount_refunded)", () => {
  const db = createDb(env.DB);
  const by = { keyId: "key_test", source: "default" };
  const record = (orderId: string, total: number) =>
    recordRefund(
      db,
      { orderId, refundId: `stripe:${orderId}:${total}`, amount: total, runningTotal: true },
      by,
      Date.now,
    );

  it("records what each total adds: a replay answers the same, an older total adds nothing", async () => {
    const { orderId } = await orderOf(10_000);
    const first = await record(orderId, 1_000);
    expect(first).toMatchObject({
      outcome: "recorded",
      record: { refundId: `stripe:${orderId}:1000`, amount: 1_000 },
    });
    expect(await record(orderId, 1_000)).toEqual({
      outcome: "already_recorded",
      record: first.outcome === "recorded" ? first.record : null,
    });
    expect(await record(orderId, 4_000)).toMatchObject({
      outcome: "recorded",
      record: { refundId: `stripe:${orderId}:4000`, amount: 3_000 },
    });
    expect(await record(orderId, 2_500)).toEqual({ outcome: "nothing_new" });
    expect(await refunded(orderId)).toEqual({ total: 4_000, n: 2 });
  });

  it("counts racing totals once: what was recorded sums to the largest", async () => {
    const { orderId } = await orderOf(10_000);
    const totals = [3_000, 1_000, 3_000, 2_000, 6_000, 1_000, 6_000, 4_500];
    const results = await Promise.all(totals.map((total) => record(orderId, total)));
    const added = results.flatMap((r) => (r.outcome === "recorded" ? [r.record.amount] : []));
    expect(added.reduce((sum, amount) => sum + amount, 0)).toBe(6_000);
    expect(await refunded(orderId)).toMatchObject({ total: 6_000 });
  });

  it("never takes an order past its amount, other refunds included, and needs a known order", async () => {
    const { orderId, checkout } = await orderOf(1_000);
    const other = await api("POST", "/refunds", {
      key: checkout,
      body: { order_id: orderId, refund_id: `${orderId}-api`, amount: 400 },
    });
    expect(other.status).toBe(201);
    // The running total counts the API's refund of the same order as part of what it holds.
    expect(await record(orderId, 1_100)).toMatchObject({ outcome: "refused", code: "refund_exceeds_order" });
    expect(await record(orderId, 1_000)).toMatchObject({ outcome: "recorded", record: { amount: 600 } });
    expect(await refunded(orderId)).toEqual({ total: 1_000, n: 2 });
    expect(await record("ord_unknown", 100)).toMatchObject({ outcome: "refused", code: "order_not_found" });
  });
});
