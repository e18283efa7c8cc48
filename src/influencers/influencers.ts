import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { followerSnapshots, influencers, PLATFORMS, type Platform } from "../../schema";
import type { Db } from "../db";
import { DomainError, isUniqueViolation, notFound } from "../errors";
import { newId } from "../ids";
import { archivedCondition, archiveSet, type ListFilter, likeText, searchCondition } from "../list-filters";
import { type Page, pageQuery, toPage } from "../pagination";
import type { Clock } from "../time";

export type InfluencerInput = {
  handle: string;
  platform: Platform;
  name?: string | null | undefined;
  followers?: number | null | undefined;
};

// A handle is unique per platform: two rows for one account would split its figures.
function handleTaken(input: { handle?: string | undefined; platform?: string | undefined }) {
  return new DomainError(
    "influencer_taken",
    `An influencer ${input.handle} on ${input.platform} already exists.`,
  );
}

export async function createInfluencer(db: Db, input: InfluencerInput, clock: Clock) {
  const now = new Date(clock());
  try {
    const [row] = await db
      .insert(influencers)
      .values({
        id: newId("inf"),
        handle: input.handle,
        platform: input.platform,
        name: input.name ?? null,
        followers: input.followers ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw handleTaken(input);
    throw error;
  }
}

export async function findInfluencer(db: Db, id: string) {
  const row = await db.query.influencers.findFirst({ where: eq(influencers.id, id) });
  if (!row) throw notFound("influencer_not_found", "influencer", id);
  return row;
}

// An influencer is searched by handle (typed with or without its @) or name.
export function influencerSearch(q: string | undefined): SQL | undefined {
  return searchCondition([influencers.handle, influencers.name], q?.trim().replace(/^@/, ""));
}

// Rows of another table (links, codes, enrolments) whose influencer matches the search.
export function ownerSearch(influencerId: SQLiteColumn, q: string | undefined): SQL | undefined {
  const match = influencerSearch(q);
  return match
    ? sql`${influencerId} IN (SELECT ${influencers.id} FROM ${influencers} WHERE ${match})`
    : undefined;
}

// The influencers a handle names: one per platform at most; `platform` narrows to one. Handles are
// compared as SQLite's LIKE compares (ASCII letters in any case), with no wildcard.
export async function findInfluencersByHandle(db: Db, handle: string, platform?: Platform) {
  return db
    .select()
    .from(influencers)
    .where(
      and(likeText(influencers.handle, handle), platform ? eq(influencers.platform, platform) : undefined),
    )
    .limit(PLATFORMS.length);
}

// D1 binds at most 100 parameters per statement: the ids go in slices, in one batch.
const IDS_PER_STATEMENT = 90;

export async function findInfluencersById(db: Db, ids: string[]) {
  const unique = [...new Set(ids)];
  const [first, ...rest] = Array.from({ length: Math.ceil(unique.length / IDS_PER_STATEMENT) }, (_, i) =>
    db
      .select()
      .from(influencers)
      .where(inArray(influencers.id, unique.slice(i * IDS_PER_STATEMENT, (i + 1) * IDS_PER_STATEMENT))),
  );
  if (!first) return [];
  return (await db.batch([first, ...rest])).flat();
}

export async function listInfluencers(
  db: Db,
  page: Page,
  filter: ListFilter & { platform?: Platform | undefined } = {},
) {
  const q = pageQuery(influencers, page);
  const where: (SQL | undefined)[] = [
    q.after,
    archivedCondition(influencers.archivedAt, filter.archived),
    influencerSearch(filter.q),
  ];
  if (filter.platform) where.push(eq(influencers.platform, filter.platform));
  const rows = await db
    .select()
    .from(influencers)
    .where(and(...where))
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return toPage(rows, page);
}

export type InfluencerPatch = Partial<InfluencerInput> & { archived?: boolean | undefined };

export async function updateInfluencer(db: Db, id: string, patch: InfluencerPatch, clock: Clock) {
  const current = await findInfluencer(db, id);
  const { archived, ...fields } = patch;
  const now = new Date(clock());
  try {
    const [row] = await db
      .update(influencers)
      .set({ ...fields, ...archiveSet(influencers.archivedAt, archived, now), updatedAt: now })
      .where(eq(influencers.id, id))
      .returning();
    return row ?? current;
  } catch (error) {
    if (isUniqueViolation(error)) throw handleTaken({ ...current, ...patch });
    throw error;
  }
}

export async function addFollowerSnapshot(
  db: Db,
  influencerId: string,
  input: { count: number; capturedAt?: Date | undefined },
  clock: Clock,
) {
  await findInfluencer(db, influencerId);
  const now = new Date(clock());
  const [row] = await db
    .insert(followerSnapshots)
    .values({
      id: newId("fol"),
      influencerId,
      count: input.count,
      capturedAt: input.capturedAt ?? now,
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function listFollowerSnapshots(db: Db, influencerId: string, page: Page) {
  await findInfluencer(db, influencerId);
  const q = pageQuery(followerSnapshots, page);
  const rows = await db
    .select()
    .from(followerSnapshots)
    .where(and(eq(followerSnapshots.influencerId, influencerId), q.after))
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return toPage(rows, page);
}
