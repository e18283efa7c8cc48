import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestampMs } from "./columns";

// Queue messages that failed validation or every retry: kept for a person, never retried again.
export const deadLetters = sqliteTable("dead_letters", {
  messageId: text().primaryKey(),
  queue: text().notNull(),
  body: text().notNull(),
  reason: text().notNull(),
  attempts: integer().notNull(),
  receivedAt: timestampMs().notNull(),
});

// One row per scheduled run, keyed by the cron's scheduledTime so a repeated delivery is one run.
export const jobRuns = sqliteTable("job_runs", {
  id: text().primaryKey(),
  cron: text().notNull(),
  scheduledAt: timestampMs().notNull(),
  startedAt: timestampMs().notNull(),
  finishedAt: timestampMs(),
  status: text().$type<"running" | "ok" | "failed">().notNull(),
  detail: text({ mode: "json" }).$type<Record<string, unknown>>(),
});

// Webhook deliveries already handled, by the provider's event id: a replay is answered at once.
// (The records they create are idempotent on their own too: order_id, refund_id.)
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    provider: text().$type<"stripe" | "shopify">().notNull(),
    eventId: text().notNull(),
    type: text().notNull(),
    outcome: text().notNull(),
    receivedAt: timestampMs().notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);
