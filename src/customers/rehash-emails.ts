import { storedCustomerId } from "./customer-id";

// Conversions recorded before emails were hashed still hold them. The key is a secret, so no SQL
// migration can compute the hash: the scheduled worker rewrites them here, a bounded number per
// run. Every statement checks the row still holds what was read, so a repeated or overlapping
// run rewrites nothing twice.
export type RehashOptions = {
  // Conversions read per run, and rows rewritten per D1 batch (up to three statements each).
  scanRows: number;
  batchRows: number;
};
export const DEFAULT_REHASH_OPTIONS: RehashOptions = { scanRows: 1000, batchRows: 100 };

export type RehashReport = { scanned: number; rehashed: number; next_rowid: number };

type Stored = { id: string; type: string; campaign_id: string; customer_id: string; occurred_at: number };

// One customer is one lead per campaign (the unique index conversions_lead). When two rows of a
// campaign become the same customer (a raw lead and the hashed lead the same email made since,
// or two spellings of one address), the earliest keeps the hash, as the earliest lead is the one
// that attributes the customer's sales; the others stay counted as the leads they were, under
// the hash and their own id, where no lookup finds them.
function rehash(d1: D1Database, row: Stored, secret: string): D1PreparedStatement[] {
  const hashed = storedCustomerId(row.customer_id, secret);
  const take = d1
    .prepare("UPDATE OR IGNORE conversions SET customer_id = ?1 WHERE id = ?2 AND customer_id = ?3")
    .bind(hashed, row.id, row.customer_id);
  if (row.type !== "lead") return [take];
  return [
    d1
      .prepare(
        `UPDATE conversions SET customer_id = ?1 || ':' || id
         WHERE type = 'lead' AND campaign_id = ?2 AND customer_id = ?1
           AND (occurred_at > ?3 OR (occurred_at = ?3 AND id > ?4))`,
      )
      .bind(hashed, row.campaign_id, row.occurred_at, row.id),
    take,
    // Still raw: an earlier lead of this customer holds the hash.
    d1
      .prepare("UPDATE conversions SET customer_id = ?1 || ':' || id WHERE id = ?2 AND customer_id = ?3")
      .bind(hashed, row.id, row.customer_id),
  ];
}

// A sweep over the conversions by rowid, a bounded stretch per run, carried from run to run by
// `previous` (what the last run reported): no index can find an @ inside a value, and reading
// every conversion on every run would cost a read of each row each time. Past the last row the
// sweep starts over, so a row that still held an email however it came (a restored backup) is
// found on a later sweep. A lost report only restarts the sweep.
export async function rehashStoredEmails(
  d1: D1Database,
  secret: string,
  options: RehashOptions,
  previous?: unknown,
): Promise<RehashReport> {
  const from = Number((previous as Partial<RehashReport> | undefined)?.next_rowid) || 0;
  const stretch = `SELECT rowid AS r, * FROM conversions WHERE rowid > ?1 ORDER BY rowid LIMIT ?2`;
  const [scanned, found] = await d1.batch<{ last: number | null; n: number } & Stored>([
    d1.prepare(`SELECT MAX(r) AS last, COUNT(*) AS n FROM (${stretch})`).bind(from, options.scanRows),
    d1
      .prepare(
        `SELECT id, type, campaign_id, customer_id, occurred_at FROM (${stretch}) WHERE customer_id LIKE '%@%'`,
      )
      .bind(from, options.scanRows),
  ]);
  const rows = found?.results ?? [];
  for (let i = 0; i < rows.length; i += options.batchRows) {
    await d1.batch(rows.slice(i, i + options.batchRows).flatMap((row) => rehash(d1, row, secret)));
  }
  const { last, n } = scanned?.results[0] ?? { last: null, n: 0 };
  return { scanned: n, rehashed: rows.length, next_rowid: n < options.scanRows ? 0 : (last ?? 0) };
}
