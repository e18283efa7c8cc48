import { eq } from "drizzle-orm";
import { campaigns, promoCodes, redemptionAttempts } from "../../schema";
import type { Recorder } from "../auth/api-keys";
import { localDayOfEvent } from "../campaigns/time-zones";
import { INVALID_CLICK_ID_MESSAGE, verifyClickId } from "../clicks/click-id";
import { normaliseCode } from "../codes/promo-codes";
import { hmacSha256Hex, sha256Hex } from "../crypto";
import type { Db } from "../db";
import type { ErrorCode } from "../errors";
import { type EventSink, noEvents } from "../events/recorded-events";
import { newId } from "../ids";
import { addressBucket, limitingFailure, rateLimited, secondsBlocked, type Throttle } from "../throttle";
import type { Clock } from "../time";
import { type ConversionRow, findOrder } from "./conversions";
import { occurredAtOrNow } from "./occurred-at";
import { type RecordResult, type Refused, refused } from "./results";

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

// A conversion a promo code recorded: it always has its order, code and money.
export type RedemptionRow = ConversionRow & {
  orderId: string;
  code: string;
  amount: number;
  currency: string;
  attribution: "code";
};

export function isRedemption(row: ConversionRow): row is RedemptionRow {
  return (
    row.attribution === "code" &&
    row.orderId !== null &&
    row.code !== null &&
    row.amount !== null &&
    row.currency !== null
  );
}

// Guessing codes is throttled per buyer, never per shop: a buyer with this many refused
// redemptions within the window is refused rate_limited whatever it sends next, so that tells nothing
// about whether a code exists, while the shop's other buyers are served.
export const BUYER_THROTTLE: Throttle = { limit: 20, windowMs: 60_000 };

// Who is redeeming, as the checkout tells: the customer_id, the buyer's address, both or neither.
// Each is a keyed hash, scoped to the checkout key. A buyer is over the limit when either of its
// buckets is, so rotating customer_id from one address is throttled by the address. Without
// either, buyers cannot be told apart: they share the key's one anonymous bucket, so anonymous
// guessing slows only anonymous buyers, never those who identify themselves.
export type Buyer = { customerBucket: string | null; clientBucket: string | null };

export function buyerOf(
  secret: string,
  keyId: string,
  customerId: string | undefined,
  clientIp: string | undefined,
): Buyer {
  const customerBucket =
    customerId === undefined ? null : hmacSha256Hex(secret, JSON.stringify(["customer", keyId, customerId]));
  if (clientIp !== undefined)
    return { customerBucket, clientBucket: addressBucket(secret, `client ${keyId}`, clientIp) };
  if (customerBucket) return { customerBucket, clientBucket: null };
  return { customerBucket: null, clientBucket: hmacSha256Hex(secret, JSON.stringify(["anonymous", keyId])) };
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

function replayOrConflict(existing: ConversionRow, hashes: string[]): RecordResult<RedemptionRow> {
  if (hashes.includes(existing.requestHash) && isRedemption(existing)) {
    return { outcome: "already_recorded", record: existing };
  }
  return refused("order_conflict", `Order ${existing.orderId} was already recorded with a different body.`);
}

const REFUSALS: Partial<Record<ErrorCode, string>> = {
  code_not_found: "No such promo code.",
  code_inactive: "This promo code is turned off.",
  code_expired: "This promo code is not valid at this time.",
  code_exhausted: "This promo code has been used as often as it may be.",
  currency_mismatch: "The order's currency is not the campaign's.",
  invalid_click_id: INVALID_CLICK_ID_MESSAGE,
};

// A refused redemption is kept for fraud review (which key tried which code, and why) and
// counts against its buyer's throttle; the refusal carries the contract's code.
async function refuse(
  db: Db,
  code: ErrorCode,
  input: RedemptionInput,
  keyId: string,
  clock: Clock,
  buyer: Buyer | undefined,
): Promise<Refused> {
  await db.insert(redemptionAttempts).values({
    id: newId("att"),
    code: normaliseCode(input.code).slice(0, 64),
    orderId: input.orderId,
    reason: code,
    keyId,
    customerBucket: buyer?.customerBucket ?? null,
    clientBucket: buyer?.clientBucket ?? null,
    createdAt: new Date(clock()),
  });
  return refused(code, REFUSALS[code] ?? "Refused.");
}

// Records an order placed with a promo code, exactly once, in two D1 round trips (on Cloudflare
// each is a trip to the database's region, on the checkout's critical path; there were five):
// one batch reads what decides the answer, one writes. The write is one D1 batch (one
// transaction): the insert only happens while the code has redemptions left, the unique order
// index makes concurrent duplicates one row, and which row holds the order is read back inside
// the same transaction. Only a lost race reads once more, to answer with the winner's row.
// With a buyer (the API's checkout calls), the read batch also reads the buyer's throttle; a
// shop's signed webhook reports paid orders, not guesses, and names none.
export async function redeem(
  db: Db,
  input: RedemptionInput,
  by: Recorder,
  clock: Clock,
  signingSecret: string,
  events: EventSink = noEvents,
  buyer?: Buyer,
): Promise<RecordResult<RedemptionRow>> {
  const { keyId } = by;
  const hash = requestHash(input);
  const hashes = input.customerIdAsSent ? [hash, requestHash(input, input.customerIdAsSent)] : [hash];
  const now = clock();
  const failures = { bucket: redemptionAttempts.customerBucket, createdAt: redemptionAttempts.createdAt };
  const [[existing], [found], byCustomer, byClient] = await db.batch([
    findOrder(db, by.source, input.orderId),
    db
      .select({ promo: promoCodes, currency: campaigns.currency })
      .from(promoCodes)
      .innerJoin(campaigns, eq(campaigns.id, promoCodes.campaignId))
      .where(eq(promoCodes.code, normaliseCode(input.code)))
      .limit(1),
    limitingFailure(db, redemptionAttempts, failures, buyer?.customerBucket ?? null, BUYER_THROTTLE, now),
    limitingFailure(
      db,
      redemptionAttempts,
      { ...failures, bucket: redemptionAttempts.clientBucket },
      buyer?.clientBucket ?? null,
      BUYER_THROTTLE,
      now,
    ),
  ]);
  // Before anything else about the request, so the answer is the same whatever the code.
  const wait = secondsBlocked(BUYER_THROTTLE, [...byCustomer, ...byClient], now);
  if (wait !== null) throw rateLimited("Too many refused redemptions from this buyer.", wait);
  if (existing) return replayOrConflict(existing, hashes);

  const refusal = (code: ErrorCode) => refuse(db, code, input, keyId, clock, buyer);
  // The code attributes the order, but a click id stored with it must be one the redirect issued.
  if (input.clickId !== undefined && !verifyClickId(signingSecret, input.clickId)) {
    return refusal("invalid_click_id");
  }
  if (!found) return refusal("code_not_found");
  const { promo, currency } = found;
  if (!promo.active) return refusal("code_inactive");
  if ((promo.startsAt && promo.startsAt.getTime() > now) || (promo.endsAt && promo.endsAt.getTime() <= now)) {
    return refusal("code_expired");
  }
  if (currency !== input.currency.toUpperCase()) return refusal("currency_mismatch");
  if (promo.maxRedemptions !== null && promo.redemptions >= promo.maxRedemptions) {
    return refusal("code_exhausted");
  }

  const occurredAt = occurredAtOrNow(input.occurredAt, now);
  const row: RedemptionRow = {
    id: newId("red"),
    type: "sale",
    source: by.source,
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
    occurredAt,
    day: await localDayOfEvent(db.$client, promo.campaignId, occurredAt.getTime(), now),
    requestHash: hash,
    keyId,
    createdAt: new Date(now),
  };
  const d1 = db.$client;
  const [insert, , recorded] = await d1.batch<{ id: string }>([
    d1
      .prepare(
        `INSERT INTO conversions (id, type, order_id, campaign_id, influencer_id, attribution, code_id, code, link_id,
                                  click_id, customer_id, amount, currency, occurred_at, request_hash, key_id, created_at,
                                  source, day)
         SELECT ?1, 'sale', ?2, ?3, ?4, 'code', ?5, ?6, NULL, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16
         WHERE (SELECT max_redemptions IS NULL OR redemptions < max_redemptions FROM promo_codes WHERE id = ?5)
         ON CONFLICT (source, order_id) WHERE order_id IS NOT NULL DO NOTHING`,
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
        row.source,
        row.day,
      ),
    // Counts one more only if the insert above happened (the new id exists): constant time, where
    // recounting the code's conversions would grow with every redemption inside the write lock.
    d1
      .prepare(
        "UPDATE promo_codes SET redemptions = redemptions + 1 WHERE id = ?1 AND EXISTS (SELECT 1 FROM conversions WHERE id = ?2)",
      )
      .bind(promo.id, row.id),
    // Which row holds the order now, read inside the same transaction.
    d1
      .prepare("SELECT id FROM conversions WHERE source = ?1 AND order_id = ?2")
      .bind(row.source, row.orderId),
  ]);
  if (insert?.meta.changes === 1 && recorded?.results[0]?.id === row.id) {
    events({ type: "conversion", record: row });
    return { outcome: "recorded", record: row };
  }
  const [stored] = await findOrder(db, by.source, input.orderId);
  // Another request recorded this order first, or the code ran out in the meantime.
  if (stored) return replayOrConflict(stored, hashes);
  return refusal("code_exhausted");
}
