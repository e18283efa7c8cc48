import { describe, expect, it } from "vitest";
import { enrol } from "../support/figure-helpers";
import { ADMIN, createCampaign, createInfluencer } from "../support/helpers";
import { PageClient, rowOf } from "../support/page-client";

// The campaign page's list of enrolled influencers says what each one is paid: the flat fee and
// other costs in their columns, and every commission term in words (not only the rate).

const cell = (row: string, name: string) =>
  new RegExp(`<td[^>]*${name}[^>]*>([^<]*)<`).exec(row)?.[1]?.replace(/\s/g, " ");

describe("an enrolment's terms on the campaign page", () => {
  it("writes the rate, the amounts per sale and per lead and the holding days, in English and French", async () => {
    const campaign = await createCampaign();
    const terms: [Record<string, number>, string, string][] = [
      [{ commission_per_sale: 150 }, "€1.50 a sale, held 30 days", "1,50 € par vente, retenue 30 jours"],
      [
        { commission_rate: 0.1, commission_per_sale: 150, commission_per_lead: 50 },
        "10% + €1.50 a sale + €0.50 a lead, held 30 days",
        "10 % + 1,50 € par vente + 0,50 € par prospect, retenue 30 jours",
      ],
      [
        { commission_per_lead: 50, holding_days: 0 },
        "€0.50 a lead, payable at once",
        "0,50 € par prospect, payable immédiatement",
      ],
      [{ commission_rate: 0.125, holding_days: 1 }, "12.5%, held 1 day", "12,5 %, retenue 1 jour"],
      [{ fee: 50_000, other_costs: 2_000 }, "No commission", "Aucune commission"],
    ];
    const ids: string[] = [];
    for (const [body] of terms) {
      const influencer = await createInfluencer();
      await enrol(campaign.id, influencer.id, body);
      ids.push(influencer.id);
    }
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    const page = `/dashboard/campaigns/${campaign.id}`;
    const en = (await browser.request(`${page}?lang=en`)).text;
    const fr = (await browser.request(`${page}?lang=fr`)).text;
    terms.forEach(([, english, french], i) => {
      const needle = `data-enrolment="${ids[i]}"`;
      expect(cell(rowOf(en, needle), "data-terms")).toBe(english);
      expect(cell(rowOf(fr, needle), "data-terms")).toBe(french);
    });
    // The fee and other costs keep their own columns.
    const paid = rowOf(en, `data-enrolment="${ids[4]}"`);
    expect(paid).toContain("€500.00");
    expect(paid).toContain("€20.00");
    expect(en).toMatch(/<th[^>]*>Commission<\/th>/);
  });
});
