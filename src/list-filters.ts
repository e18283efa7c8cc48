import { isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

// What a list shows besides its page: archived rows (hidden unless asked for) and a search.
// Archived rows stay in every figure; only the lists leave them out.
export type ArchivedFilter = "hide" | "include" | "only";
export type ListFilter = { q?: string | undefined; archived?: ArchivedFilter | undefined };

export const MAX_SEARCH_LENGTH = 100;

export function archivedCondition(column: SQLiteColumn, archived: ArchivedFilter = "hide"): SQL | undefined {
  if (archived === "include") return undefined;
  return archived === "only" ? isNotNull(column) : isNull(column);
}

// "%", "_" and "\" typed in a search are letters, not LIKE's wildcards: handles are full of "_".
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

// SQLite's LIKE ignores case for ASCII letters only (D1 has no ICU): "lea" finds "Lea" and "LEA",
// not "Léa".
export const like = (column: SQL | SQLiteColumn, pattern: string) =>
  sql`${column} LIKE ${pattern} ESCAPE '\\'`;
export const likeText = (column: SQL | SQLiteColumn, text: string) => like(column, escapeLike(text));

// Rows where any of the columns contains the text, in any case.
export function searchCondition(columns: (SQL | SQLiteColumn)[], q: string | undefined): SQL | undefined {
  const text = q?.trim();
  if (!text) return undefined;
  return or(...columns.map((column) => like(column, `%${escapeLike(text)}%`)));
}

// archived: true stamps the row once (archiving again keeps the first time, so a repeated request
// changes nothing); false restores it; absent leaves it.
export function archiveSet(column: SQLiteColumn, archived: boolean | undefined, now: Date) {
  if (archived === undefined) return {};
  return { archivedAt: archived ? sql`coalesce(${column}, ${now.getTime()})` : null };
}
