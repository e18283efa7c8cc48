import { isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

// What a list shows besides its page: archived rows (hidden unless asked for) and a search.
// Archived rows stay in every figure; only the lists leave them out.
export type ArchivedFilter = "hide" | "include" | "only";
export type ListFilter = { q?: string | undefined; archived?: ArchivedFilter | undefined };

// D1 refuses a LIKE pattern over 50 bytes ("LIKE or GLOB pattern too complex"): a search is at
// most this many characters, and its pattern is cut to fit in bytes (see likePattern).
export const MAX_SEARCH_LENGTH = 40;
const MAX_LIKE_PATTERN_BYTES = 50;

export function archivedCondition(column: SQLiteColumn, archived: ArchivedFilter = "hide"): SQL | undefined {
  if (archived === "include") return undefined;
  return archived === "only" ? isNotNull(column) : isNull(column);
}

// "%", "_" and "\" typed in a search are letters, not LIKE's wildcards: handles are full of "_".
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

// SQLite's LIKE ignores case for ASCII letters only (D1 has no ICU): "lea" finds "Lea" and "LEA",
// not "Léa".
const like = (column: SQL | SQLiteColumn, pattern: string) => sql`${column} LIKE ${pattern} ESCAPE '\\'`;
// The whole text, in any case as LIKE ignores it: lower() on both sides, since SQLite's lower()
// also folds ASCII letters only, and it has no pattern for D1's 50-byte limit to refuse.
export const likeText = (column: SQL | SQLiteColumn, text: string) => sql`lower(${column}) = lower(${text})`;

// "%text%", escaped, with the text cut (by whole characters) until the pattern fits D1's limit:
// a longer search finds what its first characters find.
function likePattern(text: string): string {
  const chars = [...text];
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  let pattern = `%${escapeLike(chars.join(""))}%`;
  while (bytes(pattern) > MAX_LIKE_PATTERN_BYTES && chars.length > 0) {
    chars.pop();
    pattern = `%${escapeLike(chars.join(""))}%`;
  }
  return pattern;
}

// Rows where any of the columns contains the text, in any case.
export function searchCondition(columns: (SQL | SQLiteColumn)[], q: string | undefined): SQL | undefined {
  const text = q?.trim();
  if (!text) return undefined;
  const pattern = likePattern(text);
  return or(...columns.map((column) => like(column, pattern)));
}

// archived: true stamps the row once (archiving again keeps the first time, so a repeated request
// changes nothing); false restores it; absent leaves it.
export function archiveSet(column: SQLiteColumn, archived: boolean | undefined, now: Date) {
  if (archived === undefined) return {};
  return { archivedAt: archived ? sql`coalesce(${column}, ${now.getTime()})` : null };
}
