import { eq } from "drizzle-orm";
import { conversions, redemptionAttempts } from "../../schema";
import { findCampaign } from "../campaigns/campaigns";
import { findPromoCodeByCode, normaliseCode } from "../codes/promo-codes";
import { sha256Hex } from "../crypto";
import type { Db } from "../db";
import { ApiError, type ErrorCode } from "../errors";
import { type EventSink, noEvents } from "../events/recorded-events";
import { newId } from "../ids";
import { type Clock, toIso } from "../time";

export type RedemptionInput = {
  code: string;
  orderId: string;
  amount: number;
  currency: string;
  customerId?: string | undefined;
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
function requestHash(input: RedemptionInput): string {
  return sha256Hex(
    JSON.stringify([
      "redemption",
      normaliseCode(input.code),
      input.orderId,
      input.amount,
      input.currency.toUpperCase(),
      input.customerId ?? null,
      input.clickId ?? null,
      input.occurredAt?.toISOString() ?? null,
    ]),
  );
}

async function findByOrder(db: Db, orderId: string) {
  return db.query.conversions.findFirst({ where: eq(conversions.orderId, orderId) });
}

function replayOrConflict(existing: ConversionRow, hash: string) {
  if (existing.requestHash === hash && existing.attribution === "code") {
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

// Records an order placed with a promo code, exactly once. The conversion row and the code's
// redemption count are written in one D1 batch (one transaction): the insert only happens while
// the code has redemptions left, and the unique order index makes concurrent duplicates one row.
export async function redeem(
  db: Db,
  input: RedemptionInput,
  keyId: string,
  clock: Clock,
  events: EventSink = noEvents,
) {
  const hash = requestHash(input);
  const existing = await findByOrder(db, input.orderId);
  if (existing) return replayOrConflict(existing, hash);

  const promo = await findPromoCodeByCode(db, input.code);
  if (!promo) return refuse(db, "code_not_found", input, keyId, clock);
  const now = clock();
  if (!promo.active) return refuse(db, "code_inactive", input, keyId, clock);
  if ((promo.startsAt && promo.startsAt.getTime() > now) || (promo.endsAt && promo.endsAt.getTime() <= now)) {
    return refuse(db, "code_expired", input, keyId, clock);
  }
  const campaign = await findCampaign(db, promo.campaignId);
  if (campaign.currency !== input.currency.toUpperCase())
    return refuse(db, "currency_mismatch", input, keyId, clock);
  if (promo.maxRedemptions !== null && promo.redemptions >= promo.maxRedemptions) {
    return refuse(db, "code_exhausted", input, keyId, clock);
  }

  const d1 = db.$client;
  const id = newId("red");
  const [insert] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO conversions (id, type, order_id, campaign_id, influencer_id, attribution, code_id, code, link_id,
                                  click_id, customer_id, amount, currency, occurred_at, request_hash, key_id, created_at)
         SELECT ?1, 'sale', ?2, ?3, ?4, 'code', ?5, ?6, NULL, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14
         WHERE (SELECT max_redemptions IS NULL OR redemptions < max_redemptions FROM promo_codes WHERE id = ?5)
         ON CONFLICT (order_id) WHERE order_id IS NOT NULL DO NOTHING`,
      )
      .bind(
        id,
        input.orderId,
        promo.campaignId,
        promo.influencerId,
        promo.id,
        promo.code,
        input.clickId ?? null,
        input.customerId ?? null,
        input.amount,
        campaign.currency,
        input.occurredAt?.getTime() ?? now,
        hash,
        keyId,
        now,
      ),
    // Counts one more only if the insert above happened (the new id exists): constant time, where
    // recounting the code's conversions would grow with every redemption inside the write lock.
    d1
      .prepare(
        "UPDATE promo_codes SET redemptions = redemptions + 1 WHERE id = ?1 AND EXISTS (SELECT 1 FROM conversions WHERE id = ?2)",
      )
      .bind(promo.id, id),
  ]);
  const stored = await findByOrder(db, input.orderId);
  if (insert?.meta.changes === 1 && stored?.id === id) {
    const body = serializeRedemption(stored);
    events({ type: "conversion", v: 1, record: body });
    return { status: 201 as const, body };
  }
  // Another request recorded this order first, or the code ran out in the meantime.
  if (stored) return replayOrConflict(stored, hash);
  return refuse(db, "code_exhausted", input, keyId, clock);
}
