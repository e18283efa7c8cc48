import { and, eq } from "drizzle-orm";
import { webhookEvents } from "../../schema";
import type { Db } from "../db";
import { log } from "../log";
import type { Clock } from "../time";

export type Provider = "stripe" | "shopify";
export type WebhookOutcome = { received: true; duplicate: boolean; outcome: string };

// A delivery is handled once: a replay of a handled event id answers at once. The handling itself
// goes through the same idempotent paths as the API (order_id, refund_id), so a replay that
// arrives while the first delivery is still running counts once all the same. A handler returns
// refusals that a retry cannot change (unknown code, unattributed…) as its outcome, which the shop
// is told as handled, so it stops retrying; only a failure of ours throws, and the provider retries.
export async function handleOnce(
  db: Db,
  event: { provider: Provider; id: string; type: string },
  handle: () => Promise<string>,
  clock: Clock,
): Promise<WebhookOutcome> {
  const seen = await db.query.webhookEvents.findFirst({
    where: and(eq(webhookEvents.provider, event.provider), eq(webhookEvents.eventId, event.id)),
  });
  if (seen) return { received: true, duplicate: true, outcome: seen.outcome };
  const outcome = await handle();
  await db
    .insert(webhookEvents)
    .values({
      provider: event.provider,
      eventId: event.id,
      type: event.type,
      outcome,
      receivedAt: new Date(clock()),
    })
    .onConflictDoNothing();
  log.info("webhook_handled", { provider: event.provider, event_id: event.id, type: event.type, outcome });
  return { received: true, duplicate: false, outcome };
}
