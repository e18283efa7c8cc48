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

// A running total of refunds; see recordRefundTotal.
export type RefundTotalInput = {
  orderId: string;
  prefix: string;
  total: number;
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

// The amount a refund adds, worked out inside the statements that use it: its amount (?7), less
// what the order's refunds under the refund-id prefix ?14 already hold (none when ?14 is NULL).
const ADDED_AMOUNT = `?7 - (SELECT COALESCE(SUM(amount), 0) FROM refunds
                             WHERE order_id = ?3 AND substr(refund_id, 1, length(?14)) = ?14)`;

// Takes money off an order, once per refund_id, in two D1 round trips: one batch reads the refund
// and the order, one writes and reads back. The insert itself checks that the refund adds
// something and that the order's refunds stay within its amount, so concurrent refunds cannot
// overshoot it together; the read-back in the same transaction tells which refund holds the
// refund_id and what the refund would add. Null when it adds nothing (see recordRefundTotal).
async function record(
  db: Db,
  input: RefundInput,
  prefix: string | null,
  keyId: string,
  clock: Clock,
  events: EventSink,
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
  const params = [
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
    prefix,
  ];
  const d1 = db.$client;
  const [inserted, recorded, left] = await d1.batch<{ id: string; amount: number }>([
    d1
      .prepare(
        `INSERT INTO refunds (id, refund_id, order_id, conversion_id, campaign_id, influencer_id, amount, currency,
                              occurred_at, request_hash, key_id, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, added.amount, ?8, ?9, ?10, ?11, ?12
         FROM (SELECT ${ADDED_AMOUNT} AS amount) AS added
         WHERE added.amount > 0
           AND (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = ?3) + added.amount <= ?13
         ON CONFLICT (refund_id) DO NOTHING`,
      )
      .bind(...params),
    // Which refund holds the refund_id now, and what this one would add, read inside the same
    // transaction.
    d1.prepare("SELECT id, amount FROM refunds WHERE refund_id = ?1").bind(row.refundId),
    d1.prepare(`SELECT ${ADDED_AMOUNT} AS amount`).bind(...params),
  ]);
  const holder = recorded?.results[0];
  if (inserted?.meta.changes === 1 && holder?.id === row.id) {
    const body = serializeRefund({ ...row, amount: holder.amount });
    events({ type: "refund", v: 1, record: body });
    return { status: 201 as const, body };
  }
  // Another request recorded this refund_id first: answer with its row. Otherwise the refund
  // added nothing, or was refused for going over the order's amount.
  const [stored] = holder ? await findByRefundId(db, input.refundId) : [];
  if (stored) return replayOrConflict(stored, hash);
  if ((left?.results[0]?.amount ?? 0) <= 0) return null;
  throw new ApiError(
    "refund_exceeds_order",
    `Refunds of order ${input.orderId} would exceed its amount of ${order.amount} ${order.currency}.`,
  );
}

export async function recordRefund(
  db: Db,
  input: RefundInput,
  keyId: string,
  clock: Clock,
  events: EventSink = noEvents,
) {
  const recorded = await record(db, input, null, keyId, clock, events);
  // Callers take positive amounts only, and without a prefix a positive amount adds itself.
  if (!recorded) throw new Error("a refund of no amount reached the insert");
  return recorded;
}

// Records a running total of the refunds of one payment (Stripe's amount_refunded: all that a
// charge has given back so far) as what it adds to the totals recorded before it: refund id
// "<prefix><total>", amount the total less what the refunds under the prefix hold, worked out
// inside the insert. Redelivered, late and concurrent totals so count each unit once. Null when
// the total adds nothing: a newer total was recorded first.
export function recordRefundTotal(
  db: Db,
  input: RefundTotalInput,
  keyId: string,
  clock: Clock,
  events: EventSink = noEvents,
) {
  const refund = {
    orderId: input.orderId,
    refundId: `${input.prefix}${input.total}`,
    amount: input.total,
    occurredAt: input.occurredAt,
  };
  return record(db, refund, input.prefix, keyId, clock, events);
}
