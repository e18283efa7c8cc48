import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { DomainError } from "./errors";

// Lists are ordered newest first by (created_at, id); the cursor is the last row's pair,
// base64url-encoded so clients treat it as opaque.
export type Page = { limit: number; cursor?: string | undefined };
export type PageResult<T> = { data: T[]; next_cursor: string | null };

type Position = { createdAt: number; id: string };

function encodeCursor(position: Position): string {
  return btoa(JSON.stringify([position.createdAt, position.id]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

const MAX_TIME_MS = 8.64e15;
const isTime = (value: unknown): value is number =>
  Number.isSafeInteger(value) && Math.abs(value as number) <= MAX_TIME_MS;

function decodeCursor(cursor: string): Position {
  try {
    const [createdAt, id] = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
    // A made-up cursor can hold any number: one that is no time (1e308, 1.5) would become an
    // Invalid Date and quietly match no rows, an empty page instead of an error.
    if (isTime(createdAt) && typeof id === "string") return { createdAt, id };
  } catch {
    // falls through to the error below
  }
  throw new DomainError("invalid_cursor", "The cursor is not one this API returned.");
}

// The WHERE and ORDER BY for one page over a table with `created_at` and `id` columns.
export function pageQuery(columns: { createdAt: SQLiteColumn; id: SQLiteColumn }, page: Page) {
  let after: SQL | undefined;
  if (page.cursor) {
    const at = decodeCursor(page.cursor);
    const createdAt = new Date(at.createdAt);
    after = or(
      lt(columns.createdAt, createdAt),
      and(eq(columns.createdAt, createdAt), lt(columns.id, at.id)),
    );
  }
  return {
    after,
    orderBy: [desc(columns.createdAt), desc(columns.id)],
    // One extra row tells whether there is a next page without a count query.
    limit: page.limit + 1,
  };
}

export function toPage<Row extends { createdAt: Date; id: string }>(
  rows: Row[],
  page: Page,
): PageResult<Row> {
  const hasMore = rows.length > page.limit;
  const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
  const last = pageRows.at(-1);
  return {
    data: pageRows,
    next_cursor: hasMore && last ? encodeCursor({ createdAt: last.createdAt.getTime(), id: last.id }) : null,
  };
}

// A page of rows as another shape (the API's, a report's), keeping its cursor.
export function mapPage<Row, T>(page: PageResult<Row>, map: (row: Row) => T): PageResult<T> {
  return { data: page.data.map(map), next_cursor: page.next_cursor };
}

// Links and promo codes are listed per campaign, per influencer, or both (and, for influencer
// keys, always for their own influencer): the conditions for that, next to the page's own.
export type OwnerFilter = { campaignId?: string | undefined; influencerId?: string | undefined };

export function ownerConditions(
  columns: { campaignId: SQLiteColumn; influencerId: SQLiteColumn },
  filter: OwnerFilter,
): (SQL | undefined)[] {
  return [
    filter.campaignId ? eq(columns.campaignId, filter.campaignId) : undefined,
    filter.influencerId ? eq(columns.influencerId, filter.influencerId) : undefined,
  ];
}
