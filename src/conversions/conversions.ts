import { and, asc, eq, sql } from "drizzle-orm";
import { campaigns, conversions, links } from "../../schema";
import type { Recorder } from "../auth/api-keys";
import { localDayOfEvent } from "../campaigns/time-zones";
import { INVALID_CLICK_ID_MESSAGE, verifyClickId } from "../clicks/click-id";
import { sha256Hex } from "../crypto";
import type { Db } from "../db";
import { type EventSink, noEvents } from "../events/recorded-events";
import { newId } from "../ids";
import { type Clock, DAY_MS } from "../time";
import { occurredAtOrNow } from "./occurred-at";
import { type RecordResult, refused } from "./results";

export type ConversionInput = {
  type: "lead" | "sale";
  // As stored (see storedCustomerId): an email arrives here already hashed.
  customerId: string;
  // The identifier as the request sent it, when that was an email: only to recognise a replay of
  // a request recorded before emails were hashed (its request hash holds the email). Never stored.
  customerIdAsSent?: string | undefined;
  clickId?: string | undefined;
  orderId?: string | undefined;
  amount?: number | undefined;
  currency?: string | undefined;
  occurredAt?: Date | undefined;
};

export type ConversionRow = typeof conversions.$inferSelect;

// A click id may say it is a little in the future of the conversion: clocks of the shop and of
// Cloudflare's edge are not the same clock.
const CLOCK_SKEW_MS = 5 * 60_000;

type Attributed = {
  campaignId: string;
  // The campaign's, read with the attribution: a sale must be in it.
  currency: string;
  influencerId: string;
  attribution: "click" | "customer";
  linkId: string | null;
  clickId: string | null;
};

type Click = { id: string; linkId: string; clickedAt: number };

// By click id: the clicked link's influencer, when the click lies inside the campaign's
// attribution window. The verified id itself says which link and when (see click-id.ts), so a sale
// right after a click is attributed while the click is still on its way to D1, and no click row
// is read. A link disabled after the click still attributes it: the click was real.
async function byClick(db: Db, click: Click, at: number): Promise<Attributed | null> {
  const [found] = await db
    .select({ link: links, window: campaigns.attributionWindowDays, currency: campaigns.currency })
    .from(links)
    .innerJoin(campaigns, eq(campaigns.id, links.campaignId))
    .where(eq(links.id, click.linkId))
    .limit(1);
  if (!found) return null;
  const age = at - click.clickedAt;
  if (age < -CLOCK_SKEW_MS || age > found.window * DAY_MS) return null;
  return {
    campaignId: found.link.campaignId,
    currency: found.currency,
    influencerId: found.link.influencerId,
    attribution: "click",
    linkId: found.link.id,
    clickId: click.id,
  };
}

// A lead, with 'lead' written into the SQL rather than bound: SQLite uses a partial index
// (conversions_lead, conversions_customer_lead) only when the query's own text implies its WHERE.
const IS_LEAD = sql`${conversions.type} = 'lead'`;

// By customer: the influencer of that customer's earliest attributed lead.
async function byCustomer(db: Db, customerId: string): Promise<Attributed | null> {
  const [found] = await db
    .select({ lead: conversions, currency: campaigns.currency })
    .from(conversions)
    .innerJoin(campaigns, eq(campaigns.id, conversions.campaignId))
    .where(and(eq(conversions.customerId, customerId), IS_LEAD))
    .orderBy(asc(conversions.occurredAt), asc(conversions.id))
    .limit(1);
  if (!found) return null;
  const { lead, currency } = found;
  return {
    campaignId: lead.campaignId,
    currency,
    influencerId: lead.influencerId,
    attribution: "customer",
    linkId: lead.linkId,
    clickId: lead.clickId,
  };
}

function requestHash(input: ConversionInput, customerId = input.customerId): string {
  return sha256Hex(
    JSON.stringify([
      "conversion",
      input.type,
      customerId,
      input.clickId ?? null,
      input.orderId ?? null,
      input.amount ?? null,
      input.currency?.toUpperCase() ?? null,
      input.occurredAt?.toISOString() ?? null,
    ]),
  );
}

// The conversion recorded for a source's order_id, if any (a sale, claimed by a code or a click):
// a query of at most one row, so that it can go in a batch. A select, not findFirst: drizzle's
// findFirst inside a D1 batch throws when it finds nothing, where this gives an empty list.
export function findOrder(db: Db, source: string, orderId: string) {
  return db
    .select()
    .from(conversions)
    .where(and(eq(conversions.source, source), eq(conversions.orderId, orderId)))
    .limit(1);
}

// What already stands for this input: the order (sales), or the customer's lead in the campaign
// once attribution has told which (null before). A query like findOrder's.
function existingFor(db: Db, input: ConversionInput, source: string, campaignId: string | null) {
  if (input.type === "sale" && input.orderId) return findOrder(db, source, input.orderId);
  if (input.type === "lead" && campaignId) {
    return db
      .select()
      .from(conversions)
      .where(
        and(IS_LEAD, eq(conversions.campaignId, campaignId), eq(conversions.customerId, input.customerId)),
      )
      .limit(1);
  }
  return null;
}

// The row existingFor finds, or undefined.
async function findExisting(db: Db, input: ConversionInput, source: string, campaignId: string | null) {
  const [row] = (await existingFor(db, input, source, campaignId)) ?? [];
  return row;
}

// An existing record answers the request when it is the same request, when it is a lead (a
// customer is a lead once per campaign), or when a promo code already claimed the order (a code's
// attribution wins). Anything else is a conflicting order.
function answerExisting(existing: ConversionRow, hashes: string[]): RecordResult<ConversionRow> {
  if (hashes.includes(existing.requestHash) || existing.type === "lead" || existing.attribution === "code") {
    return { outcome: "already_recorded", record: existing };
  }
  return refused("order_conflict", `Order ${existing.orderId} was already recorded with a different body.`);
}

export async function recordConversion(
  db: Db,
  input: ConversionInput,
  by: Recorder,
  clock: Clock,
  signingSecret: string,
  events: EventSink = noEvents,
): Promise<RecordResult<ConversionRow>> {
  // Refused before anything is read: an id the redirect did not issue attributes nothing.
  let click: Click | null = null;
  if (input.clickId !== undefined) {
    const verified = verifyClickId(signingSecret, input.clickId);
    if (!verified) return refused("invalid_click_id", INVALID_CLICK_ID_MESSAGE);
    click = { id: input.clickId, ...verified };
  }
  const hash = requestHash(input);
  const hashes = input.customerIdAsSent ? [hash, requestHash(input, input.customerIdAsSent)] : [hash];
  const now = clock();
  const at = occurredAtOrNow(input.occurredAt, now).getTime();

  const earlyExisting = await findExisting(db, input, by.source, null);
  if (earlyExisting) return answerExisting(earlyExisting, hashes);

  const attributed =
    (click ? await byClick(db, click, at) : null) ?? (await byCustomer(db, input.customerId));
  if (!attributed) {
    return refused(
      "unattributed",
      "Neither the click id (inside the campaign's attribution window) nor an earlier lead of this customer attributes it.",
    );
  }
  // A lead is known by its campaign, which attribution has just told.
  if (input.type === "lead") {
    const existing = await findExisting(db, input, by.source, attributed.campaignId);
    if (existing) return answerExisting(existing, hashes);
  }

  let currency: string | null = null;
  if (input.type === "sale") {
    currency = input.currency?.toUpperCase() ?? null;
    if (attributed.currency !== currency) {
      return refused("currency_mismatch", "The order's currency is not the campaign's.");
    }
  }

  const day = await localDayOfEvent(db.$client, attributed.campaignId, at, now);
  const id = newId("cnv");
  // Unique indexes (source and order_id for sales, campaign + customer for leads) make concurrent
  // duplicates one row: the losers insert nothing and answer with the winner's record, read back
  // in the same batch (one D1 round trip, one transaction).
  const insert = db
    .insert(conversions)
    .values({
      id,
      type: input.type,
      source: by.source,
      orderId: input.type === "sale" ? (input.orderId ?? null) : null,
      campaignId: attributed.campaignId,
      influencerId: attributed.influencerId,
      attribution: attributed.attribution,
      codeId: null,
      code: null,
      linkId: attributed.linkId,
      clickId: attributed.clickId,
      customerId: input.customerId,
      amount: input.type === "sale" ? (input.amount ?? null) : null,
      currency,
      occurredAt: new Date(at),
      day,
      requestHash: hash,
      keyId: by.keyId,
      createdAt: new Date(now),
    })
    .onConflictDoNothing();
  const readBack = existingFor(db, input, by.source, attributed.campaignId);
  if (!readBack) throw new Error("a sale without order_id reached the insert");
  const [, [stored]] = await db.batch([insert, readBack]);
  if (!stored) throw new Error("conversion vanished after insert");
  if (stored.id === id) {
    events({ type: "conversion", record: stored });
    return { outcome: "recorded", record: stored };
  }
  return answerExisting(stored, hashes);
}
