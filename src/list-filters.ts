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
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// Rows where any of the columns contains the text. SQLite's LIKE ignores case for ASCII letters
// only (D1 has no ICU): "lea" finds "Lea" and "LEA", not "Léa".
export function searchCondition(columns: SQL[], q: string | undefined): SQL | undefined {
  const text = q?.trim();
  if (!text) return undefined;
  const pattern = likePattern(text);
  return or(...columns.map((column) => sql`${column} LIKE ${pattern} ESCAPE '\\'`));
}

// archived: true stamps the row once (archiving again keeps the first time, so a repeated request
// changes nothing); false restores it; absent leaves it.
export function archiveSet(column: SQLiteColumn, archived: boolean | undefined, now: Date) {
  if (archived === undefined) return {};
  return { archivedAt: archived ? sql`coalesce(${column}, ${now.getTime()})` : null };
}
