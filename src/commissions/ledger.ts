import { newId } from "../ids";
import { DAY_MS } from "../time";
import { saleCommission, shareOf } from "./amounts";

// Deriving the ledger from what was recorded. The queue's conversion and refund events (and the
// cron's catch-up, for any whose message was lost) name rows already in D1; the entries are read
// from those rows and the enrolment's terms, never from the message, and written with
// INSERT ... ON CONFLICT DO NOTHING against the ledger's unique keys (one earning per conversion,
// one clawback per refund). So at-least-once delivery, redelivery and any order write each entry
// exactly once: the first derivation stands, the rest insert nothing.

type EarningSource = {
  id: string;
  type: "sale" | "lead";
  campaign_id: string;
  influencer_id: string;
  amount: number | null;
  currency: string | null;
  occurred_at: number;
  day: string;
  source_rowid: number;
  campaign_currency: string;
  commission_rate: number | null;
  commission_per_sale: number | null;
  commission_per_lead: number | null;
  holding_days: number | null;
};

type Entry = {
  id: string;
  campaign_id: string;
  influencer_id: string;
  kind: "sale" | "lead";
  conversion_id: string;
  amount: number;
  currency: string;
  commission_rate: number | null;
  day: string;
  source_rowid: number;
  payable_at: number;
};

// What a conversion earns under its enrolment's terms as they stand when it is derived; nothing
// when that is zero (an influencer enrolled without commission has no entries to page through).
function earningOf(row: EarningSource): Entry | null {
  const terms = {
    commissionRate: row.commission_rate ?? 0,
    commissionPerSale: row.commission_per_sale ?? 0,
  };
  const amount =
    row.type === "sale" ? saleCommission(terms, row.amount ?? 0) : (row.commission_per_lead ?? 0);
  if (amount === 0) return null;
  return {
    id: newId("com"),
    campaign_id: row.campaign_id,
    influencer_id: row.influencer_id,
    kind: row.type,
    conversion_id: row.id,
    amount,
    currency: row.currency ?? row.campaign_currency,
    commission_rate: row.type === "sale" ? terms.commissionRate : null,
    day: row.day,
    source_rowid: row.source_rowid,
    payable_at: row.occurred_at + (row.holding_days ?? 0) * DAY_MS,
  };
}

const EARNING_SOURCE = `
  SELECT c.id, c.type, c.campaign_id, c.influencer_id, c.amount, c.currency, c.occurred_at, c.day,
         c.rowid AS source_rowid, k.currency AS campaign_currency, e.commission_rate, e.commission_per_sale,
         e.commission_per_lead, e.holding_days
  FROM conversions c
  JOIN campaigns k ON k.id = c.campaign_id
  LEFT JOIN enrolments e ON e.campaign_id = c.campaign_id AND e.influencer_id = c.influencer_id`;

// The earnings (sale and lead entries) of these conversions, each written once. All in one
// statement: the entries travel as one JSON text (D1 binds at most 100 parameters).
export async function deriveEarnings(d1: D1Database, conversionIds: string[], now: number) {
  if (conversionIds.length === 0) return;
  const { results } = await d1
    .prepare(`${EARNING_SOURCE} WHERE c.id IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify([...new Set(conversionIds)]))
    .all<EarningSource>();
  await insertEarnings(d1, results, now);
}

async function insertEarnings(d1: D1Database, sources: EarningSource[], now: number) {
  const entries = sources.map(earningOf).filter((e): e is Entry => e !== null);
  if (entries.length === 0) return;
  const field = (name: keyof Entry) => `json_extract(value, '$.${name}')`;
  // WHERE true: without it SQLite would read ON CONFLICT as a join's ON.
  await d1
    .prepare(
      `INSERT INTO commission_entries
         (id, campaign_id, influencer_id, kind, conversion_id, amount, currency, commission_rate, day,
          source_rowid, payable_at, created_at)
       SELECT ${field("id")}, ${field("campaign_id")}, ${field("influencer_id")}, ${field("kind")},
              ${field("conversion_id")}, ${field("amount")}, ${field("currency")}, ${field("commission_rate")},
              ${field("day")}, ${field("source_rowid")}, ${field("payable_at")}, ?2
       FROM json_each(?1) WHERE true
       ON CONFLICT DO NOTHING`,
    )
    .bind(JSON.stringify(entries), now)
    .run();
}

type RefundSource = { id: string; conversion_id: string; amount: number; day: string; source_rowid: number };

// The clawbacks of these refunds, each written once. The refunded sale's entry is derived first
// when it is not there yet (a refund's event may come before its sale's; the sale's row is in D1
// before any refund of it can be), then each clawback takes the share of its refund at the rate
// that sale earned, capped inside its own INSERT at what the sale's entry still holds after the
// clawbacks before it: D1 runs one statement at a time, so two partial refunds derived at the same
// moment cannot both take the last cents.
export async function deriveClawbacks(d1: D1Database, refundIds: string[], now: number) {
  if (refundIds.length === 0) return;
  const { results: refunds } = await d1
    .prepare(
      `SELECT id, conversion_id, amount, day, rowid AS source_rowid FROM refunds WHERE id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify([...new Set(refundIds)]))
    .all<RefundSource>();
  if (refunds.length === 0) return;
  const sales = [...new Set(refunds.map((r) => r.conversion_id))];
  await deriveEarnings(d1, sales, now);
  // Entries never change once written: the rate read here is the one the sale earned at.
  const { results: earned } = await d1
    .prepare(
      `SELECT conversion_id, commission_rate FROM commission_entries
       WHERE kind = 'sale' AND conversion_id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(sales))
    .all<{ conversion_id: string; commission_rate: number | null }>();
  const rateOf = new Map(earned.map((e) => [e.conversion_id, e.commission_rate ?? 0]));
  const statements = refunds.flatMap((refund) => {
    const share = shareOf(rateOf.get(refund.conversion_id) ?? 0, refund.amount);
    if (share === 0) return [];
    return [
      d1
        .prepare(
          `INSERT INTO commission_entries
             (id, campaign_id, influencer_id, kind, conversion_id, refund_id, amount, currency, day,
              source_rowid, payable_at, created_at)
           SELECT ?1, s.campaign_id, s.influencer_id, 'clawback', s.conversion_id, ?2, -MIN(?3, s.held),
                  s.currency, ?4, ?7, s.payable_at, ?5
           FROM (SELECT *, amount + COALESCE((SELECT SUM(c.amount) FROM commission_entries c
                                              WHERE c.kind = 'clawback' AND c.conversion_id = ?6), 0) AS held
                 FROM commission_entries WHERE kind = 'sale' AND conversion_id = ?6) s
           WHERE s.held > 0
           ON CONFLICT DO NOTHING`,
        )
        .bind(newId("com"), refund.id, share, refund.day, now, refund.conversion_id, refund.source_rowid),
    ];
  });
  if (statements.length > 0) await d1.batch(statements);
}

export type LedgerEvents = { conversionIds: string[]; refundIds: string[] };

// Both kinds of event, earnings first (a clawback needs its sale's entry).
export async function deriveLedger(d1: D1Database, events: LedgerEvents, now: number) {
  await deriveEarnings(d1, events.conversionIds, now);
  await deriveClawbacks(d1, events.refundIds, now);
}

export type CatchUpOptions = Record<"conversions" | "refunds", { chunkRows: number; maxChunks: number }>;
// Per cron run. Conversions cost one statement a chunk (their entries travel as one JSON text);
// a refund costs one statement of its own (its cap is read inside it), and a Worker's invocation
// may run at most 1,000 D1 queries: at most 200 refunds a run.
export const DEFAULT_CATCH_UP: CatchUpOptions = {
  conversions: { chunkRows: 500, maxChunks: 10 },
  refunds: { chunkRows: 50, maxChunks: 4 },
};

const CATCH_UP_SOURCES = {
  conversions: deriveEarnings,
  refunds: deriveClawbacks,
} as const;

// The cron's catch-up: every conversion and refund past the last one it read, in rowid order, a
// chunk at a time, derived like the queue's events (so those the queue did are no-ops). It is
// what derives the entries of rows a lost queue message never announced, and of rows recorded
// before the ledger existed. The watermark moves only after a chunk is derived; should that
// fail, the next run derives the chunk again, to the same entries.
export async function catchUpLedger(d1: D1Database, now: number, options = DEFAULT_CATCH_UP) {
  const report: Record<string, { rows: number; watermark: number; caught_up: boolean }> = {};
  for (const [source, derive] of Object.entries(CATCH_UP_SOURCES)) {
    const state = await d1
      .prepare("SELECT watermark FROM commission_watermarks WHERE source = ?1")
      .bind(source)
      .first<{ watermark: number }>();
    let watermark = state?.watermark ?? 0;
    let rows = 0;
    let caughtUp = false;
    const { chunkRows, maxChunks } = options[source as keyof typeof CATCH_UP_SOURCES];
    for (let chunk = 0; chunk < maxChunks; chunk++) {
      const { results } = await d1
        .prepare(`SELECT rowid AS n, id FROM ${source} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2`)
        .bind(watermark, chunkRows)
        .all<{ n: number; id: string }>();
      const last = results.at(-1);
      if (!last) {
        caughtUp = true;
        break;
      }
      await derive(
        d1,
        results.map((r) => r.id),
        now,
      );
      watermark = last.n;
      rows += results.length;
      await d1
        .prepare(
          `INSERT INTO commission_watermarks (source, watermark, updated_at) VALUES (?1, ?2, ?3)
           ON CONFLICT (source) DO UPDATE SET watermark = MAX(watermark, excluded.watermark),
             updated_at = excluded.updated_at`,
        )
        .bind(source, watermark, now)
        .run();
      if (results.length < chunkRows) {
        caughtUp = true;
        break;
      }
    }
    report[source] = { rows, watermark, caught_up: caughtUp };
  }
  return report;
}
