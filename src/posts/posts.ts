import { and, eq, sql } from "drizzle-orm";
import { type Platform, postMetrics, posts } from "../../schema";
import { findCampaign } from "../campaigns/campaigns";
import { ensureEnrolledStatement, findCampaignAndInfluencer } from "../campaigns/enrolments";
import { localDay } from "../campaigns/time-zones";
import type { Db } from "../db";
import { notFound } from "../errors";
import { newId } from "../ids";
import { parseHttpUrl } from "../links/urls";
import {
  mapPage,
  type OwnerFilter,
  ownerConditions,
  type Page,
  type PageResult,
  pageQuery,
  toPage,
} from "../pagination";
import type { Clock } from "../time";
import { METRIC_COUNTERS, type MetricCounter } from "./metric-counters";
import { carryLevels, dateSnapshot } from "./post-growth";

export type PostInput = {
  campaignId: string;
  influencerId: string;
  url: string;
  platform?: Platform | undefined;
  publishedAt?: Date | undefined;
};

export type MetricsInput = Partial<Record<MetricCounter, number>> & { capturedAt?: Date | undefined };

type PostRow = typeof posts.$inferSelect;
type MetricsRow = typeof postMetrics.$inferSelect;
// A post with its latest snapshot of metrics, if any.
export type PostWithMetrics = { post: PostRow; latest: MetricsRow | null };

// The platform defaults to the influencer's own; posting enrols the influencer like a link does.
// The same post (campaign, influencer, address) sent again is the post already recorded, with
// `created: false`: a form sent twice or a retried request must not count its figures twice.
export async function createPost(
  db: Db,
  input: PostInput,
  clock: Clock,
): Promise<PostWithMetrics & { created: boolean }> {
  const url = parseHttpUrl(input.url, "url");
  const { campaign, influencer } = await findCampaignAndInfluencer(db, input.campaignId, input.influencerId);
  const existing = await db.query.posts.findFirst({
    where: and(eq(posts.campaignId, campaign.id), eq(posts.influencerId, influencer.id), eq(posts.url, url)),
  });
  if (existing) {
    return {
      post: existing,
      latest: (await latestMetrics(db, [existing.id])).get(existing.id) ?? null,
      created: false,
    };
  }
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
  return { post: row, latest: null, created: true };
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
              ORDER BY latest.captured_at DESC, latest.created_at DESC, latest.id DESC LIMIT 1)`,
      ),
    );
  return new Map(rows.map((row) => [row.postId, row]));
}

async function findPostRow(db: Db, id: string): Promise<PostRow> {
  const row = await db.query.posts.findFirst({ where: eq(posts.id, id) });
  if (!row) throw notFound("post_not_found", "post", id);
  return row;
}

export async function findPost(db: Db, id: string): Promise<PostWithMetrics> {
  const post = await findPostRow(db, id);
  return { post, latest: (await latestMetrics(db, [id])).get(id) ?? null };
}

export async function listPosts(
  db: Db,
  page: Page,
  filter: OwnerFilter,
): Promise<PageResult<PostWithMetrics>> {
  const q = pageQuery(posts, page);
  const rows = await db
    .select()
    .from(posts)
    .where(and(q.after, ...ownerConditions(posts, filter)))
    .orderBy(...q.orderBy)
    .limit(q.limit);
  const result = toPage(rows, page);
  const latest = await latestMetrics(
    db,
    result.data.map((row) => row.id),
  );
  return mapPage(result, (post) => ({ post, latest: latest.get(post.id) ?? null }));
}

// The snapshot, its growth on the campaign's local day and the levels it carries are written in
// one batch. A figure left out is not reported: a snapshot reporting none is stored and changes
// no level.
export async function addMetrics(db: Db, postId: string, input: MetricsInput, clock: Clock) {
  const post = await findPostRow(db, postId);
  const { timezone } = await findCampaign(db, post.campaignId);
  const now = new Date(clock());
  const capturedAt = input.capturedAt ?? now;
  const id = newId("pms");
  const d1 = db.$client;
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO post_metrics (id, post_id, captured_at, created_at, ${METRIC_COUNTERS.join(", ")})
         VALUES (?, ?, ?, ?, ${METRIC_COUNTERS.map(() => "?").join(", ")})`,
      )
      .bind(
        id,
        postId,
        capturedAt.getTime(),
        now.getTime(),
        ...METRIC_COUNTERS.map((name) => input[name] ?? null),
      ),
    ...dateSnapshot(d1, id, localDay(capturedAt.getTime(), timezone)),
    carryLevels(d1, [id]),
  ]);
  const row = await db.query.postMetrics.findFirst({ where: eq(postMetrics.id, id) });
  if (!row) throw new Error("snapshot not found after insert");
  return row;
}
