import type { Recorder } from "../auth/api-keys";
import { verifyClickId } from "../clicks/click-id";
import { recordConversion } from "../conversions/conversions";
import { recordPendingRefunds, type ShopRefundResult } from "../conversions/pending-refunds";
import { redeem } from "../conversions/redemptions";
import type { RecordResult } from "../conversions/results";
import type { Db } from "../db";
import type { ErrorCode } from "../errors";
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

// What the shop is told about a record or refund: what became of it, or the refusal's code.
export const outcomeOf = (result: RecordResult<unknown> | ShopRefundResult) =>
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
): Promise<string> {
  const outcome = await attributeOrder(db, order, by, clock, signingSecret, events);
  await recordPendingRefunds(db, by.source, order.orderId, clock, events);
  return outcome;
}

async function attributeOrder(
  db: Db,
  order: ShopOrder,
  by: Recorder,
  clock: Clock,
  signingSecret: string,
  events: EventSink,
): Promise<string> {
  const { codes, clickId: sentClickId, ...rest } = order;
  const invalidClickId = !!sentClickId && !verifyClickId(signingSecret, sentClickId);
  const sale = { ...rest, clickId: sentClickId && !invalidClickId ? sentClickId : undefined };
  let passedOver: ErrorCode | undefined;
  for (const code of codes) {
    const result = await redeem(db, { ...sale, code }, by, clock, signingSecret, events);
    if (result.outcome !== "refused" || !PASSED_OVER.has(result.code)) return outcomeOf(result);
    passedOver ??= result.code;
  }
  if (invalidClickId) return "invalid_click_id";
  if (!sale.clickId) return passedOver ?? "unattributed";
  return outcomeOf(await recordConversion(db, { type: "sale", ...sale }, by, clock, signingSecret, events));
}
