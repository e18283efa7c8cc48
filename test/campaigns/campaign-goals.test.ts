import { afterEach, describe, expect, it, vi } from "vitest";
import type { CampaignGoal } from "../../schema";
import { addGoal, MAX_GOALS, removeGoal } from "../../src/campaigns/goals";
import { lastDays } from "../../src/summaries/periods";
import { ADMIN, api, createCampaign } from "../support/helpers";
import { PageClient } from "../support/page-client";

const goal = (target: number, due: string | null = null): CampaignGoal => ({ metric: "clicks", target, due });
const goalsUpTo = (n: number) => Array.from({ length: n }, (_, i) => goal(i + 1));

describe("a campaign's goals", () => {
  it("adds a goal once: sent again, the list is already set", () => {
    const first = addGoal([], goal(100));
    expect(first).toEqual({ outcome: "added", goals: [goal(100)] });
    const goals = first.outcome === "added" ? first.goals : [];
    expect(addGoal(goals, goal(100))).toEqual({ outcome: "already_set" });
    // What the goal says is all of it: another target or due date is another goal.
    expect(addGoal(goals, goal(100, "2026-12-31T00:00:00.000Z"))).toEqual({
      outcome: "added",
      goals: [goal(100), goal(100, "2026-12-31T00:00:00.000Z")],
    });
    expect(addGoal(goals, { metric: "revenue", target: 100, due: null }).outcome).toBe("added");
  });

  it("holds at most 50 goals, a goal already there included", () => {
    expect(MAX_GOALS).toBe(50);
    expect(addGoal(goalsUpTo(49), goal(1000)).outcome).toBe("added");
    expect(addGoal(goalsUpTo(50), goal(1000))).toEqual({ outcome: "too_many" });
    expect(addGoal(goalsUpTo(50), goal(1))).toEqual({ outcome: "too_many" });
  });

  it("removes the goal named by what it says, and nothing once it is gone", () => {
    const goals = [goal(1), goal(2), goal(3)];
    const key = JSON.stringify(["clicks", 2, null]);
    const once = removeGoal(goals, key);
    expect(once).toEqual([goal(1), goal(3)]);
    expect(removeGoal(once ?? [], key)).toBeNull();
    expect(removeGoal(goals, "")).toBeNull();
  });

  it("refuses a 51st goal on the campaign page, worded on the metric, and changes nothing", async () => {
    const goals = goalsUpTo(50);
    const campaign = await createCampaign({ goals });
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    const page = `/dashboard/campaigns/${campaign.id}`;
    for (const target of ["51", "1"]) {
      const refused = await browser.post(`${page}/goals`, { metric: "clicks", target }, page);
      expect(refused.status).toBe(422);
      expect(refused.text).toMatch(/id="goal-metric-error"[^>]*>A campaign has at most 50 goals\.</);
    }
    expect((await api("GET", `/campaigns/${campaign.id}`)).body.goals).toEqual(goals);
    // The API holds the same limit.
    const patched = await api("PATCH", `/campaigns/${campaign.id}`, { body: { goals: goalsUpTo(51) } });
    expect(patched.status).toBe(422);
  });
});

describe("the last N days", () => {
  const day = Date.parse("2026-12-06T00:00:00.000Z");

  it("starts N - 1 whole UTC days before today's start in UTC, wherever in today it is asked", () => {
    for (const now of [day, day + 13 * 3_600_000, day + 86_400_000 - 1]) {
      expect(lastDays(7, now, "UTC")).toEqual({ from: "2026-11-30" });
      expect(lastDays(1, now, "UTC")).toEqual({ from: "2026-12-06" });
      expect(lastDays(30, now, "UTC")).toEqual({ from: "2026-11-07" });
    }
    expect(lastDays(7, day - 1, "UTC")).toEqual({ from: "2026-11-29" });
  });

  it("counts the campaign's local days: today is the local today", () => {
    // 23:30 UTC on 5 December is already 6 December in Paris (+1) and in Kolkata (+5:30).
    const lateUtc = day - 30 * 60_000;
    expect(lastDays(1, lateUtc, "UTC")).toEqual({ from: "2026-12-05" });
    expect(lastDays(1, lateUtc, "Europe/Paris")).toEqual({ from: "2026-12-06" });
    expect(lastDays(7, lateUtc, "Asia/Kolkata")).toEqual({ from: "2026-11-30" });
    // 04:00 UTC on 6 December is still 5 December in New York (-5).
    expect(lastDays(1, day + 4 * 3_600_000, "America/New_York")).toEqual({ from: "2026-12-05" });
  });

  it("is all time without a number of days", () => {
    expect(lastDays(null, day, "UTC")).toEqual({});
  });
});

// A goal's due date typed as a day is a day of the campaign's zone, and the goal is due by the end
// of it: stored as that day's last instant there (as a campaign's end is), shown back as that day.
describe("a goal due on a day of the campaign's zone", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("takes a day or an instant on the API (POST and PATCH), a day due by its end in the zone", async () => {
    const created = await createCampaign({
      timezone: "Europe/Paris",
      goals: [
        { metric: "clicks", target: 100, due: "2026-12-15" },
        // Instants stay instants, answered in UTC.
        { metric: "revenue", target: 5000, due: "2026-12-15T12:00:00+02:00" },
        { metric: "leads", target: 5 },
      ],
    });
    expect(created.goals).toEqual([
      // Paris is UTC+1 in December: 16 December begins there at 23:00 UTC on the 15th.
      { metric: "clicks", target: 100, due: "2026-12-15T22:59:59.999Z" },
      { metric: "revenue", target: 5000, due: "2026-12-15T10:00:00.000Z" },
      { metric: "leads", target: 5, due: null },
    ]);
    // A summer day ends at 22:00 UTC; a day that does not exist is refused.
    const patched = await api("PATCH", `/campaigns/${created.id}`, {
      body: { goals: [{ metric: "clicks", target: 100, due: "2027-07-14" }] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.goals).toEqual([{ metric: "clicks", target: 100, due: "2027-07-14T21:59:59.999Z" }]);
    const refused = await api("PATCH", `/campaigns/${created.id}`, {
      body: { goals: [{ metric: "clicks", target: 100, due: "2027-02-30" }] },
    });
    expect(refused.status).toBe(422);
    // Sent with a new zone, the day is one of the new zone (New York, UTC-5 in December).
    const moved = await api("PATCH", `/campaigns/${created.id}`, {
      body: { timezone: "America/New_York", goals: [{ metric: "clicks", target: 100, due: "2026-12-15" }] },
    });
    expect(moved.body.goals).toEqual([{ metric: "clicks", target: 100, due: "2026-12-16T04:59:59.999Z" }]);
  });

  it("on the page: typed 15/12 on a Paris campaign, due by 23:00 UTC, shown back as 15 December, judged by then", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    // Half-way from the start of 1 December to the end of 15 December in Paris (15 days).
    vi.setSystemTime(Date.parse("2026-12-08T11:00:00Z"));
    const campaign = await createCampaign({ timezone: "Europe/Paris", starts_at: "2026-12-01" });
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    const page = `/dashboard/campaigns/${campaign.id}`;
    const added = await browser.post(
      `${page}/goals`,
      { metric: "clicks", target: "100", due: "2026-12-15" },
      page,
    );
    expect(added.status).toBe(303);
    expect((await api("GET", `/campaigns/${campaign.id}`)).body.goals).toEqual([
      { metric: "clicks", target: 100, due: "2026-12-15T22:59:59.999Z" },
    ]);
    // Signed in again at each time: a session lasts hours, not days.
    const goalStatus = async (at: string) => {
      vi.setSystemTime(Date.parse(at));
      const reader = new PageClient();
      await reader.signIn(ADMIN);
      const item = /<li data-goal="clicks"[\s\S]*?<\/li>/.exec((await reader.request(page)).text)?.[0] ?? "";
      expect(item).toContain("Due Dec 15, 2026");
      return { item, status: /data-goal-status="(\w*)"/.exec(item)?.[1] };
    };
    const halfWay = await goalStatus("2026-12-08T11:00:00Z");
    expect(halfWay.item).toContain("Expected by today 50%");
    expect(halfWay.status).toBe("behind");
    // 23:30 in Paris on the 15th: the day is not over, the goal not missed yet; at midnight it is.
    expect((await goalStatus("2026-12-15T22:30:00Z")).status).toBe("behind");
    expect((await goalStatus("2026-12-15T23:00:00Z")).status).toBe("missed");
  });

  it("shows a New York goal's day as typed, not the UTC day its end falls on", async () => {
    const campaign = await createCampaign({ timezone: "America/New_York" });
    const browser = new PageClient();
    await browser.signIn(ADMIN);
    const page = `/dashboard/campaigns/${campaign.id}`;
    await browser.post(`${page}/goals`, { metric: "clicks", target: "100", due: "2026-12-15" }, page);
    expect((await api("GET", `/campaigns/${campaign.id}`)).body.goals[0].due).toBe(
      "2026-12-16T04:59:59.999Z",
    );
    const html = (await browser.request(`${page}?lang=fr`)).text;
    expect(/<li data-goal="clicks"[\s\S]*?<\/li>/.exec(html)?.[0]).toContain("Échéance 15 déc. 2026");
  });
});
