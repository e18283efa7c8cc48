import { z } from "zod";
import type { Recorder } from "../auth/api-keys";
import { recordShopRefund } from "../conversions/pending-refunds";
import { customerFields } from "../customers/customer-id";
import type { Db } from "../db";
import type { EventSink } from "../events/recorded-events";
import { decimalToMinor } from "../money";
import { type Clock, storableDate } from "../time";
import { outcomeOf, recordOrder } from "./orders";

export const SHOPIFY_KEY_ID = "webhook:shopify";
const SHOPIFY: Recorder = { keyId: SHOPIFY_KEY_ID, source: "shopify" };

// Shopify's ids are integers past 2^53 (its own sample order is 820982911946154508), which a
// JavaScript number would round. A reviver for JSON.parse that keeps every id (`id`, `*_id`) as
// the digits of the raw body, read through the reviver's source text.
export function exactIds(this: unknown, key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || !(key === "id" || key.endsWith("_id"))) return value;
  const source = context?.source;
  return source !== undefined && /^-?\d+$/.test(source) ? source : value;
}

const order = z
  .object({
    id: z.union([z.number().int(), z.string()]),
    total_price: z.string(),
    currency: z.string(),
    created_at: z.string().nullish(),
    processed_at: z.string().nullish(),
    landing_site: z.string().nullish(),
    // Cart attributes become the order's note attributes; sl.js puts the click id there.
    note_attributes: z.array(z.object({ name: z.string(), value: z.unknown() }).loose()).nullish(),
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

// The click id: the cart attribute sl_cid first (sl.js carries it from the landing page into the
// cart), else the landing page's query.
function clickIdOf(o: z.infer<typeof order>): string | undefined {
  const attribute = o.note_attributes?.find((a) => a.name === "sl_cid")?.value;
  if (typeof attribute === "string" && attribute !== "") return attribute;
  return clickIdFromLandingSite(o.landing_site);
}

// The one currency of a refund's transactions (undefined when none says), null when they differ.
function currencyOf(transactions: { currency?: string | null | undefined }[]): string | null | undefined {
  const currencies = new Set(transactions.flatMap((t) => (t.currency ? [t.currency.toUpperCase()] : [])));
  if (currencies.size > 1) return null;
  return [...currencies][0];
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
  // Verifies click ids and keys the hash of customers' emails.
  signingSecret: string,
  events: EventSink,
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
        ...customerFields(o.customer ? String(o.customer.id) : (o.email ?? orderId), signingSecret),
        clickId: clickIdOf(o),
        occurredAt: dateOf(o.processed_at ?? o.created_at),
        // Every code, in order: the first may be a shop-wide one and an influencer's come after.
        codes: (o.discount_codes ?? []).map((d) => d.code).filter((code) => code !== ""),
      },
      SHOPIFY,
      clock,
      signingSecret,
      events,
    );
  }
  if (topic === "refunds/create") {
    const parsed = refund.safeParse(payload);
    if (!parsed.success) return "ignored_malformed";
    const r = parsed.data;
    const transactions = (r.transactions ?? []).filter((t) => t.kind === "refund");
    const currency = currencyOf(transactions);
    if (currency === null) return "ignored_malformed";
    let total = 0;
    for (const transaction of transactions) {
      const minor = decimalToMinor(transaction.amount, transaction.currency ?? "EUR");
      if (minor === null) return "ignored_malformed";
      total += minor;
    }
    if (total === 0) return "ignored_no_amount";
    const result = await recordShopRefund(
      db,
      {
        orderId: String(r.order_id),
        refundId: `shopify:${r.id}`,
        amount: total,
        currency,
        occurredAt: dateOf(r.created_at),
      },
      SHOPIFY,
      clock,
      events,
    );
    return outcomeOf(result);
  }
  return "ignored_topic";
}
