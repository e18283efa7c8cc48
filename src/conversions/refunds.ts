import { and, eq } from "drizzle-orm";
import { refunds } from "../../schema";
import type { Recorder } from "../auth/api-keys";
import { localDayOfEvent } from "../campaigns/time-zones";
import { sha256Hex } from "../crypto";
import type { Db } from "../db";
import { type EventSink, noEvents } from "../events/recorded-events";
import { newId } from "../ids";
import type { Clock } from "../time";
import { findOrder } from "./conversions";
import { occurredAtOrNow } from "./occurred-at";
import { type RecordResult, refused } from "./results";

export type RefundInput = {
  orderId: string;
  refundId: string;
  // Minor units: what was given back, or with runningTotal all that the order's payment has given
  // back so far (Stripe's amount_refunded), of which the refund records what is new.
  amount: number;
  runningTotal?: boolean | undefined;
  // The refund's currency as the shop reported it: when given, it must be the order's.
  currency?: string | undefined;
  occurredAt?: Date | undefined;
};

type RefundRow = typeof refunds.$inferSelect;

// What became of a refund: as of any record (see RecordResult), or nothing new (a running total
// that adds nothing).
export type RefundResult = RecordResult<RefundRow> | { outcome: "nothing_new" };

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
function findByRefundId(db: Db, source: string, refundId: string) {
  return db
    .select()
    .from(refunds)
    .where(and(eq(refunds.source, source), eq(refunds.refundId, refundId)))
    .limit(1);
}

function replayOrConflict(existing: RefundRow, hash: string): RefundResult {
  if (existing.requestHash === hash) return { outcome: "already_recorded", record: existing };
  return refused(
    "refund_conflict",
    `Refund ${existing.refundId} was already recorded with a different body.`,
  );
}

// The amount a refund adds, worked out inside the statements that use it: its amount (?7), less,
// for a running total (?14), what the order's refunds in the source (?15) already hold. Every
// refund of a running-total source's order is one of its totals, so each unit counts once
// whichever totals arrive, in whatever order.
const ADDED_AMOUNT = `?7 - CASE WHEN ?14 THEN (SELECT COALESCE(SUM(amount), 0) FROM refunds
                                              WHERE source = ?15 AND order_id = ?3) ELSE 0 END`;

// Takes money off an order, once per refund_id of its source, in two D1 round trips: one batch
// reads the refund and the order, one writes and reads back. The insert itself checks that the
// refund adds something and that the order's refunds stay within its amount, so concurrent
// refunds cannot overshoot it together; the read-back in the same transaction tells which refund
// holds the refund_id and what the refund would add.
export async function recordRefund(
  db: Db,
  input: RefundInput,
  by: Recorder,
  clock: Clock,
  events: EventSink = noEvents,
): Promise<RefundResult> {
  const hash = requestHash(input);
  const [[existing], [order]] = await db.batch([
    findByRefundId(db, by.source, input.refundId),
    findOrder(db, by.source, input.orderId),
  ]);
  if (existing) return replayOrConflict(existing, hash);

  // Every sale has its amount and currency; a lead is not an order that can be refunded.
  if (order?.type !== "sale" || order.amount === null || order.currency === null) {
    return refused("order_not_found", `No order ${input.orderId} has been recorded.`);
  }
  if (input.currency !== undefined && input.currency.toUpperCase() !== order.currency) {
    return refused(
      "currency_mismatch",
      `The refund is in ${input.currency.toUpperCase()}, its order in ${order.currency}.`,
    );
  }
  const now = clock();
  const occurredAt = occurredAtOrNow(input.occurredAt, now);
  const row: RefundRow = {
    id: newId("rfd"),
    source: by.source,
    refundId: input.refundId,
    orderId: input.orderId,
    conversionId: order.id,
    campaignId: order.campaignId,
    influencerId: order.influencerId,
    amount: input.amount,
    currency: order.currency,
    occurredAt,
    // Its order's campaign has a conversion, so its zone is fixed already.
    day: await localDayOfEvent(db.$client, order.campaignId, occurredAt.getTime(), now),
    requestHash: hash,
    keyId: by.keyId,
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
    input.runningTotal ? 1 : 0,
    row.source,
    row.day,
  ];
  const d1 = db.$client;
  const [inserted, recorded, left] = await d1.batch<{ id: string; amount: number }>([
    d1
      .prepare(
        `INSERT INTO refunds (id, refund_id, order_id, conversion_id, campaign_id, influencer_id, amount, currency,
                              occurred_at, request_hash, key_id, created_at, source, day)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, added.amount, ?8, ?9, ?10, ?11, ?12, ?15, ?16
         FROM (SELECT ${ADDED_AMOUNT} AS amount) AS added
         WHERE added.amount > 0
           AND (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE source = ?15 AND order_id = ?3) + added.amount <= ?13
         ON CONFLICT (source, refund_id) DO NOTHING`,
      )
      .bind(...params),
    // Which refund holds the refund_id now, and what this one would add, read inside the same
    // transaction.
    d1
      .prepare("SELECT id, amount FROM refunds WHERE source = ?1 AND refund_id = ?2")
      .bind(row.source, row.refundId),
    // Bound to ?15, the last it reads (SQLite wants no more parameters than the highest it names).
    d1.prepare(`SELECT ${ADDED_AMOUNT} AS amount`).bind(...params.slice(0, 15)),
  ]);
  const holder = recorded?.results[0];
  if (inserted?.meta.changes === 1 && holder?.id === row.id) {
    const refund = { ...row, amount: holder.amount };
    events({ type: "refund", record: refund });
    return { outcome: "recorded", record: refund };
  }
  // Another request recorded this refund_id first: answer with its row. Otherwise the refund
  // added nothing, or was refused for going over the order's amount.
  const [stored] = holder ? await findByRefundId(db, by.source, input.refundId) : [];
  if (stored) return replayOrConflict(stored, hash);
  if ((left?.results[0]?.amount ?? 0) <= 0) return { outcome: "nothing_new" };
  return refused(
    "refund_exceeds_order",
    `Refunds of order ${input.orderId} would exceed its amount of ${order.amount} ${order.currency}.`,
  );
}
