import { eq } from "drizzle-orm";
import { refunds } from "../../schema";
import { sha256Hex } from "../crypto";
import type { Db } from "../db";
import { ApiError } from "../errors";
import { type EventSink, noEvents } from "../events/recorded-events";
import { newId } from "../ids";
import { type Clock, toIso } from "../time";
import { findOrder } from "./conversions";

export type RefundInput = {
  orderId: string;
  refundId: string;
  amount: number;
  occurredAt?: Date | undefined;
};

type RefundRow = typeof refunds.$inferSelect;

export function serializeRefund(row: RefundRow) {
  return {
    id: row.id,
    refund_id: row.refundId,
    order_id: row.orderId,
    conversion_id: row.conversionId,
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    amount: row.amount,
    currency: row.currency,
    occurred_at: toIso(row.occurredAt) as string,
    created_at: toIso(row.createdAt) as string,
  };
}

function requestHash(input: RefundInput): string {
  return sha256Hex(
    JSON.stringify([
      "refund",
      input.orderId,
      input.refundId,
      input.amount,
      input.occurredAt?.toISOString() ?? null,
    ]),
  );
}

async function findByRefundId(db: Db, refundId: string) {
  return db.query.refunds.findFirst({ where: eq(refunds.refundId, refundId) });
}

function replayOrConflict(existing: RefundRow, hash: string) {
  if (existing.requestHash === hash) return { status: 200 as const, body: serializeRefund(existing) };
  throw new ApiError(
    "refund_conflict",
    `Refund ${existing.refundId} was already recorded with a different body.`,
  );
}

// Takes money off an order, once per refund_id. The insert itself checks that the order's
// refunds stay within its amount, so concurrent refunds cannot overshoot it together.
export async function recordRefund(
  db: Db,
  input: RefundInput,
  keyId: string,
  clock: Clock,
  events: EventSink = noEvents,
) {
  const hash = requestHash(input);
  const existing = await findByRefundId(db, input.refundId);
  if (existing) return replayOrConflict(existing, hash);

  const [order] = await findOrder(db, input.orderId);
  if (order?.type !== "sale" || order.amount === null) {
    throw new ApiError("order_not_found", `No order ${input.orderId} has been recorded.`);
  }
  const now = clock();
  const id = newId("rfd");
  const d1 = db.$client;
  const inserted = await d1
    .prepare(
      `INSERT INTO refunds (id, refund_id, order_id, conversion_id, campaign_id, influencer_id, amount, currency,
                            occurred_at, request_hash, key_id, created_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
       WHERE (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = ?3) + ?7 <= ?13
       ON CONFLICT (refund_id) DO NOTHING`,
    )
    .bind(
      id,
      input.refundId,
      input.orderId,
      order.id,
      order.campaignId,
      order.influencerId,
      input.amount,
      order.currency,
      input.occurredAt?.getTime() ?? now,
      hash,
      keyId,
      now,
      order.amount,
    )
    .run();
  const stored = await findByRefundId(db, input.refundId);
  if (inserted.meta.changes === 1 && stored?.id === id) {
    const body = serializeRefund(stored);
    events({ type: "refund", v: 1, record: body });
    return { status: 201 as const, body };
  }
  if (stored) return replayOrConflict(stored, hash);
  throw new ApiError(
    "refund_exceeds_order",
    `Refunds of order ${input.orderId} would exceed its amount of ${order.amount} ${order.currency}.`,
  );
}
