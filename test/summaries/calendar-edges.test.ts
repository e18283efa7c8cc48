import { describe, expect, it } from "vitest";
import { endOfLocalDay, startOfLocalDay } from "../../src/campaigns/time-zones";
import { enrol, order, promoCode, rollUp } from "../support/figure-helpers";
import { ADMIN, api, createCampaign, createInfluencer } from "../support/helpers";
import { PageClient } from "../support/page-client";

// The calendar's last named day, 9999-12-31, has no next day with a YYYY-MM-DD name: a period
// ending on it once sent the search for that day's end into an endless loop, and the Worker with it
// (in any zone but UTC).
describe("periods at the calendar's edges", () => {
  it("end the last day past every stored time, and find other days' ends in every zone", () => {
    for (const zone of ["UTC", "Europe/Paris", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati"]) {
      expect(endOfLocalDay("9999-12-31", zone)).toBe(Date.parse("9999-12-31T23:59:59.999Z") + 1);
      expect(endOfLocalDay("9999-12-30", zone)).toBe(startOfLocalDay("9999-12-31", zone));
      expect(startOfLocalDay("0000-01-01", zone)).toBeLessThanOrEqual(Date.parse("0000-01-02T00:00:00Z"));
    }
    expect(endOfLocalDay("9999-12-30", "Europe/Paris")).toBe(Date.parse("9999-12-30T23:00:00Z"));
  });

  it("answer every figure route and page, never hang or fail, for periods reaching them", async () => {
    const campaign = await createCampaign({ timezone: "Europe/Paris" });
    const ana = await createInfluencer();
    await enrol(campaign.id, ana.id, { fee: 100 });
    await order(await promoCode(campaign.id, ana.id), 500, "2026-12-01T12:00:00Z");
    await rollUp();

    const periods = [
      "to=9999-12-31",
      "from=2026-11-01&to=9999-12-31",
      "from=9999-12-31&to=9999-12-31",
      "from=0000-01-01&to=9999-12-31",
      "to=9999-12-31T23:59:59Z",
      "from=0000-01-01",
    ];
    const routes = [
      `/campaigns/${campaign.id}/summary`,
      `/campaigns/${campaign.id}/timeseries?interval=day`,
      `/campaigns/${campaign.id}/timeseries?interval=month`,
      `/campaigns/${campaign.id}/breakdown?by=country`,
      `/campaigns/${campaign.id}/report.csv`,
      `/influencers/${ana.id}/summary`,
    ];
    for (const route of routes) {
      for (const period of periods) {
        const res = await api("GET", `${route}${route.includes("?") ? "&" : "?"}${period}`);
        expect([200, 422], `${route} ${period}`).toContain(res.status);
      }
    }
    // A period through the last day counts everything, like all time.
    const all = await api("GET", `/campaigns/${campaign.id}/summary`);
    const through = await api("GET", `/campaigns/${campaign.id}/summary?from=2026-11-01&to=9999-12-31`);
    expect(through.body.totals).toMatchObject({ revenue: 500, conversions: 1 });
    expect(through.body.totals.revenue).toBe(all.body.totals.revenue);

    const marketer = new PageClient();
    await marketer.signIn(ADMIN);
    for (const period of periods) {
      const page = await marketer.request(`/dashboard/campaigns/${campaign.id}?${period}`);
      expect(page.status, period).toBe(200);
    }
  });
});
