import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, timestampMs, updatedAt } from "./columns";

export type CampaignObjective = "awareness" | "leads" | "sales";
export type CampaignGoal = { metric: string; target: number; due: string | null };

export const campaigns = sqliteTable("campaigns", {
  id: text().primaryKey(),
  name: text().notNull(),
  objective: text().$type<CampaignObjective>().notNull(),
  currency: text().notNull(),
  budget: integer(),
  startsAt: timestampMs(),
  endsAt: timestampMs(),
  attributionWindowDays: integer().notNull().default(30),
  emvCpm: integer(),
  goals: text({ mode: "json" }).$type<CampaignGoal[]>().notNull().default([]),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
