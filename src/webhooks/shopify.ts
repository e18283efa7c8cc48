import { z } from "zod";
import { recordRefund } from "../conversions/refunds";
import { customerFields } from "../customers/customer-id";
import type { Db } from "../db";
import type { EventSink } from "../events/recorded-events";
import { decimalToMinor } from "../money";
import { type Clock, storableDate } from "../time";
import { outcomeOf, recordOrder } from "./orders";

export const SHOPIFY_KEY_ID = "webhook:shopify";

const order = z
  .object({
    id: z.union([z.number().int(), z.string()]),
    total_price: z.string(),
    currency: z.string(),
    created_at: z.string().nullish(),
    processed_at: z.string().nullish(),
    landing_site: z.string().nullish(),
    discount_codes: z.array(z.object({ code: z.string() }).loose()).nullish(),
    customer: z
      .object({ id: z.union([z.number().int(), z.string()]) })
      .loose()
      .nullish(),
    email: z.string().nullish(),
  })
  .loose();
const refund = z
  .object({
    id: z.union([z.number().int(), z.string()]),
    order_id: z.union([z.number().int(), z.string()]),
    created_at: z.string().nullish(),
    transactions: z
      .array(z.object({ amount: z.string(), kind: z.string(), currency: z.string().nullish() }).loose())
      .nullish(),
  })
  .loose();

// The click id, from the landing page the visitor first reached: "/p?utm_source=…&sl_cid=clk_…".
function clickIdFromLandingSite(landingSite: string | null | undefined): string | undefined {
  if (!landingSite) return undefined;
  try {
    return new URL(landingSite, "https://shop.invalid").searchParams.get("sl_cid") ?? undefined;
  } catch {
    return undefined;
  }
}

// A Shopify time, when it is one Swayline can hold; otherwise the record takes the time it arrives.
function dateOf(value: string | null | undefined): Date | undefined {
  return value ? storableDate(Date.parse(value)) : undefined;
}

export async function handleShopifyWebhook(
  db: Db,
  topic: string,
  payload: unknown,
  clock: Clock,
  events: EventSink,
  // Keys the hash of a customer's email (see customer-id.ts).
  secret: string,
) {
  if (topic === "orders/paid" || topic === "orders/create") {
    const parsed = order.safeParse(payload);
    if (!parsed.success) return "ignored_malformed";
    const o = parsed.data;
    const amount = decimalToMinor(o.total_price, o.currency);
    if (amount === null) return "ignored_malformed";
    const orderId = String(o.id);
    return recordOrder(
      db,
      {
        orderId,
        amount,
        currency: o.currency,
        ...customerFields(o.customer ? String(o.customer.id) : (o.email ?? orderId), secret),
        clickId: clickIdFromLandingSite(o.landing_site),
        occurredAt: dateOf(o.processed_at ?? o.created_at),
        // Every code, in order: the first may be a shop-wide one and an influencer's come after.
        codes: (o.discount_codes ?? []).map((d) => d.code).filter((code) => code !== ""),
      },
      SHOPIFY_KEY_ID,
      clock,
      events,
    );
  }
  if (topic === "refunds/create") {
    const parsed = refund.safeParse(payload);
    if (!parsed.success) return "ignored_malformed";
    const r = parsed.data;
    let total = 0;
    for (const transaction of r.transactions ?? []) {
      if (transaction.kind !== "refund") continue;
      const minor = decimalToMinor(transaction.amount, transaction.currency ?? "EUR");
      if (minor === null) return "ignored_malformed";
      total += minor;
    }
    if (total === 0) return "ignored_no_amount";
    const result = await recordRefund(
      db,
      {
        orderId: String(r.order_id),
        refundId: `shopify:${r.id}`,
        amount: total,
        occurredAt: dateOf(r.created_at),
      },
      SHOPIFY_KEY_ID,
      clock,
      events,
    );
    return outcomeOf(result);
  }
  return "ignored_topic";
}
