import type { Recorder } from "../auth/api-keys";
import { verifyClickId } from "../clicks/click-id";
import { recordConversion } from "../conversions/conversions";
import { recordPendingRefunds, type ShopRefundResult } from "../conversions/pending-refunds";
import { redeem } from "../conversions/redemptions";
import type { Db } from "../db";
import { ApiError, type ErrorCode } from "../errors";
import type { EventSink } from "../events/recorded-events";
import type { Clock } from "../time";

// An order as a shop's webhook reports it, with the promo codes it was placed with.
export type ShopOrder = {
  orderId: string;
  amount: number;
  currency: string;
  // As stored, and as sent when that was an email (see customerFields).
  customerId: string;
  customerIdAsSent: string | undefined;
  clickId: string | undefined;
  occurredAt: Date | undefined;
  codes: string[];
};

// What the shop is told about a record: new, or the same order or refund again.
export const outcomeOf = (result: { status: 200 | 201 }) =>
  result.status === 201 ? "recorded" : "already_recorded";

// A refund's outcome as the shop is told it: the refusal's code, or what became of it.
export const refundOutcomeOf = (result: ShopRefundResult) =>
  result.outcome === "refused" ? result.code : result.outcome;

// Refusals after which the order's next code, then its click id, may still attribute it: the code
// is none of an influencer's (a shop-wide WELCOME10) or not usable now, or another record holds
// the order (a redelivery of an order that a later code or the click id recorded).
const PASSED_OVER = new Set<ErrorCode>([
  "code_not_found",
  "code_inactive",
  "code_expired",
  "code_exhausted",
  "order_conflict",
]);

// The API's attribution path: the first of the order's codes that takes it (POST /redemptions),
// else the click id (POST /conversions). Without a click id the first code's refusal is the
// answer, so a shop is not told "unattributed" for an order placed with a code. A click id the
// redirect did not issue is dropped: the codes still apply, but it is neither stored with a code's
// record nor attributes the order ("invalid_click_id" when nothing else does). Then the refunds
// that arrived before the order are counted, if the order stands (recorded now, before, or with
// another body).
export async function recordOrder(
  db: Db,
  order: ShopOrder,
  by: Recorder,
  clock: Clock,
  signingSecret: string,
  events: EventSink,
) {
  let outcome: string | ApiError;
  try {
    outcome = await attributeOrder(db, order, by, clock, signingSecret, events);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code === "internal_error") throw error;
    outcome = error;
  }
  await recordPendingRefunds(db, by.source, order.orderId, clock, events);
  if (outcome instanceof ApiError) throw outcome;
  return outcome;
}

async function attributeOrder(
  db: Db,
  order: ShopOrder,
  by: Recorder,
  clock: Clock,
  signingSecret: string,
  events: EventSink,
) {
  const { codes, clickId: sentClickId, ...rest } = order;
  const invalidClickId = !!sentClickId && !verifyClickId(signingSecret, sentClickId);
  const sale = { ...rest, clickId: sentClickId && !invalidClickId ? sentClickId : undefined };
  let refusal: ApiError | undefined;
  for (const code of codes) {
    try {
      return outcomeOf(await redeem(db, { ...sale, code }, by, clock, signingSecret, events));
    } catch (error) {
      if (!(error instanceof ApiError) || !PASSED_OVER.has(error.code)) throw error;
      refusal ??= error;
    }
  }
  if (invalidClickId) return "invalid_click_id";
  if (!sale.clickId) {
    if (refusal) throw refusal;
    return "unattributed";
  }
  return outcomeOf(await recordConversion(db, { type: "sale", ...sale }, by, clock, signingSecret, events));
}
