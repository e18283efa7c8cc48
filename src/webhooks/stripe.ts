import { z } from "zod";
import { recordConversion } from "../conversions/conversions";
import { redeem } from "../conversions/redemptions";
import { recordRefund } from "../conversions/refunds";
import type { Db } from "../db";
import type { EventSink } from "../events/recorded-events";
import { MAX_FIGURE } from "../money";
import type { Clock } from "../time";

export const STRIPE_KEY_ID = "webhook:stripe";

// Only the fields Swayline reads; everything else in Stripe's objects is let through untouched.
const promotionCode = z.union([z.string(), z.object({ code: z.string() }).loose()]).nullish();
const session = z
  .object({
    id: z.string(),
    amount_total: z.number().int().nonnegative().max(MAX_FIGURE).nullish(),
    currency: z.string().nullish(),
    client_reference_id: z.string().nullish(),
    customer: z.union([z.string(), z.object({ id: z.string() }).loose()]).nullish(),
    customer_details: z.object({ email: z.string().nullish() }).loose().nullish(),
    payment_intent: z.union([z.string(), z.object({ id: z.string() }).loose()]).nullish(),
    created: z.number().int().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    discounts: z.array(z.object({ promotion_code: promotionCode }).loose()).nullish(),
    total_details: z
      .object({
        breakdown: z
          .object({
            discounts: z
              .array(z.object({ discount: z.object({ promotion_code: promotionCode }).loose() }).loose())
              .nullish(),
          })
          .loose()
          .nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();
const charge = z
  .object({
    id: z.string(),
    payment_intent: z.union([z.string(), z.object({ id: z.string() }).loose()]).nullish(),
    refunds: z
      .object({
        data: z.array(
          z.object({ id: z.string(), amount: z.number().int().positive().max(MAX_FIGURE) }).loose(),
        ),
      })
      .loose()
      .nullish(),
  })
  .loose();
export const stripeEventSchema = z
  .object({ id: z.string(), type: z.string(), data: z.object({ object: z.unknown() }).loose() })
  .loose();

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === "string" ? value : value?.id;

// The promotion code's text, when the session carries it: Stripe sends the promotion code as an
// id unless it is expanded, so Swayline also reads metadata.promo_code (see the README).
function promoCodeOf(s: z.infer<typeof session>): string | undefined {
  const candidates = [
    ...(s.total_details?.breakdown?.discounts ?? []).map((d) => d.discount.promotion_code),
    ...(s.discounts ?? []).map((d) => d.promotion_code),
  ];
  for (const candidate of candidates) {
    if (candidate && typeof candidate === "object") return candidate.code;
  }
  return s.metadata?.promo_code ?? s.metadata?.coupon_code ?? undefined;
}

export async function handleStripeEvent(
  db: Db,
  event: z.infer<typeof stripeEventSchema>,
  clock: Clock,
  events: EventSink,
) {
  if (event.type === "checkout.session.completed") {
    const parsed = session.safeParse(event.data.object);
    if (!parsed.success) return "ignored_malformed";
    const s = parsed.data;
    if (s.amount_total == null || !s.currency) return "ignored_no_amount";
    const orderId = idOf(s.payment_intent) ?? s.id;
    const occurredAt = s.created ? new Date(s.created * 1000) : undefined;
    const customerId = idOf(s.customer) ?? s.customer_details?.email ?? s.id;
    const code = promoCodeOf(s);
    if (code) {
      const result = await redeem(
        db,
        {
          code,
          orderId,
          amount: s.amount_total,
          currency: s.currency,
          customerId,
          occurredAt,
          clickId: s.client_reference_id ?? undefined,
        },
        STRIPE_KEY_ID,
        clock,
        events,
      );
      return result.status === 201 ? "recorded" : "already_recorded";
    }
    if (!s.client_reference_id) return "unattributed";
    const result = await recordConversion(
      db,
      {
        type: "sale",
        customerId,
        clickId: s.client_reference_id,
        orderId,
        amount: s.amount_total,
        currency: s.currency,
        occurredAt,
      },
      STRIPE_KEY_ID,
      clock,
      events,
    );
    return result.status === 201 ? "recorded" : "already_recorded";
  }
  if (event.type === "charge.refunded") {
    const parsed = charge.safeParse(event.data.object);
    if (!parsed.success) return "ignored_malformed";
    const orderId = idOf(parsed.data.payment_intent);
    if (!orderId) return "ignored_no_payment_intent";
    let recorded = 0;
    for (const refund of parsed.data.refunds?.data ?? []) {
      const result = await recordRefund(
        db,
        { orderId, refundId: refund.id, amount: refund.amount },
        STRIPE_KEY_ID,
        clock,
        events,
      );
      if (result.status === 201) recorded += 1;
    }
    return recorded > 0 ? "recorded" : "already_recorded";
  }
  return "ignored_event_type";
}
