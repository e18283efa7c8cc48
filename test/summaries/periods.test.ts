import { describe, expect, it } from "vitest";
import { enrol, order, post, promoCode, rollUp, snapshot } from "../support/figure-helpers";
import { api, createCampaign, createInfluencer } from "../support/helpers";

// A three-day campaign worked out by hand: a fee of 1.00 spread as 0.33, 0.33, 0.34; a commission
// of half of each sale, 3 sold on each of the first two days (each sale's entry rounds 1.5 half up
// to 2, booked on its own day); an impressions counter read at noon each day (100, 250, 400).
describe("a summary over a period of days", () => {
  it("books the period's share of the fee, its commission, and its posts' growth", async () => {
    const campaign = await createCampaign({
      starts_at: "2026-03-01T10:00:00Z",
      ends_at: "2026-03-03T09:00:00Z",
    });
    const ana = await createInfluencer();
    await enrol(campaign.id, ana.id, { fee: 100, commission_rate: 0.5 });
    const code = await promoCode(campaign.id, ana.id);
    await order(code, 3, "2026-03-01T12:00:00Z");
    await order(code, 3, "2026-03-02T12:00:00Z");
    const postId = await post(campaign.id, ana.id);
    await snapshot(postId, "2026-03-01T12:00:00Z", { impressions: 100 });
    await snapshot(postId, "2026-03-02T12:00:00Z", { impressions: 250 });
    await snapshot(postId, "2026-03-03T12:00:00Z", { impressions: 400 });
    await rollUp();

    const totals = async (query: string) =>
      (await api("GET", `/campaigns/${campaign.id}/summary${query}`)).body.totals;
    expect(await totals("?from=2026-03-01&to=2026-03-01")).toMatchObject({ cost: 33 + 2, impressions: 100 });
    expect(await totals("?from=2026-03-02&to=2026-03-02")).toMatchObject({ cost: 33 + 2, impressions: 150 });
    expect(await totals("?from=2026-03-03")).toMatchObject({ cost: 34, impressions: 150 });
    expect(await totals("?to=2026-03-02")).toMatchObject({ cost: 66 + 4, impressions: 250 });
    // Days outside the campaign book no fee; all time, everything.
    expect(await totals("?from=2026-04-01")).toMatchObject({ cost: 0, impressions: 0 });
    expect(await totals("")).toMatchObject({ cost: 100 + 4, impressions: 400 });
  });
});
