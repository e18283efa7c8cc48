import { recordConversion } from "../conversions/conversions";
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
// answer, so a shop is not told "unattributed" for an order placed with a code.
export async function recordOrder(db: Db, order: ShopOrder, keyId: string, clock: Clock, events: EventSink) {
  const { codes, ...sale } = order;
  let refusal: ApiError | undefined;
  for (const code of codes) {
    try {
      return outcomeOf(await redeem(db, { ...sale, code }, keyId, clock, events));
    } catch (error) {
      if (!(error instanceof ApiError) || !PASSED_OVER.has(error.code)) throw error;
      refusal ??= error;
    }
  }
  if (!sale.clickId) {
    if (refusal) throw refusal;
    return "unattributed";
  }
  return outcomeOf(await recordConversion(db, { type: "sale", ...sale }, keyId, clock, events));
}
