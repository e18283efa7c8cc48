import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { hmacSha256Hex } from "./crypto";
import type { Db } from "./db";
import { DomainError } from "./errors";

// A limit on recent failures: after `limit` of them within `windowMs`, the next attempt is
// refused until enough of them have aged out of the window. Failures are counted exactly, in D1,
// from the rows they already leave there, so the count is global (not per Cloudflare location, as
// the Workers rate-limiting binding's is) and counts failures only, never an answered request.
export type Throttle = { limit: number; windowMs: number };

type FailureColumns = { bucket: SQLiteColumn; createdAt: SQLiteColumn };

// The failure that brought a bucket to its limit: its limit-th newest within the window. Reading
// it takes at most `limit` index entries however many failures a flood wrote, and its time says
// when the bucket drops back under the limit. A null bucket matches nothing (WHERE 0 reads no row),
// so a caller can keep the statement in its batch either way.
export function limitingFailure(
  db: Db,
  table: SQLiteTable,
  columns: FailureColumns,
  bucket: string | null,
  throttle: Throttle,
  now: number,
) {
  return db
    .select({ at: columns.createdAt })
    .from(table)
    .where(
      bucket === null
        ? sql`0`
        : and(eq(columns.bucket, bucket), gt(columns.createdAt, new Date(now - throttle.windowMs))),
    )
    .orderBy(desc(columns.createdAt))
    .limit(1)
    .offset(throttle.limit - 1);
}

// Seconds until the bucket is under its limit again (for Retry-After), or null when it is now.
export function secondsBlocked(throttle: Throttle, rows: { at: unknown }[], now: number): number | null {
  let until = 0;
  for (const row of rows) {
    if (row.at instanceof Date) until = Math.max(until, row.at.getTime() + throttle.windowMs);
  }
  return until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : null;
}

export function rateLimited(message: string, retryAfterSeconds: number): DomainError {
  return new DomainError(
    "rate_limited",
    `${message} Try again in ${retryAfterSeconds} seconds.`,
    undefined,
    retryAfterSeconds,
  );
}

// A client's address as a bucket: a keyed hash, so the stored value cannot be turned back into
// the address by hashing all 2^32 IPv4 addresses. An IPv6 client is bucketed by its /64, the
// block one subscriber is usually given: per address, it could rotate through 2^64 of them.
export function addressBucket(secret: string, scope: string, address: string): string {
  return hmacSha256Hex(secret, JSON.stringify([scope, networkOf(address)]));
}

function networkOf(address: string): string {
  const text = address.trim().toLowerCase();
  if (!text.includes(":")) return text;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (mapped?.[1]) return mapped[1];
  const [head = "", tail] = text.split("::");
  const front = head ? head.split(":") : [];
  const back = tail ? tail.split(":") : [];
  const groups =
    tail === undefined
      ? front
      : [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill("0"), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(":")}::/64`;
}
