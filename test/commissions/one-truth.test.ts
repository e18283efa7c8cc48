import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newClickId } from "../../src/clicks/click-id";
import { enrol, order, promoCode, refund, rollUp } from "../support/figure-helpers";
import { api, createCampaign, createInfluencer, createKey, createLink, unique } from "../support/helpers";

// The summary's cost and the payouts come from the same entries: all time, an influencer's cost
// is the fee and other costs plus exactly the sum of the ledger's sale, lead and clawback entries.
describe("one truth for cost and commissions", () => {
  it("makes the summary's commission the sum of the ledger's entries", async () => {
    const campaign = await createCampaign();
    const terms = [
      {
        fee: 20_000,
        other_costs: 1_500,
        commission_rate: 0.125,
        commission_per_sale: 99,
        commission_per_lead: 40,
      },
      { fee: 0, other_costs: 0, commission_rate: 0.333, commission_per_sale: 0, commission_per_lead: 0 },
    ];
    const checkout = (await createKey("checkout")).key;
    const people: string[] = [];
    for (const t of terms) {
      const id = (await createInfluencer()).id as string;
      people.push(id);
      await enrol(campaign.id, id, { ...t, holding_days: 7 });
      const code = await promoCode(campaign.id, id);
      const link = await createLink({ campaign_id: campaign.id, influencer_id: id });
      for (const [n, amount] of [1_001, 2_503, 7, 99_999].entries()) {
        const orderId = await order(code, amount, new Date(Date.now() - (n + 1) * 3_600_000).toISOString());
        // Partial refunds, one of them the whole remainder: their shares, rounded each, may pass
        // the sale's own share, and are capped there.
        if (n % 2 === 0) {
          await refund(orderId, Math.ceil(amount / 3), new Date().toISOString());
          await refund(orderId, amount - Math.ceil(amount / 3), new Date().toISOString());
        }
      }
      for (let n = 0; n < 3; n++) {
        const lead = await api("POST", "/conversions", {
          key: checkout,
          body: {
            type: "lead",
            customer_id: unique("lead"),
            click_id: newClickId(env.SIGNING_SECRET, link.id, Date.now() - 60_000 - n),
          },
        });
        expect(lead.status, JSON.stringify(lead.body)).toBe(201);
      }
    }
    await rollUp();

    const summary = await api("GET", `/campaigns/${campaign.id}/summary`);
    let ledgerTotal = 0;
    let fixedTotal = 0;
    for (const [i, id] of people.entries()) {
      const t = terms[i] as (typeof terms)[number];
      const listed = await api(
        "GET",
        `/commissions?campaign_id=${campaign.id}&influencer_id=${id}&limit=100`,
      );
      const earned = (listed.body.data as { kind: string; amount: number }[])
        .filter((e) => e.kind !== "fee")
        .reduce((sum, e) => sum + e.amount, 0);
      expect(earned).not.toBe(0);
      const row = summary.body.influencers.find((r: { influencer_id: string }) => r.influencer_id === id);
      expect(row.cost - t.fee - t.other_costs, id).toBe(earned);
      ledgerTotal += earned;
      fixedTotal += t.fee + t.other_costs;
    }
    expect(summary.body.totals.cost).toBe(fixedTotal + ledgerTotal);
  });
});
