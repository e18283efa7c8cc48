import type { CampaignGoal } from "../../schema";
import { lastInstantOf } from "./time-zones";

// A campaign's goals are kept in its row: a bounded list.
export const MAX_GOALS = 50;

// A goal as sent: due by an instant, or by the end of a day of the campaign's zone (YYYY-MM-DD;
// a stored goal's ISO time is an instant too), or never.
export type GoalInput = { metric: string; target: number; due: Date | string | null };

// A goal as stored: its due date an instant in UTC, a day resolved to its last instant in the
// zone (due by the end of that day), as a campaign's end is.
export function resolveGoal({ metric, target, due }: GoalInput, zone: string): CampaignGoal {
  return { metric, target, due: due === null ? null : lastInstantOf(due, zone).toISOString() };
}

export const resolveGoals = (goals: readonly GoalInput[], zone: string): CampaignGoal[] =>
  goals.map((goal) => resolveGoal(goal, zone));

// A goal as what it says, not its place in the list: a form sent twice then names the same goal,
// never the one that has moved into its place.
export const goalKey = (goal: CampaignGoal): string => JSON.stringify([goal.metric, goal.target, goal.due]);

export type GoalAdded =
  | { outcome: "added"; goals: CampaignGoal[] }
  | { outcome: "already_set" }
  | { outcome: "too_many" };

// One goal added to a campaign's list. The list is full at MAX_GOALS, whatever the goal; a goal
// already in it (a double click, a reload) is set once, so at-least-once sending changes nothing.
export function addGoal(goals: readonly CampaignGoal[], goal: CampaignGoal): GoalAdded {
  if (goals.length >= MAX_GOALS) return { outcome: "too_many" };
  const key = goalKey(goal);
  if (goals.some((g) => goalKey(g) === key)) return { outcome: "already_set" };
  return { outcome: "added", goals: [...goals, goal] };
}

// The list without the goal of that key, or null when no goal has it (removed already).
export function removeGoal(goals: readonly CampaignGoal[], key: string): CampaignGoal[] | null {
  const index = goals.findIndex((g) => goalKey(g) === key);
  return index === -1 ? null : goals.filter((_, i) => i !== index);
}
