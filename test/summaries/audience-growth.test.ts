import { describe, expect, it } from "vitest";
import { ADMIN, api, createInfluencer } from "../support/helpers";
import { PageClient } from "../support/page-client";

const tile = (html: string, metric: string) =>
  new RegExp(`data-metric="${metric}"><dt>([^<]*)</dt><dd>([^<]*)</dd>`).exec(html)?.slice(1);

// Two influencers in a Tokyo campaign (UTC+9, so a local day starts at 15:00 UTC the day before),
// each with a snapshot before the period 2026-03-10..12, two inside and one after.
async function audienceCampaign() {
  const campaign = (
    await api("POST", "/campaigns", {
      body: { name: "Growth", objective: "awareness", currency: "JPY", timezone: "Asia/Tokyo" },
    })
  ).body;
  const ana = await createInfluencer({ followers: 1_000 });
  const ben = await createInfluencer({ followers: 300 });
  const snapshots: [string, number, string][] = [
    [ana.id, 1_200, "2026-03-09T14:00:00Z"], // 03-09 23:00 in Tokyo: before
    [ana.id, 1_300, "2026-03-09T16:00:00Z"], // 03-10 01:00: inside
    [ana.id, 1_500, "2026-03-12T11:00:00Z"], // 03-12 20:00: inside
    [ana.id, 2_000, "2026-03-12T16:00:00Z"], // 03-13 01:00: after (still the 12th in UTC)
    [ben.id, 400, "2026-03-01T00:00:00Z"],
    [ben.id, 500, "2026-03-11T03:00:00Z"],
    [ben.id, 650, "2026-03-12T00:00:00Z"],
    [ben.id, 900, "2026-03-14T12:00:00Z"],
  ];
  for (const [id, count, capturedAt] of snapshots) {
    const res = await api("POST", `/influencers/${id}/followers`, {
      body: { count, captured_at: capturedAt },
    });
    expect(res.status).toBe(201);
  }
  for (const id of [ana.id, ben.id]) {
    await api("PUT", `/campaigns/${campaign.id}/influencers/${id}`, { body: {} });
  }
  return { campaign, ana, ben };
}

describe("audience growth", () => {
  it("counts the followers gained within a period of local days, per influencer and in total", async () => {
    const { campaign, ana, ben } = await audienceCampaign();
    const res = await api("GET", `/campaigns/${campaign.id}/summary?from=2026-03-10&to=2026-03-12`);
    expect(res.status).toBe(200);
    // Ana: 1,500 at the end of the 12th minus 1,200 before the 10th; Ben: 650 - 400.
    expect(res.body.totals).toMatchObject({ followers_gained: 550, follower_growth_rate: 550 / 1_600 });
    const row = (id: string) =>
      res.body.influencers.find((r: { influencer_id: string }) => r.influencer_id === id);
    expect(row(ana.id)).toMatchObject({ followers_gained: 300, follower_growth_rate: 300 / 1_200 });
    expect(row(ben.id)).toMatchObject({ followers_gained: 250, follower_growth_rate: 250 / 400 });

    // The whole campaign: from each influencer's `followers` (no snapshot precedes an open start).
    const whole = (await api("GET", `/campaigns/${campaign.id}/summary`)).body;
    expect(whole.totals).toMatchObject({
      followers_gained: 1_000 + 600,
      follower_growth_rate: 1_600 / 1_300,
    });
    const influencer = (await api("GET", `/influencers/${ana.id}/summary?from=2026-03-10&to=2026-03-12`))
      .body;
    expect(influencer.totals.followers_gained).toBe(300);

    // A period with no snapshot gains nothing; a rate over no audience is null.
    const quiet = (await api("GET", `/campaigns/${campaign.id}/summary?from=2026-02-01&to=2026-02-02`)).body;
    expect(quiet.totals).toMatchObject({ followers_gained: 0, follower_growth_rate: 0 });
  });

  it("gives each interval of a timeseries its own gain, adding up to the range's", async () => {
    const { campaign } = await audienceCampaign();
    const days = (
      await api("GET", `/campaigns/${campaign.id}/timeseries?interval=day&from=2026-03-08&to=2026-03-14`)
    ).body;
    const gained = Object.fromEntries(
      days.points.map((p: { date: string; followers_gained: number }) => [p.date, p.followers_gained]),
    );
    expect(gained).toEqual({
      "2026-03-08": 0,
      "2026-03-09": 200, // Ana's snapshot before the summary's period, from her 1,000
      "2026-03-10": 100,
      "2026-03-11": 100,
      "2026-03-12": 350,
      "2026-03-13": 500,
      "2026-03-14": 250,
    });
    expect(days.points[2]).toMatchObject({ date: "2026-03-10", follower_growth_rate: 100 / 1_600 });
    const summary = (await api("GET", `/campaigns/${campaign.id}/summary?from=2026-03-08&to=2026-03-14`))
      .body;
    const sum = (points: { followers_gained: number }[]) =>
      points.reduce((a, p) => a + p.followers_gained, 0);
    expect(sum(days.points)).toBe(summary.totals.followers_gained);
    const weeks = (
      await api("GET", `/campaigns/${campaign.id}/timeseries?interval=week&from=2026-03-08&to=2026-03-14`)
    ).body;
    // Sunday the 8th ends one week; Monday the 9th starts the next.
    expect(weeks.points.map((p: { followers_gained: number }) => p.followers_gained)).toEqual([0, 1_500]);
  });

  it("shows followers gained on the campaign page, in English and French", async () => {
    const { campaign } = await audienceCampaign();
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    const page = `/dashboard/campaigns/${campaign.id}`;
    expect(tile((await browser.request(`${page}?lang=en`)).text, "followers_gained")).toEqual([
      "Followers gained",
      "1,600",
    ]);
    const fr = tile((await browser.request(`${page}?lang=fr`)).text, "followers_gained");
    expect(fr?.[0]).toBe("Abonnés gagnés");
    expect(fr?.[1]).toMatch(/^1\s600$/);
  });
});
