import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, timestampMs } from "./columns";

export type ConversionType = "lead" | "sale";
export type Attribution = "code" | "click" | "customer";

// Every counted lead and sale (an order is a sale). A sale is unique by (source, order_id) and a
// lead by (campaign, customer), enforced by the database so concurrent duplicates count once. The
// source is the checkout key's ("default" unless the key names one) or the webhook's ("stripe",
// "shopify"): two shops whose order numbers collide record two orders.
export const conversions = sqliteTable(
  "conversions",
  {
    id: text().primaryKey(),
    type: text().$type<ConversionType>().notNull(),
    source: text().notNull().default("default"),
    orderId: text(),
    campaignId: text().notNull(),
    influencerId: text().notNull(),
    attribution: text().$type<Attribution>().notNull(),
    codeId: text(),
    code: text(),
    linkId: text(),
    clickId: text(),
    customerId: text(),
    amount: integer(),
    currency: text(),
    occurredAt: timestampMs().notNull(),
    // The campaign's local day of `occurredAt` (YYYY-MM-DD), written with the row: the rollup's day.
    day: text().notNull(),
    // SHA-256 of the request that created it: a replay with the same body gets the same answer,
    // a different body for the same order is a conflict.
    requestHash: text().notNull(),
    keyId: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("conversions_source_order").on(t.source, t.orderId).where(sql`${t.orderId} IS NOT NULL`),
    uniqueIndex("conversions_lead").on(t.campaignId, t.customerId).where(sql`${t.type} = 'lead'`),
    // A sale without a usable click goes to the influencer of the customer's earliest lead, in
    // any campaign: without this, that lookup read every lead of every campaign.
    index("conversions_customer_lead").on(t.customerId, t.occurredAt, t.id).where(sql`${t.type} = 'lead'`),
    index("conversions_code").on(t.codeId),
    index("conversions_campaign_occurred").on(t.campaignId, t.occurredAt),
    // The rollup finds the sales of each chunk of clicks by click id (a sale whose click row came
    // after it). Partial: sales by code carry no click, and an index entry is a row written.
    index("conversions_click").on(t.clickId).where(sql`${t.clickId} IS NOT NULL`),
  ],
);

// Redemptions that were refused, kept for fraud review (someone enumerating codes shows here),
// never counted. They are also what throttles guessing: a buyer's recent refusals are counted
// through the two buyer columns, keyed hashes (never the customer id or address itself).
export const redemptionAttempts = sqliteTable(
  "redemption_attempts",
  {
    id: text().primaryKey(),
    code: text().notNull(),
    orderId: text(),
    reason: text().notNull(),
    keyId: text().notNull(),
    // The customer_id's bucket, when the checkout sent one.
    customerBucket: text(),
    // The client_ip's bucket; without customer_id and client_ip, the key's one anonymous bucket.
    clientBucket: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index("redemption_attempts_created").on(t.createdAt),
    index("redemption_attempts_customer")
      .on(t.customerBucket, t.createdAt)
      .where(sql`${t.customerBucket} IS NOT NULL`),
    index("redemption_attempts_client")
      .on(t.clientBucket, t.createdAt)
      .where(sql`${t.clientBucket} IS NOT NULL`),
  ],
);

// Money given back on an order. Unique by the source's refund_id (replays count once); the sum per
// order never exceeds the order's amount, checked inside the insert itself.
export const refunds = sqliteTable(
  "refunds",
  {
    id: text().primaryKey(),
    source: text().notNull().default("default"),
    refundId: text().notNull(),
    orderId: text().notNull(),
    conversionId: text().notNull(),
    campaignId: text().notNull(),
    influencerId: text().notNull(),
    amount: integer().notNull(),
    currency: text().notNull(),
    occurredAt: timestampMs().notNull(),
    // The campaign's local day of `occurredAt`, as for conversions.
    day: text().notNull(),
    requestHash: text().notNull(),
    keyId: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("refunds_source_refund").on(t.source, t.refundId),
    index("refunds_source_order").on(t.source, t.orderId),
    index("refunds_campaign_occurred").on(t.campaignId, t.occurredAt),
  ],
);

// A webhook's refund whose order has not arrived (a shop may deliver the refund first): kept for
// PENDING_REFUND_DAYS and recorded once when its order is, by whichever path the order comes.
export const pendingRefunds = sqliteTable(
  "pending_refunds",
  {
    source: text().notNull(),
    refundId: text().notNull(),
    orderId: text().notNull(),
    // The refunded amount, or for a running total (Stripe's amount_refunded) the total.
    amount: integer().notNull(),
    runningTotal: integer({ mode: "boolean" }).notNull(),
    // As the shop reported it, checked against the order's when the order arrives.
    currency: text(),
    occurredAt: timestampMs(),
    keyId: text().notNull(),
    receivedAt: timestampMs().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.refundId] }),
    index("pending_refunds_order").on(t.source, t.orderId),
    index("pending_refunds_received").on(t.receivedAt),
  ],
);
