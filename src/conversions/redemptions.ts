import { eq } from "drizzle-orm";
import { campaigns, type conversions, promoCodes, redemptionAttempts } from "../../schema";
import { normaliseCode } from "../codes/promo-codes";
import { sha256Hex } from "../crypto";
import type { Db } from "../db";
import { ApiError, type ErrorCode } from "../errors";
import { type EventSink, noEvents } from "../events/recorded-events";
import { newId } from "../ids";
import { type Clock, toIso } from "../time";
import { findOrder } from "./conversions";

export type RedemptionInput = {
  code: string;
  orderId: string;
  amount: number;
  currency: string;
  // As stored, and as sent when that was an email: see ConversionInput.
  customerId?: string | undefined;
  customerIdAsSent?: string | undefined;
  clickId?: string | undefined;
  occurredAt?: Date | undefined;
};

type ConversionRow = typeof conversions.$inferSelect;

export function serializeRedemption(row: ConversionRow) {
  return {
    id: row.id,
    order_id: row.orderId as string,
    code: row.code as string,
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    amount: row.amount as number,
    currency: row.currency as string,
    customer_id: row.customerId,
    click_id: row.clickId,
    attribution: "code" as const,
    occurred_at: toIso(row.occurredAt) as string,
    created_at: toIso(row.createdAt) as string,
  };
}

// The same request always hashes the same: the replay check compares these.
function requestHash(input: RedemptionInput, customerId = input.customerId): string {
  return sha256Hex(
    JSON.stringify([
      "redemption",
      normaliseCode(input.code),
      input.orderId,
      input.amount,
      input.currency.toUpperCase(),
      customerId ?? null,
      input.clickId ?? null,
      input.occurredAt?.toISOString() ?? null,
    ]),
  );
}

function replayOrConflict(existing: ConversionRow, hashes: string[]) {
  if (hashes.includes(existing.requestHash) && existing.attribution === "code") {
    return { status: 200 as const, body: serializeRedemption(existing) };
  }
  throw new ApiError(
    "order_conflict",
    `Order ${existing.orderId} was already recorded with a different body.`,
  );
}

const REFUSALS: Partial<Record<ErrorCode, string>> = {
  code_not_found: "No such promo code.",
  code_inactive: "This promo code is turned off.",
  code_expired: "This promo code is not valid at this time.",
  code_exhausted: "This promo code has been used as often as it may be.",
  currency_mismatch: "The order's currency is not the campaign's.",
};

// A refused redemption is kept for fraud review (which key tried which code, and why), then
// answered with the contract's code.
async function refuse(
  db: Db,
  code: ErrorCode,
  input: RedemptionInput,
  keyId: string,
  clock: Clock,
): Promise<never> {
  await db.insert(redemptionAttempts).values({
    id: newId("att"),
    code: normaliseCode(input.code).slice(0, 64),
    orderId: input.orderId,
    reason: code,
    keyId,
    createdAt: new Date(clock()),
  });
  throw new ApiError(code, REFUSALS[code] ?? "Refused.");
}

// Records an order placed with a promo code, exactly once, in two D1 round trips (on Cloudflare
// each is a trip to the database's region, on the checkout's critical path; there were five):
// one batch reads what decides the answer, one writes. The write is one D1 batch (one
// transaction): the insert only happens while the code has redemptions left, the unique order
// index makes concurrent duplicates one row, and which row holds the order is read back inside
// the same transaction. Only a lost race reads once more, to answer with the winner's row.
export async function redeem(
  db: Db,
  input: RedemptionInput,
  keyId: string,
  clock: Clock,
  events: EventSink = noEvents,
) {
  const hash = requestHash(input);
  const hashes = input.customerIdAsSent ? [hash, requestHash(input, input.customerIdAsSent)] : [hash];
  const [[existing], [found]] = await db.batch([
    findOrder(db, input.orderId),
    db
      .select({ promo: promoCodes, currency: campaigns.currency })
      .from(promoCodes)
      .innerJoin(campaigns, eq(campaigns.id, promoCodes.campaignId))
      .where(eq(promoCodes.code, normaliseCode(input.code)))
      .limit(1),
  ]);
  if (existing) return replayOrConflict(existing, hashes);

  if (!found) return refuse(db, "code_not_found", input, keyId, clock);
  const { promo, currency } = found;
  const now = clock();
  if (!promo.active) return refuse(db, "code_inactive", input, keyId, clock);
  if ((promo.startsAt && promo.startsAt.getTime() > now) || (promo.endsAt && promo.endsAt.getTime() <= now)) {
    return refuse(db, "code_expired", input, keyId, clock);
  }
  if (currency !== input.currency.toUpperCase()) return refuse(db, "currency_mismatch", input, keyId, clock);
  if (promo.maxRedemptions !== null && promo.redemptions >= promo.maxRedemptions) {
    return refuse(db, "code_exhausted", input, keyId, clock);
  }

  const row: ConversionRow = {
    id: newId("red"),
    type: "sale",
    orderId: input.orderId,
    campaignId: promo.campaignId,
    influencerId: promo.influencerId,
    attribution: "code",
    codeId: promo.id,
    code: promo.code,
    linkId: null,
    clickId: input.clickId ?? null,
    customerId: input.customerId ?? null,
    amount: input.amount,
    currency,
    occurredAt: input.occurredAt ?? new Date(now),
    requestHash: hash,
    keyId,
    createdAt: new Date(now),
  };
  const d1 = db.$client;
  const [insert, , recorded] = await d1.batch<{ id: string }>([
    d1
      .prepare(
        `INSERT INTO conversions (id, type, order_id, campaign_id, influencer_id, attribution, code_id, code, link_id,
                                  click_id, customer_id, amount, currency, occurred_at, request_hash, key_id, created_at)
         SELECT ?1, 'sale', ?2, ?3, ?4, 'code', ?5, ?6, NULL, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14
         WHERE (SELECT max_redemptions IS NULL OR redemptions < max_redemptions FROM promo_codes WHERE id = ?5)
         ON CONFLICT (order_id) WHERE order_id IS NOT NULL DO NOTHING`,
      )
      .bind(
        row.id,
        row.orderId,
        row.campaignId,
        row.influencerId,
        row.codeId,
        row.code,
        row.clickId,
        row.customerId,
        row.amount,
        row.currency,
        row.occurredAt.getTime(),
        row.requestHash,
        row.keyId,
        now,
      ),
    // Counts one more only if the insert above happened (the new id exists): constant time, where
    // recounting the code's conversions would grow with every redemption inside the write lock.
    d1
      .prepare(
        "UPDATE promo_codes SET redemptions = redemptions + 1 WHERE id = ?1 AND EXISTS (SELECT 1 FROM conversions WHERE id = ?2)",
      )
      .bind(promo.id, row.id),
    // Which row holds the order now, read inside the same transaction.
    d1.prepare("SELECT id FROM conversions WHERE order_id = ?1").bind(row.orderId),
  ]);
  if (insert?.meta.changes === 1 && recorded?.results[0]?.id === row.id) {
    const body = serializeRedemption(row);
    events({ type: "conversion", v: 1, record: body });
    return { status: 201 as const, body };
  }
  const [stored] = await findOrder(db, input.orderId);
  // Another request recorded this order first, or the code ran out in the meantime.
  if (stored) return replayOrConflict(stored, hashes);
  return refuse(db, "code_exhausted", input, keyId, clock);
}
