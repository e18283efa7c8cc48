import { describe, expect, it } from "vitest";
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
