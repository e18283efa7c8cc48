import { and, asc, eq, gte, lt } from "drizzle-orm";
import { pendingRefunds } from "../../schema";
import type { Recorder } from "../auth/api-keys";
import type { Db } from "../db";
import type { EventSink } from "../events/recorded-events";
import { log } from "../log";
import { type Clock, DAY_MS } from "../time";
import { type RefundInput, type RefundResult, recordRefund } from "./refunds";

// A shop may deliver a refund before its order (webhooks have no order among them, and an order
// may wait for payment). Such a refund is kept this long and counted once when the order arrives.
export const PENDING_REFUND_DAYS = 30;
const PENDING_REFUND_MS = PENDING_REFUND_DAYS * DAY_MS;

export type ShopRefundResult = RefundResult | { outcome: "kept_until_order" };

// A webhook's refund: recorded like the API's when its order is known, else kept until it is.
export async function recordShopRefund(
  db: Db,
  input: RefundInput,
  by: Recorder,
  clock: Clock,
  events: EventSink,
): Promise<ShopRefundResult> {
  const result = await recordRefund(db, input, by, clock, events);
  if (result.outcome !== "refused" || result.code !== "order_not_found") return result;
  const now = clock();
  await db.batch([
    db.delete(pendingRefunds).where(lt(pendingRefunds.receivedAt, new Date(now - PENDING_REFUND_MS))),
    db
      .insert(pendingRefunds)
      .values({
        source: by.source,
        refundId: input.refundId,
        orderId: input.orderId,
        amount: input.amount,
        runningTotal: input.runningTotal ?? false,
        currency: input.currency ?? null,
        occurredAt: input.occurredAt ?? null,
        keyId: by.keyId,
        receivedAt: new Date(now),
      })
      .onConflictDoNothing(),
  ]);
  // The order may have been recorded since the read above. Its recorder looks for kept refunds
  // after writing the order, and this looks for the order after keeping the refund: D1 runs
  // writes one at a time, so whichever comes second sees the other, and the refund is counted.
  const applied = await recordPendingRefunds(db, by.source, input.orderId, clock, events);
  return applied.get(input.refundId) ?? { outcome: "kept_until_order" };
}

// Records the kept refunds of an order that has just been recorded (or recorded again), and lets
// them go. Refunds are idempotent on their refund_id, so two callers racing here count each once.
export async function recordPendingRefunds(
  db: Db,
  source: string,
  orderId: string,
  clock: Clock,
  events: EventSink,
): Promise<Map<string, RefundResult>> {
  const results = new Map<string, RefundResult>();
  const kept = await db
    .select()
    .from(pendingRefunds)
    .where(
      and(
        eq(pendingRefunds.source, source),
        eq(pendingRefunds.orderId, orderId),
        gte(pendingRefunds.receivedAt, new Date(clock() - PENDING_REFUND_MS)),
      ),
    )
    .orderBy(asc(pendingRefunds.receivedAt));
  for (const pending of kept) {
    const result = await recordRefund(
      db,
      {
        orderId,
        refundId: pending.refundId,
        amount: pending.amount,
        runningTotal: pending.runningTotal,
        currency: pending.currency ?? undefined,
        occurredAt: pending.occurredAt ?? undefined,
      },
      { keyId: pending.keyId, source },
      clock,
      events,
    );
    // Not yet: the order this was kept for is not there (the caller raced its own write).
    if (result.outcome === "refused" && result.code === "order_not_found") continue;
    if (result.outcome === "refused") {
      log.warn("pending_refund_refused", { source, refund_id: pending.refundId, code: result.code });
    }
    results.set(pending.refundId, result);
    await db
      .delete(pendingRefunds)
      .where(and(eq(pendingRefunds.source, source), eq(pendingRefunds.refundId, pending.refundId)));
  }
  return results;
}
