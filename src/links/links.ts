import { and, eq, or } from "drizzle-orm";
import { links } from "../../schema";
import { ensureEnrolledStatement, findCampaignAndInfluencer } from "../campaigns/enrolments";
import type { Db } from "../db";
import { DomainError, isUniqueViolation, notFound } from "../errors";
import { newId } from "../ids";
import { ownerSearch } from "../influencers/influencers";
import { archivedCondition, archiveSet, type ListFilter, searchCondition } from "../list-filters";
import { type OwnerFilter, ownerConditions, type Page, pageQuery, toPage } from "../pagination";
import type { Clock } from "../time";
import type { RedirectLink } from "./link-cache";
import { generateSlug, slugProblem } from "./slug";
import { parseHttpUrl, queryKeys } from "./urls";
import { applyUtm, resolveUtm, type UtmOverrides } from "./utm";

export type LinkInput = {
  campaignId: string;
  influencerId: string;
  url: string;
  slug?: string | undefined;
  utm?: UtmOverrides | undefined;
  expiresAt?: Date | null | undefined;
  expiredUrl?: string | null | undefined;
};

export type LinkPatch = {
  url?: string | undefined;
  expiresAt?: Date | null | undefined;
  expiredUrl?: string | null | undefined;
  disabled?: boolean | undefined;
  archived?: boolean | undefined;
};

type LinkRow = typeof links.$inferSelect;

const GENERATED_SLUG_ATTEMPTS = 5;

export async function createLink(db: Db, input: LinkInput, clock: Clock): Promise<LinkRow> {
  const url = parseHttpUrl(input.url, "url");
  // Only an absent or null expired_url means none: "" is refused like any other non-URL.
  const expiredUrl = input.expiredUrl == null ? null : parseHttpUrl(input.expiredUrl, "expired_url");
  if (input.slug !== undefined) {
    const problem = slugProblem(input.slug);
    if (problem) {
      throw new DomainError(
        "invalid_slug",
        problem === "reserved"
          ? `The slug ${input.slug} is a reserved path.`
          : "A slug is 3 to 64 of A-Z a-z 0-9 _ -.",
        [{ path: "slug", message: problem === "reserved" ? "Reserved path." : "Invalid format." }],
      );
    }
  }
  const { campaign, influencer } = await findCampaignAndInfluencer(db, input.campaignId, input.influencerId);
  const utm = resolveUtm(
    { platform: influencer.platform, campaignName: campaign.name, handle: influencer.handle },
    input.utm,
  );
  const now = new Date(clock());

  // A generated slug may collide (7 nanoid characters: about 1 in 10^12 per pair); try again.
  // A slug the caller chose is theirs to change, so a collision is refused (slug_taken).
  const attempts = input.slug === undefined ? GENERATED_SLUG_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const slug = input.slug ?? generateSlug();
    try {
      const [, inserted] = await db.batch([
        ensureEnrolledStatement(db, campaign.id, influencer.id, now),
        db
          .insert(links)
          .values({
            id: newId("lnk"),
            slug,
            campaignId: campaign.id,
            influencerId: influencer.id,
            url,
            destinationUrl: applyUtm(url, utm),
            utm,
            expiresAt: input.expiresAt ?? null,
            expiredUrl,
            disabled: false,
            createdAt: now,
            updatedAt: now,
          })
          .returning(),
      ]);
      const row = inserted[0];
      if (!row) throw new Error("insert returned no row");
      return row;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (attempt >= attempts) {
        throw new DomainError("slug_taken", `The slug ${slug} is already taken.`, [
          { path: "slug", message: "Taken." },
        ]);
      }
    }
  }
}

export async function findLink(db: Db, id: string): Promise<LinkRow> {
  const row = await db.query.links.findFirst({ where: eq(links.id, id) });
  if (!row) throw notFound("link_not_found", "link", id);
  return row;
}

// Searched by its slug or its influencer's handle or name.
export async function listLinks(db: Db, page: Page, filter: OwnerFilter & ListFilter) {
  const q = pageQuery(links, page);
  const search = filter.q?.trim();
  const rows = await db
    .select()
    .from(links)
    .where(
      and(
        q.after,
        ...ownerConditions(links, filter),
        archivedCondition(links.archivedAt, filter.archived),
        search
          ? or(searchCondition([links.slug], search), ownerSearch(links.influencerId, search))
          : undefined,
      ),
    )
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return toPage(rows, page);
}

export async function updateLink(db: Db, id: string, patch: LinkPatch, clock: Clock): Promise<LinkRow> {
  const current = await findLink(db, id);
  const now = new Date(clock());
  const set: Partial<LinkRow> = { updatedAt: now };
  if (patch.url !== undefined) {
    set.url = parseHttpUrl(patch.url, "url");
    set.destinationUrl = applyUtm(set.url, current.utm);
  }
  if (patch.expiredUrl !== undefined) {
    set.expiredUrl = patch.expiredUrl === null ? null : parseHttpUrl(patch.expiredUrl, "expired_url");
  }
  if (patch.expiresAt !== undefined) set.expiresAt = patch.expiresAt;
  if (patch.disabled !== undefined) set.disabled = patch.disabled;
  // Archiving only hides the link from the lists: it keeps redirecting until it is disabled.
  const [row] = await db
    .update(links)
    .set({ ...set, ...archiveSet(links.archivedAt, patch.archived, now) })
    .where(eq(links.id, id))
    .returning();
  if (!row) throw notFound("link_not_found", "link", id);
  return row;
}

// The redirect's one read: by slug, only the columns it needs.
export async function findRedirectLink(d1: D1Database, slug: string): Promise<RedirectLink | null> {
  const row = await d1
    .prepare(
      "SELECT id, campaign_id, influencer_id, destination_url, expires_at, expired_url, disabled FROM links WHERE slug = ?",
    )
    .bind(slug)
    .first<{
      id: string;
      campaign_id: string;
      influencer_id: string;
      destination_url: string;
      expires_at: number | null;
      expired_url: string | null;
      disabled: number;
    }>();
  if (!row) return null;
  return {
    id: row.id,
    campaignId: row.campaign_id,
    influencerId: row.influencer_id,
    destinationUrl: row.destination_url,
    destinationQueryKeys: queryKeys(row.destination_url),
    expiresAt: row.expires_at,
    expiredUrl: row.expired_url,
    disabled: row.disabled === 1,
  };
}
