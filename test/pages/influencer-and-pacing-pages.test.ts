import { afterEach, describe, expect, it, vi } from "vitest";
import { enrol, order, promoCode, refund, rollUp, snapshot } from "../support/figure-helpers";
import { ADMIN, api, createCampaign, createInfluencer, createKey, unique } from "../support/helpers";
import { PageClient, rowOf } from "../support/page-client";

const DAY = 86_400_000;

async function admin() {
  const browser = new PageClient();
  await browser.signIn(ADMIN);
  return browser;
}

// The text of the element carrying a data attribute (tags inside it dropped).
function textOf(html: string, attribute: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*${attribute}[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match?.[2]?.replace(/<[^>]+>/g, "").trim();
}

// A campaign worked out by hand: Ana (fee 300.00, 10 % commission) sells 200.00 and 100.00, of
// which 50.00 is refunded; Ben (fee 50.00, other costs 10.00) sells nothing. Cost: 300 + 10 % of
// 250 + 50 + 10 = 385.00 of a 1,000.00 budget; revenue 300.00; ROI (250 − 385) ÷ 385.
async function handMadeCampaign(extra: Record<string, unknown> = {}) {
  const now = Date.now();
  const campaign = await createCampaign({
    name: unique("Paced "),
    budget: 100_000,
    starts_at: new Date(now - 10 * DAY).toISOString(),
    ends_at: new Date(now + 10 * DAY).toISOString(),
    goals: [{ metric: "conversions", target: 3, due: null }],
    ...extra,
  });
  const ana = await createInfluencer({ handle: unique("ana") });
  const ben = await createInfluencer({ handle: unique("ben") });
  await enrol(campaign.id, ana.id, { fee: 30_000, commission_rate: 0.1 });
  await enrol(campaign.id, ben.id, { fee: 5_000, other_costs: 1_000 });
  const code = await promoCode(campaign.id, ana.id);
  const at = new Date(now - DAY).toISOString();
  await order(code, 20_000, at, campaign.currency);
  const second = await order(code, 10_000, at, campaign.currency);
  await refund(second, 5_000, at);
  await rollUp();
  return { campaign, ana, ben, code };
}

describe("budget and pacing", () => {
  it("lists each campaign with its key figures over all time", async () => {
    const { campaign } = await handMadeCampaign();
    const empty = await createCampaign({ name: unique("Empty ") });
    const browser = await admin();
    const html = (await browser.request("/dashboard?lang=en")).text;
    const row = rowOf(html, `href="/dashboard/campaigns/${campaign.id}"`);
    const cell = (name: string) => new RegExp(`data-glance="${name}">([^<]*)<`).exec(row)?.[1];
    expect(cell("clicks")).toBe("0");
    expect(cell("conversions")).toBe("2");
    expect(cell("revenue")).toBe("€300.00");
    expect(cell("cost")).toBe("€385.00");
    expect(cell("roi")).toBe("-35.1%");
    expect(cell("spent")).toBe("38.5%");
    // The same cost as the campaign's all-time summary.
    expect((await api("GET", `/campaigns/${campaign.id}/summary`)).body.totals.cost).toBe(38_500);
    const none = rowOf(html, `href="/dashboard/campaigns/${empty.id}"`);
    expect(/data-glance="cost">([^<]*)</.exec(none)?.[1]).toBe("€0.00");
    expect(/data-glance="spent">([^<]*)</.exec(none)?.[1]).toBe("–");
  });

  it("shows spend against budget and goals against time on the campaign page", async () => {
    const { campaign } = await handMadeCampaign();
    const browser = await admin();
    // Whatever period the page shows, the budget and the goals are the whole campaign's.
    for (const query of ["?lang=en", "?days=7&lang=en"]) {
      const html = (await browser.request(`/dashboard/campaigns/${campaign.id}${query}`)).text;
      expect(textOf(html, 'data-pacing="budget"')).toContain("€1,000.00");
      expect(textOf(html, 'data-pacing="spent"')).toContain("€385.00");
      expect(textOf(html, 'data-pacing="remaining"')).toContain("€615.00");
      expect(textOf(html, "data-spent-of")).toBe("€385.00 of €1,000.00 spent (38.5%)");
      expect(html).toContain('data-spent-share="0.385"');
      // Ten days of twenty have passed.
      expect(textOf(html, 'data-pacing="time"')).toMatch(/^Time elapsed\s*50%\s*Day 11 of 21$/);
      // The goal is the whole campaign's too: its all-time progress beside an even pace's.
      const goal = /<li data-goal="conversions"[\s\S]*?<\/li>/.exec(html)?.[0] ?? "";
      expect(goal).toContain("(66.7%)");
      expect(goal).toContain("Expected by today 50%");
      expect(goal).toContain("on track");
    }
  });

  it("says so when there is no budget or no dates, and marks a budget overspent", async () => {
    const browser = await admin();
    const bare = await createCampaign({ name: unique("Bare ") });
    const html = (await browser.request(`/dashboard/campaigns/${bare.id}?lang=en`)).text;
    expect(html).toContain("No budget is set for this campaign.");
    expect(html).toContain("Set a start and an end date to pace this campaign.");
    const { campaign } = await handMadeCampaign({ budget: 30_000 });
    const over = (await browser.request(`/dashboard/campaigns/${campaign.id}?lang=en`)).text;
    expect(textOf(over, 'data-pacing="remaining"')).toMatch(/^Over budget\s*€85\.00$/);
    expect(over).toContain('class="fill over"');
  });
});

// The pacing tile counts the campaign's days by their names in its zone: a day a clock change makes
// 23 or 25 hours long is one day, and each day's number changes at its local midnight.
describe("the pacing tile's days across a clock change", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function dayShown(campaignId: string, at: string) {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse(at));
    const html = (await (await admin()).request(`/dashboard/campaigns/${campaignId}?lang=en`)).text;
    return /Day (\d+) of (\d+)/
      .exec(textOf(html, 'data-pacing="time"') ?? "")
      ?.slice(1, 3)
      .join(" of ");
  }

  it("Paris, autumn: 20 October to 31 December is 73 days, 25 October (25 hours) one of them", async () => {
    const { id } = await createCampaign({
      timezone: "Europe/Paris",
      starts_at: "2026-10-20",
      ends_at: "2026-12-31",
    });
    const days: [string, string][] = [
      ["2026-10-19T22:00:00Z", "1 of 73"], // midnight, 20 October (UTC+2)
      ["2026-10-24T21:59:59Z", "5 of 73"], // 23:59:59 on the 24th
      ["2026-10-24T22:00:00Z", "6 of 73"], // midnight, the 25th
      ["2026-10-25T00:30:00Z", "6 of 73"], // 02:30 before the change
      ["2026-10-25T01:30:00Z", "6 of 73"], // 02:30 again, after it (UTC+1)
      ["2026-10-25T22:30:00Z", "6 of 73"], // 23:30 on the 25th: still its last hour
      ["2026-10-25T23:00:00Z", "7 of 73"], // midnight, the 26th
      ["2026-10-26T22:59:59Z", "7 of 73"], // 23:59:59 on the 26th
      ["2026-12-31T22:59:59Z", "73 of 73"], // the last day's last second
    ];
    for (const [at, shown] of days) expect(await dayShown(id, at), at).toBe(shown);
  });

  it("Paris, spring: 28 March (23 hours) is one day, and the next begins at its midnight", async () => {
    const { id } = await createCampaign({
      timezone: "Europe/Paris",
      starts_at: "2027-03-20",
      ends_at: "2027-04-10",
    });
    const days: [string, string][] = [
      ["2027-03-27T23:00:00Z", "9 of 22"], // midnight, 28 March (UTC+1)
      ["2027-03-28T21:59:59Z", "9 of 22"], // 23:59:59 on the 28th (UTC+2 since 03:00)
      ["2027-03-28T22:00:00Z", "10 of 22"], // midnight, the 29th
      ["2027-03-28T22:30:00Z", "10 of 22"], // 00:30 on the 29th
      ["2027-04-10T21:59:59Z", "22 of 22"],
    ];
    for (const [at, shown] of days) expect(await dayShown(id, at), at).toBe(shown);
  });
});

describe("the influencer page", () => {
  it("shows one influencer across campaigns: figures, a total per currency, costs, links, codes, posts, followers", async () => {
    const { campaign, ana, code } = await handMadeCampaign();
    const dollars = await createCampaign({ name: unique("Dollars "), currency: "USD" });
    await enrol(dollars.id, ana.id, { fee: 1_000 });
    const link = (
      await api("POST", "/links", {
        body: { campaign_id: dollars.id, influencer_id: ana.id, url: "https://shop.example/us" },
      })
    ).body;
    const post = (
      await api("POST", "/posts", {
        body: { campaign_id: campaign.id, influencer_id: ana.id, url: "https://ig.example/p/ana" },
      })
    ).body;
    await snapshot(post.id, new Date(Date.now() - DAY).toISOString(), { impressions: 4_200 });
    await api("POST", `/influencers/${ana.id}/followers`, {
      body: { count: 1_500, captured_at: "2026-10-01T00:00:00Z" },
    });
    await api("POST", `/influencers/${ana.id}/followers`, {
      body: { count: 1_800, captured_at: "2026-11-01T00:00:00Z" },
    });

    const browser = await admin();
    const page = `/dashboard/influencers/${ana.id}`;
    const html = (await browser.request(`${page}?lang=en`)).text;
    expect(html).toContain(`<h1 data-influencer-page="${ana.id}">@${ana.handle} on instagram</h1>`);
    const eur = rowOf(html, `data-campaign-row="${campaign.id}"`);
    expect(textOf(eur, 'data-metric="revenue"')).toBe("€300.00");
    expect(textOf(eur, 'data-metric="cost"')).toBe("€325.00");
    // Money is totalled per currency, never across.
    expect(textOf(rowOf(html, 'data-total="EUR"'), 'data-metric="cost"')).toBe("€325.00");
    expect(textOf(rowOf(html, 'data-total="USD"'), 'data-metric="cost"')).toBe("$10.00");
    expect(textOf(rowOf(html, `data-cost-row="${campaign.id}"`), "data-cost")).toBe("€325.00");
    expect(rowOf(html, `data-cost-row="${campaign.id}"`)).toContain("10%");
    expect(html).toContain(link.short_url);
    expect(html).toContain(code);
    expect(rowOf(html, `data-post="${post.id}"`)).toContain("4,200");
    // The followers chart: each snapshot, in time order (she was created after them, so the count
    // she was created with comes before none of them).
    const points = [...html.matchAll(/data-point="(\d+)"/g)].map((m) => Number(m[1]));
    expect(points).toEqual([1_500, 1_800]);
    expect(html).toMatch(/<text class="axis-title"[^>]*>Followers<\/text>/);
    expect(html).toContain("<title>Nov 1, 2026: 1,800</title>");

    // A follower count recorded through the page's form.
    const recorded = await browser.post(
      `${page}/followers`,
      { count: "2100", captured_at: "2026-11-20T09:00" },
      page,
    );
    expect(recorded.status).toBe(303);
    // Found by its count, not as the newest: rows made in one millisecond are listed in id order.
    const followers = (await api("GET", `/influencers/${ana.id}/followers`)).body.data;
    expect(followers.find((f: { count: number }) => f.count === 2_100)).toMatchObject({
      captured_at: "2026-11-20T09:00:00.000Z",
    });
    const refused = await browser.post(`${page}/followers`, { count: "-3" }, page);
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="followers-count"[^>]*aria-invalid="true"/);

    expect((await browser.request("/dashboard/influencers/inf_missing")).status).toBe(404);
  });

  it("is linked from every handle on the dashboard, and from none on the portal or a shared report", async () => {
    const { campaign, ana } = await handMadeCampaign();
    await api("POST", "/links", {
      body: { campaign_id: campaign.id, influencer_id: ana.id, url: "https://shop.example/" },
    });
    const href = `href="/dashboard/influencers/${ana.id}"`;
    const browser = await admin();
    const html = (await browser.request(`/dashboard/campaigns/${campaign.id}`)).text;
    // The leaderboard, the link, the code and the earnings.
    expect(html.split(href).length - 1).toBe(4);

    const portal = new PageClient();
    await portal.signIn((await createKey("influencer", { influencer_id: ana.id })).key);
    expect((await portal.request("/portal")).text).not.toContain("/dashboard/influencers/");
    const shared = await browser.post(
      `/dashboard/campaigns/${campaign.id}/share-links`,
      {},
      `/dashboard/campaigns/${campaign.id}`,
    );
    const token = /data-share-url[^>]*>[^<]*\/r\/([0-9A-Za-z]+)</.exec(shared.text)?.[1];
    const report = await new PageClient().request(`/r/${token}`);
    expect(report.status).toBe(200);
    expect(report.text).toContain(`@${ana.handle}`);
    expect(report.text).not.toContain("/dashboard/influencers/");
  });
});
