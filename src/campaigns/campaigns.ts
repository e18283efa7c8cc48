import { eq } from "drizzle-orm";
import { type CampaignGoal, type CampaignObjective, campaigns } from "../../schema";
import type { Db } from "../db";
import { notFound } from "../errors";
import { newId } from "../ids";
import { type Page, pageQuery, toPage } from "../pagination";
import type { Clock } from "../time";

// The longest attribution window a campaign may have: a sale by click id can name a click at most
// this old. Click retention (src/rollup/retention.ts) keeps raw clicks longer than this.
export const MAX_ATTRIBUTION_WINDOW_DAYS = 365;

export type CampaignInput = {
  name: string;
  objective: CampaignObjective;
  currency: string;
  budget?: number | null | undefined;
  startsAt?: Date | null | undefined;
  endsAt?: Date | null | undefined;
  attributionWindowDays?: number | undefined;
  emvCpm?: number | null | undefined;
  goals?: CampaignGoal[] | undefined;
};
export type CampaignPatch = Partial<Omit<CampaignInput, "currency">>;

export async function createCampaign(db: Db, input: CampaignInput, clock: Clock) {
  const now = new Date(clock());
  const [row] = await db
    .insert(campaigns)
    .values({
      id: newId("cmp"),
      name: input.name,
      objective: input.objective,
      currency: input.currency,
      budget: input.budget ?? null,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
      attributionWindowDays: input.attributionWindowDays ?? 30,
      emvCpm: input.emvCpm ?? null,
      goals: input.goals ?? [],
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function findCampaign(db: Db, id: string) {
  const row = await db.query.campaigns.findFirst({ where: eq(campaigns.id, id) });
  if (!row) throw notFound("campaign_not_found", "campaign", id);
  return row;
}

export async function listCampaigns(db: Db, page: Page) {
  const q = pageQuery(campaigns, page);
  const rows = await db
    .select()
    .from(campaigns)
    .where(q.after)
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return toPage(rows, page);
}

// One statement: an unknown id updates no row, and that is campaign_not_found.
export async function updateCampaign(db: Db, id: string, patch: CampaignPatch, clock: Clock) {
  const [row] = await db
    .update(campaigns)
    .set({ ...patch, updatedAt: new Date(clock()) })
    .where(eq(campaigns.id, id))
    .returning();
  if (!row) throw notFound("campaign_not_found", "campaign", id);
  return row;
}
