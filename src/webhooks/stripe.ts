import { z } from "zod";
import type { Recorder } from "../auth/api-keys";
import { recordShopRefund } from "../conversions/pending-refunds";
import { customerFields } from "../customers/customer-id";
import type { Db } from "../db";
import type { EventSink } from "../events/recorded-events";
import { MAX_FIGURE } from "../money";
import { type Clock, EARLIEST_MS, LATEST_MS } from "../time";
import { outcomeOf, recordOrder } from "./orders";

export const STRIPE_KEY_ID = "webhook:stripe";
const STRIPE: Recorder = { keyId: STRIPE_KEY_ID, source: "stripe" };

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
    // Unix seconds. Past the times Swayline can hold (see src/time.ts) it is no Stripe session.
    created: z
      .number()
      .int()
      .min(EARLIEST_MS / 1000)
      .max(Math.floor(LATEST_MS / 1000))
      .nullish(),
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
    currency: z.string().nullish(),
    // All that the charge has given back so far.
    amount_refunded: z.number().int().nonnegative().max(MAX_FIGURE).nullish(),
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

async function completedSession(
  db: Db,
  object: unknown,
  clock: Clock,
  signingSecret: string,
  events: EventSink,
) {
  const parsed = session.safeParse(object);
  if (!parsed.success) return "ignored_malformed";
  const s = parsed.data;
  if (s.amount_total == null || !s.currency) return "ignored_no_amount";
  const code = promoCodeOf(s);
  return recordOrder(
    db,
    {
      orderId: idOf(s.payment_intent) ?? s.id,
      amount: s.amount_total,
      currency: s.currency,
      ...customerFields(idOf(s.customer) ?? s.customer_details?.email ?? s.id, signingSecret),
      clickId: s.client_reference_id ?? undefined,
      occurredAt: s.created ? new Date(s.created * 1000) : undefined,
      codes: code ? [code] : [],
    },
    STRIPE,
    clock,
    signingSecret,
    events,
  );
}

// Every charge.refunded event carries the charge's running total, amount_refunded (since API
// version 2022-11-15 the refunds themselves are listed only when expanded; older versions list
// them too, and a charge may be reported in both shapes). Each event records what its total adds
// to the order's refunds so far, so each cent counts once whatever the mix of shapes, repeats and
// order of arrival. A payment intent has at most one successful charge, so the order's refunds
// are that charge's.
async function chargeRefunded(db: Db, object: unknown, clock: Clock, events: EventSink) {
  const parsed = charge.safeParse(object);
  if (!parsed.success) return "ignored_malformed";
  const c = parsed.data;
  const orderId = idOf(c.payment_intent);
  if (!orderId) return "ignored_no_payment_intent";
  const total = c.amount_refunded ?? (c.refunds?.data ?? []).reduce((sum, refund) => sum + refund.amount, 0);
  if (!total) return "ignored_no_amount";
  const result = await recordShopRefund(
    db,
    {
      orderId,
      refundId: `stripe:${c.id}:${total}`,
      amount: total,
      runningTotal: true,
      currency: c.currency ?? undefined,
    },
    STRIPE,
    clock,
    events,
  );
  return outcomeOf(result);
}

export async function handleStripeEvent(
  db: Db,
  event: z.infer<typeof stripeEventSchema>,
  clock: Clock,
  // Verifies click ids and keys the hash of customers' emails.
  signingSecret: string,
  events: EventSink,
) {
  if (event.type === "checkout.session.completed")
    return completedSession(db, event.data.object, clock, signingSecret, events);
  if (event.type === "charge.refunded") return chargeRefunded(db, event.data.object, clock, events);
  return "ignored_event_type";
}
