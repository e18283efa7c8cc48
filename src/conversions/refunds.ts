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

// A query of at most one row, so that it can go in a batch (see findOrder).
function findByRefundId(db: Db, refundId: string) {
  return db.select().from(refunds).where(eq(refunds.refundId, refundId)).limit(1);
}

function replayOrConflict(existing: RefundRow, hash: string) {
  if (existing.requestHash === hash) return { status: 200 as const, body: serializeRefund(existing) };
  throw new ApiError(
    "refund_conflict",
    `Refund ${existing.refundId} was already recorded with a different body.`,
  );
}

// Takes money off an order, once per refund_id, in two D1 round trips: one batch reads the refund
// and the order, one writes and reads back. The insert itself checks that the order's refunds
// stay within its amount, so concurrent refunds cannot overshoot it together; the read-back in the
// same transaction tells which refund holds the refund_id.
export async function recordRefund(
  db: Db,
  input: RefundInput,
  keyId: string,
  clock: Clock,
  events: EventSink = noEvents,
) {
  const hash = requestHash(input);
  const [[existing], [order]] = await db.batch([
    findByRefundId(db, input.refundId),
    findOrder(db, input.orderId),
  ]);
  if (existing) return replayOrConflict(existing, hash);

  // Every sale has its amount and currency; a lead is not an order that can be refunded.
  if (order?.type !== "sale" || order.amount === null || order.currency === null) {
    throw new ApiError("order_not_found", `No order ${input.orderId} has been recorded.`);
  }
  const now = clock();
  const row: RefundRow = {
    id: newId("rfd"),
    refundId: input.refundId,
    orderId: input.orderId,
    conversionId: order.id,
    campaignId: order.campaignId,
    influencerId: order.influencerId,
    amount: input.amount,
    currency: order.currency,
    occurredAt: input.occurredAt ?? new Date(now),
    requestHash: hash,
    keyId,
    createdAt: new Date(now),
  };
  const d1 = db.$client;
  const [inserted, recorded] = await d1.batch<{ id: string }>([
    d1
      .prepare(
        `INSERT INTO refunds (id, refund_id, order_id, conversion_id, campaign_id, influencer_id, amount, currency,
                              occurred_at, request_hash, key_id, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
         WHERE (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = ?3) + ?7 <= ?13
         ON CONFLICT (refund_id) DO NOTHING`,
      )
      .bind(
        row.id,
        row.refundId,
        row.orderId,
        row.conversionId,
        row.campaignId,
        row.influencerId,
        row.amount,
        row.currency,
        row.occurredAt.getTime(),
        row.requestHash,
        row.keyId,
        now,
        order.amount,
      ),
    // Which refund holds the refund_id now, read inside the same transaction.
    d1.prepare("SELECT id FROM refunds WHERE refund_id = ?1").bind(row.refundId),
  ]);
  if (inserted?.meta.changes === 1 && recorded?.results[0]?.id === row.id) {
    const body = serializeRefund(row);
    events({ type: "refund", v: 1, record: body });
    return { status: 201 as const, body };
  }
  // Another request recorded this refund_id first: answer with its row. Otherwise the refund
  // was refused for going over the order's amount.
  const [stored] = await findByRefundId(db, input.refundId);
  if (stored) return replayOrConflict(stored, hash);
  throw new ApiError(
    "refund_exceeds_order",
    `Refunds of order ${input.orderId} would exceed its amount of ${order.amount} ${order.currency}.`,
  );
}
