import { and, eq, sql } from "drizzle-orm";
import { type Platform, postMetrics, posts } from "../../schema";
import { ensureEnrolledStatement, findCampaignAndInfluencer } from "../campaigns/enrolments";
import type { Db } from "../db";
import { notFound } from "../errors";
import { newId } from "../ids";
import { parseHttpUrl } from "../links/urls";
import { type OwnerFilter, ownerConditions, type Page, pageQuery, toPage } from "../pagination";
import { type Clock, toIso } from "../time";

export type PostInput = {
  campaignId: string;
  influencerId: string;
  url: string;
  platform?: Platform | undefined;
  publishedAt?: Date | undefined;
};

export const METRIC_COUNTERS = [
  "impressions",
  "reach",
  "views",
  "likes",
  "comments",
  "shares",
  "saves",
] as const;
export type MetricCounter = (typeof METRIC_COUNTERS)[number];
export type MetricsInput = Partial<Record<MetricCounter, number>> & { capturedAt?: Date | undefined };

type PostRow = typeof posts.$inferSelect;
type MetricsRow = typeof postMetrics.$inferSelect;

export function serializeMetrics(row: MetricsRow) {
  return {
    id: row.id,
    post_id: row.postId,
    captured_at: toIso(row.capturedAt) as string,
    impressions: row.impressions,
    reach: row.reach,
    views: row.views,
    likes: row.likes,
    comments: row.comments,
    shares: row.shares,
    saves: row.saves,
    created_at: toIso(row.createdAt) as string,
  };
}

export function serializePost(row: PostRow, latest: MetricsRow | null) {
  return {
    id: row.id,
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    url: row.url,
    platform: row.platform,
    published_at: toIso(row.publishedAt),
    latest_metrics: latest ? serializeMetrics(latest) : null,
    created_at: toIso(row.createdAt) as string,
    updated_at: toIso(row.updatedAt) as string,
  };
}

// The platform defaults to the influencer's own; posting enrols the influencer like a link does.
export async function createPost(db: Db, input: PostInput, clock: Clock) {
  const url = parseHttpUrl(input.url, "url");
  const { campaign, influencer } = await findCampaignAndInfluencer(db, input.campaignId, input.influencerId);
  const now = new Date(clock());
  const [, inserted] = await db.batch([
    ensureEnrolledStatement(db, campaign.id, influencer.id, now),
    db
      .insert(posts)
      .values({
        id: newId("post"),
        campaignId: campaign.id,
        influencerId: influencer.id,
        url,
        platform: input.platform ?? influencer.platform,
        publishedAt: input.publishedAt ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning(),
  ]);
  const row = inserted[0];
  if (!row) throw new Error("insert returned no row");
  return serializePost(row, null);
}

// The latest snapshot of each of these posts, in one query whatever the number of posts (their
// ids travel as one JSON parameter: D1 allows 100 bound parameters and a page holds 100 posts).
async function latestMetrics(db: Db, postIds: string[]): Promise<Map<string, MetricsRow>> {
  if (postIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(postMetrics)
    .where(
      and(
        sql`${postMetrics.postId} IN (SELECT value FROM json_each(${JSON.stringify(postIds)}))`,
        sql`${postMetrics.id} = (SELECT latest.id FROM post_metrics latest WHERE latest.post_id = ${postMetrics.postId}
              ORDER BY latest.captured_at DESC, latest.created_at DESC LIMIT 1)`,
      ),
    );
  return new Map(rows.map((row) => [row.postId, row]));
}

async function findPostRow(db: Db, id: string): Promise<PostRow> {
  const row = await db.query.posts.findFirst({ where: eq(posts.id, id) });
  if (!row) throw notFound("post_not_found", "post", id);
  return row;
}

export async function findPost(db: Db, id: string) {
  const row = await findPostRow(db, id);
  return serializePost(row, (await latestMetrics(db, [id])).get(id) ?? null);
}

export async function listPosts(db: Db, page: Page, filter: OwnerFilter) {
  const q = pageQuery(posts, page);
  const rows = await db
    .select()
    .from(posts)
    .where(and(q.after, ...ownerConditions(posts, filter)))
    .orderBy(...q.orderBy)
    .limit(q.limit);
  const result = toPage(rows, page, (row) => row);
  const latest = await latestMetrics(
    db,
    result.data.map((row) => row.id),
  );
  return {
    data: result.data.map((row) => serializePost(row, latest.get(row.id) ?? null)),
    next_cursor: result.next_cursor,
  };
}

export async function addMetrics(db: Db, postId: string, input: MetricsInput, clock: Clock) {
  await findPostRow(db, postId);
  const now = new Date(clock());
  const counters = Object.fromEntries(METRIC_COUNTERS.map((name) => [name, input[name] ?? null]));
  const [row] = await db
    .insert(postMetrics)
    .values({ id: newId("pms"), postId, capturedAt: input.capturedAt ?? now, createdAt: now, ...counters })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return serializeMetrics(row);
}
