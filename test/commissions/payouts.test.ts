import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { enrol, promoCode, settleLedger } from "../support/figure-helpers";
import {
  ADMIN,
  api,
  BASE,
  createCampaign,
  createInfluencer,
  createKey,
  expectError,
} from "../support/helpers";
import { checkout, deliverEach, entriesOf, heldQueue, heldRefund } from "../support/ledger-helpers";

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

// Payouts claim what is payable at the moment they are made, in one currency of their own. Each
// test uses a currency no other test pays in, so the payouts of one cannot claim another's entries.
async function program(currency: string, handles: string[], terms: Record<string, number>) {
  const campaign = await createCampaign({ currency });
  const people = [];
  for (const handle of handles) {
    const influencer = await createInfluencer({ handle: `${handle}${Date.now().toString(36)}` });
    await enrol(campaign.id, influencer.id, terms);
    people.push({
      id: influencer.id as string,
      handle: influencer.handle as string,
      code: await promoCode(campaign.id, influencer.id),
    });
  }
  return { campaign: campaign.id as string, people };
}

async function sale(code: string, amount: number, at: string, currency: string) {
  const queue = heldQueue();
  const res = await queue.call(
    "POST",
    "/redemptions",
    { code, order_id: `o${crypto.randomUUID()}`, amount, currency, occurred_at: at },
    await checkout(),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await deliverEach(queue.take());
  return res.body.order_id as string;
}

const payoutOf = (currency: string, headers: Record<string, string> = {}, min?: number) =>
  api("POST", "/payouts", { body: { currency, ...(min === undefined ? {} : { min_amount: min }) }, headers });

describe("payouts", () => {
  it("pay what is payable, one line per influencer at or over the minimum, each entry once", async () => {
    const { people } = await program("SEK", ["ana", "ben", "cy"], { commission_rate: 0.1, holding_days: 10 });
    const [ana, ben, cy] = people as [
      (typeof people)[number],
      (typeof people)[number],
      (typeof people)[number],
    ];
    await sale(ana.code, 10_000, ago(20), "SEK"); // 1,000 payable
    await sale(ana.code, 5_000, ago(2), "SEK"); // 500 still pending
    await sale(ben.code, 3_000, ago(15), "SEK"); // 300 payable
    await sale(cy.code, 400, ago(15), "SEK"); // 40 payable, under the minimum of 100

    const first = await payoutOf("SEK", {}, 100);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ currency: "SEK", status: "draft", total: 1_300, min_amount: 100 });
    expect(first.body.id).toMatch(/^po_/);
    const lines = first.body.lines.map((l: { influencer_id: string; amount: number; entries: number }) => [
      l.influencer_id,
      l.amount,
      l.entries,
    ]);
    expect(lines.sort()).toEqual(
      [
        [ana.id, 1_000, 1],
        [ben.id, 300, 1],
      ].sort(),
    );
    // Nothing is left at that minimum: the next is refused, and claims nothing.
    expectError(await payoutOf("SEK", {}, 100), 422, "nothing_payable");
    // Cy's 40 goes in a payout that asks for less.
    const small = await payoutOf("SEK");
    expect(small.body.lines).toMatchObject([{ influencer_id: cy.id, amount: 40 }]);

    const balance = await api("GET", `/influencers/${ana.id}/balance`);
    expect(balance.body).toEqual({ balances: [{ currency: "SEK", pending: 500, payable: 1_000, paid: 0 }] });

    // The CSV for the bank: amounts in major units.
    const csv = await exports.default.fetch(`${BASE}/api/v1/payouts/${first.body.id}/lines.csv`, {
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    expect(csv.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toBe("influencer,handle,amount,currency,reference");
    expect(text).toContain(`${ana.id},${ana.handle},10.00,SEK,${first.body.id}\r\n`);
    expect(text).toContain(`${ben.id},${ben.handle},3.00,SEK,${first.body.id}\r\n`);

    const paid = await api("POST", `/payouts/${first.body.id}/paid`, { body: { reference: "SEPA-2026-11" } });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({
      status: "paid",
      reference: "SEPA-2026-11",
      paid_at: expect.any(String),
    });
    // Again: nothing changes.
    const again = await api("POST", `/payouts/${first.body.id}/paid`, { body: { reference: "other" } });
    expect(again.body).toMatchObject({ reference: "SEPA-2026-11", paid_at: paid.body.paid_at });
    expect((await api("GET", `/influencers/${ana.id}/balance`)).body.balances).toEqual([
      { currency: "SEK", pending: 500, payable: 0, paid: 1_000 },
    ]);
    const listed = await api("GET", `/commissions?influencer_id=${ana.id}&status=paid`);
    expect(listed.body.data).toMatchObject([
      { kind: "sale", amount: 1_000, status: "paid", payout_id: first.body.id },
    ]);
    expect((await api("GET", `/payouts/${first.body.id}`)).body).toMatchObject({
      status: "paid",
      total: 1_300,
    });
    const all = await api("GET", "/payouts?limit=100");
    expect(all.body.data.map((p: { id: string }) => p.id)).toEqual(
      expect.arrayContaining([first.body.id, small.body.id]),
    );
  });

  it("take back a refund of a sale already paid in the next payout", async () => {
    const { people } = await program("NOK", ["dee"], { commission_rate: 0.2, holding_days: 0 });
    const dee = people[0] as (typeof people)[number];
    const orderId = await sale(dee.code, 10_000, ago(5), "NOK");
    await sale(dee.code, 1_000, ago(4), "NOK");
    const first = await payoutOf("NOK");
    expect(first.body.total).toBe(2_200);
    await api("POST", `/payouts/${first.body.id}/paid`, { body: {} });
    // Half of the first sale refunded after it was paid: -1,000, payable at once. Alone it is owed
    // by the influencer: no payout takes it until the next sales outweigh it.
    const queue = heldQueue();
    await heldRefund(queue, orderId, 5_000, ago(1));
    await deliverEach(queue.take());
    expect((await api("GET", `/influencers/${dee.id}/balance`)).body.balances).toEqual([
      { currency: "NOK", pending: 0, payable: -1_000, paid: 2_200 },
    ]);
    expectError(await payoutOf("NOK"), 422, "nothing_payable");
    await sale(dee.code, 15_000, ago(0), "NOK");
    const next = await payoutOf("NOK");
    expect(next.body.lines).toMatchObject([{ influencer_id: dee.id, amount: 3_000 - 1_000, entries: 2 }]);
  });

  it("answer the same payout for the same Idempotency-Key, and refuse the key with another body", async () => {
    const { people } = await program("DKK", ["eli"], { commission_per_sale: 700, holding_days: 0 });
    await sale((people[0] as { code: string }).code, 1_000, ago(1), "DKK");
    const key = { "Idempotency-Key": `payout-${crypto.randomUUID()}` };
    const first = await payoutOf("DKK", key);
    expect(first.status).toBe(201);
    const repeat = await payoutOf("DKK", key);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    expectError(await payoutOf("DKK", key, 500), 409, "idempotency_conflict");
  });

  it("put an entry in at most one payout when payouts are made at the same moment", async () => {
    const { people } = await program("PLN", ["fay", "gus", "hal"], {
      commission_rate: 0.05,
      holding_days: 0,
    });
    for (const [i, person] of people.entries()) {
      for (let n = 0; n < 4; n++) await sale(person.code, 1_000 * (i + 1) + n, ago(1), "PLN");
    }
    const expected = (await Promise.all(people.map((p) => entriesOf(p.id)))).flat();
    expect(expected).toHaveLength(12);
    // Ten at once, two of them retrying with one key.
    const key = { "Idempotency-Key": `race-${crypto.randomUUID()}` };
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, n) => payoutOf("PLN", n < 2 ? key : {})),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(
      statuses.every((s) => [200, 201, 422].includes(s)),
      JSON.stringify(statuses),
    ).toBe(true);
    const made = answers.find((a) => a.status === 201)?.body as { id: string; total: number };
    const total = expected.reduce((sum, e) => sum + e.amount, 0);
    expect(made.total).toBe(total);
    const rows = (await Promise.all(people.map((p) => entriesOf(p.id)))).flat();
    expect(new Set(rows.map((r) => r.payout_id))).toEqual(new Set([made.id]));
    const { results } = await env.DB.prepare("SELECT COUNT(*) AS n FROM payouts WHERE currency = 'PLN'").all<{
      n: number;
    }>();
    expect(results[0]?.n).toBe(1);
  });

  it("show an influencer key its own entries and balance, nobody else's", async () => {
    const { campaign, people } = await program("CZK", ["ivy", "jon"], {
      commission_rate: 0.1,
      holding_days: 0,
    });
    const [ivy, jon] = people as [(typeof people)[number], (typeof people)[number]];
    await sale(ivy.code, 1_000, ago(1), "CZK");
    await sale(jon.code, 2_000, ago(1), "CZK");
    await settleLedger();
    const key = (await createKey("influencer", { influencer_id: ivy.id })).key;
    const own = await api("GET", `/me/commissions?influencer_id=${jon.id}`, { key });
    expect(own.status).toBe(200);
    expect(own.body.data).toMatchObject([
      { influencer_id: ivy.id, campaign_id: campaign, amount: 100, status: "payable" },
    ]);
    expect((await api("GET", "/me/balance", { key })).body).toEqual({
      balances: [{ currency: "CZK", pending: 0, payable: 100, paid: 0 }],
    });
    expectError(await api("GET", `/influencers/${jon.id}/balance`, { key }), 403, "forbidden");
    expectError(await api("GET", "/commissions", { key }), 403, "forbidden");
    expectError(await api("POST", "/payouts", { key, body: { currency: "CZK" } }), 403, "forbidden");
  });

  it("answer 404 for a payout that does not exist, and 422 for a bad body", async () => {
    expectError(await api("GET", "/payouts/po_nope"), 404, "payout_not_found");
    expectError(await api("POST", "/payouts/po_nope/paid", { body: {} }), 404, "payout_not_found");
    expectError(await api("POST", "/payouts", { body: { currency: "EURO" } }), 422, "validation_failed");
    expectError(
      await api("POST", "/payouts", { body: { currency: "EUR", min_amount: 0 } }),
      422,
      "validation_failed",
    );
  });
});
