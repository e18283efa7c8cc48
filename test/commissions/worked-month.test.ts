import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { enrol } from "../../src/campaigns/enrolments";
import { newClickId } from "../../src/clicks/click-id";
import { balanceOf } from "../../src/commissions/entries";
import { createPayout, markPayoutPaid } from "../../src/commissions/payouts";
import { createDb } from "../../src/db";
import { promoCode, settleLedger } from "../support/figure-helpers";
import { api, createCampaign, createInfluencer, createLink } from "../support/helpers";
import { checkout } from "../support/ledger-helpers";

// Mia's November, as docs/commissions.md works it out by hand: every figure there is checked here.
const db = createDb(env.DB);
const at = (day: number) => Date.UTC(2026, 10, day, 12);
const iso = (day: number) => new Date(at(day)).toISOString();

describe("one influencer's month, as the docs work it out", () => {
  it("books, holds, pays and takes back what docs/commissions.md says", async () => {
    const campaign = (await createCampaign({ name: "Autumn Drop" })).id as string;
    const mia = (await createInfluencer({ handle: `mia${Date.now().toString(36)}` })).id as string;
    const terms = {
      fee: 15_000,
      commissionRate: 0.1,
      commissionPerSale: 200,
      commissionPerLead: 50,
      holdingDays: 14,
    };
    await enrol(db, campaign, mia, terms, () => at(1));
    const code = await promoCode(campaign, mia);
    const link = (await createLink({ campaign_id: campaign, influencer_id: mia })).id as string;
    const key = await checkout();
    const sale = async (day: number, orderId: string, amount: number) => {
      const res = await api("POST", "/redemptions", {
        key,
        body: { code, order_id: orderId, amount, currency: "EUR", occurred_at: iso(day) },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    const refund = async (day: number, orderId: string, amount: number) => {
      const res = await api("POST", "/refunds", {
        key,
        body: { order_id: orderId, refund_id: `${orderId}-r${day}`, amount, occurred_at: iso(day) },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    const order = (n: number) => `mia-${campaign}-${n}`;
    await sale(3, order(1), 8_495);
    for (const customer of ["lead-a", "lead-b"]) {
      const res = await api("POST", "/conversions", {
        key,
        body: {
          type: "lead",
          customer_id: `${customer}-${campaign}`,
          click_id: newClickId(env.SIGNING_SECRET, link, at(5) - 60_000),
          occurred_at: iso(5),
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await sale(9, order(2), 12_000);
    await refund(12, order(2), 4_000);
    await enrol(db, campaign, mia, { fee: 20_000 }, () => at(15));
    await settleLedger();

    const balance = (day: number) => balanceOf(db, mia, () => at(day));
    expect(await balance(20)).toEqual([{ currency: "EUR", pending: 1_000, payable: 21_150, paid: 0 }]);
    const first = await createPayout(db, { currency: "EUR", minAmount: 1 }, () => at(20));
    expect(first.payout.lines.find((l) => l.influencerId === mia)).toMatchObject({
      amount: 21_150,
      entries: 5,
    });
    await markPayoutPaid(db, first.payout.id, "NOV-2026-MIA", () => at(21));

    await refund(25, order(1), 8_495);
    await settleLedger();
    expect(await balance(30)).toEqual([{ currency: "EUR", pending: 0, payable: 150, paid: 21_150 }]);
    const second = await createPayout(db, { currency: "EUR", minAmount: 1 }, () => at(30));
    expect(second.payout.lines.find((l) => l.influencerId === mia)).toMatchObject({
      amount: 150,
      entries: 3,
    });

    const entries = await api("GET", `/commissions?influencer_id=${mia}&limit=100`);
    const amounts = (entries.body.data as { kind: string; amount: number }[]).map((e) => [e.kind, e.amount]);
    expect(amounts.sort()).toEqual(
      [
        ["fee", 15_000],
        ["sale", 1_050],
        ["lead", 50],
        ["lead", 50],
        ["sale", 1_400],
        ["clawback", -400],
        ["fee", 5_000],
        ["clawback", -850],
      ].sort(),
    );
    // The summary's cost for November: the whole fee (the campaign has no dates) and the
    // commission the ledger booked in it.
    await api("POST", "/rollup");
    const summary = await api("GET", `/campaigns/${campaign}/summary?from=2026-11-01&to=2026-11-30`);
    expect(summary.body.influencers[0]).toMatchObject({ influencer_id: mia, cost: 20_000 + 1_300 });
  });
});
