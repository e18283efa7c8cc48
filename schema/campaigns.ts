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
  // IANA name, as Intl resolves it. Days, periods and "last N days" are its local days.
  timezone: text().notNull().default("UTC"),
  // When its first click or conversion was written: from then on the time zone is fixed, so the
  // local day stored with each event (computed once, at write time) never goes stale. Set by the
  // writers before they read the zone, so none can write a day in a zone that then changes.
  firstEventAt: timestampMs(),
  // Archived: out of the lists (unless asked for), its figures still counted everywhere.
  archivedAt: timestampMs(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
