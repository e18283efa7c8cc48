import { and, desc, eq, type SQL } from "drizzle-orm";
import { campaigns, enrolments, influencers } from "../../schema";
import type { Db } from "../db";
import { computeMetrics, emvOf, type Metrics, type RawTotals } from "../metrics/formulas";
import { MONEY_FIELDS } from "../metrics/metric-fields";
import { METRIC_COUNTERS } from "../posts/metric-counters";
import { watermarkNow } from "../rollup/watermarks";
import { toIso } from "../time";
import { type AudienceGrowth, followerGrowth } from "./audience";
import { fixedCostSpread } from "./costs";
import { type DayRange, type Period, periodDays, periodEnd, periodStart } from "./periods";

// What every summary reads, one loader per concern: the rollup's sums, the posts' latest
// snapshots, the audience, the enrolments' costs. Summaries read the rollup, never raw clicks.

// Which enrolments: a campaign's, an influencer's, or one influencer in one campaign.
export type Scope = { campaignId?: string | undefined; influencerId?: string | undefined };

export type Sums = Omit<RawTotals, "cost" | "followers" | "followersGained" | "followersAtStart">;
export const ZERO_SUMS: Sums = {
  impressions: 0,
  reach: 0,
  views: 0,
  likes: 0,
  comments: 0,
  shares: 0,
  saves: 0,
  clicks: 0,
  uniqueClicks: 0,
  botClicks: 0,
  sessions: 0,
  engagedSessions: 0,
  returningSessions: 0,
  pageViews: 0,
  engagedSeconds: 0,
  leads: 0,
  conversions: 0,
  codeConversions: 0,
  clickConversions: 0,
  revenue: 0,
  refunds: 0,
};

// a + b, or a - b with a sign of -1.
export function addSums(a: Sums, b: Partial<Sums> | undefined, sign: 1 | -1 = 1): Sums {
  const out = { ...a };
  for (const key of Object.keys(ZERO_SUMS) as (keyof Sums)[]) out[key] += sign * Number(b?.[key] ?? 0);
  return out;
}

// The scope as SQL conditions on a table alias, with their parameters in order. Only the
// conditions that apply, so SQLite can use the index of the one that is given.
function scopeSql(scope: Scope, alias: string) {
  const clauses: string[] = [];
  const params: string[] = [];
  if (scope.campaignId !== undefined) {
    clauses.push(`${alias}.campaign_id = ?`);
    params.push(scope.campaignId);
  }
  if (scope.influencerId !== undefined) {
    clauses.push(`${alias}.influencer_id = ?`);
    params.push(scope.influencerId);
  }
  return { where: clauses.length ? clauses.join(" AND ") : "1", params };
}

type Grouping = "campaign_id" | "influencer_id" | "day";
type Grouped<K extends Grouping> = Record<K, string> & Partial<Sums>;

// The rollup's sums over the days, grouped as asked. From rollup_influencer_daily, rollup_daily
// without the link (no summary groups by link): a tenth of the rows (see schema/rollups.ts).
export async function rolledUp<K extends Grouping>(
  d1: D1Database,
  scope: Scope,
  days: DayRange,
  by: K[],
): Promise<Grouped<K>[]> {
  const { where, params } = scopeSql(scope, "r");
  const keys = by.map((k) => `r.${k}`).join(", ");
  const { results } = await d1
    .prepare(
      `SELECT ${keys}, SUM(clicks) AS clicks, SUM(unique_clicks) AS uniqueClicks, SUM(bot_clicks) AS botClicks,
              SUM(leads) AS leads, SUM(conversions) AS conversions, SUM(code_conversions) AS codeConversions,
              SUM(click_conversions) AS clickConversions, SUM(revenue) AS revenue, SUM(refunds) AS refunds,
              SUM(sessions) AS sessions, SUM(engaged_sessions) AS engagedSessions,
              SUM(returning_sessions) AS returningSessions, SUM(page_views) AS pageViews,
              SUM(engaged_seconds) AS engagedSeconds
       FROM rollup_influencer_daily r
       WHERE ${where} AND r.day >= ? AND r.day <= ?
       GROUP BY ${keys}`,
    )
    .bind(...params, days.from, days.to)
    .all<Grouped<K>>();
  return results;
}

// Post figures are levels, not flows: each post's level of each figure at `at` (the latest value
// reported for it by then, kept on the latest snapshot captured by then: see
// src/posts/post-growth.ts), summed per campaign and influencer. A period's figures are the
// growth between two levels.
export async function postLevels(d1: D1Database, scope: Scope, at: number) {
  const { where, params } = scopeSql(scope, "p");
  const { results } = await d1
    .prepare(
      `SELECT p.campaign_id, p.influencer_id, ${METRIC_COUNTERS.map((f) => `SUM(m.level_${f}) AS ${f}`).join(", ")}
       FROM posts p
       JOIN post_metrics m ON m.id = (
         SELECT id FROM post_metrics WHERE post_id = p.id AND captured_at <= ?
         ORDER BY captured_at DESC, created_at DESC, id DESC LIMIT 1)
       WHERE ${where}
       GROUP BY p.campaign_id, p.influencer_id`,
    )
    .bind(at, ...params)
    .all<Grouped<"campaign_id" | "influencer_id">>();
  return results;
}

// Post figures per local day, as growth (the level at the day's end minus the level at the end of
// the day before), kept as snapshots are written (see src/posts/post-growth.ts): days x
// influencers rows, whatever the number of snapshots. Over all days it adds up to the level.
export async function postGrowthByDay(d1: D1Database, scope: Scope, days: DayRange) {
  const { where, params } = scopeSql(scope, "g");
  const { results } = await d1
    .prepare(
      `SELECT day, ${METRIC_COUNTERS.map((f) => `SUM(${f}) AS ${f}`).join(", ")}
       FROM post_growth_daily g WHERE ${where} AND day >= ? AND day <= ? GROUP BY day`,
    )
    .bind(...params, days.from, days.to)
    .all<Grouped<"day">>();
  return results;
}

// The audience: the latest follower snapshot, else the influencer's `followers`.
export async function followersOf(d1: D1Database, influencerIds: string[]) {
  if (influencerIds.length === 0) return new Map<string, number>();
  const { results } = await d1
    .prepare(
      `SELECT i.id, COALESCE((SELECT count FROM follower_snapshots s WHERE s.influencer_id = i.id
                               ORDER BY captured_at DESC LIMIT 1), i.followers, 0) AS followers
       FROM influencers i WHERE i.id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(influencerIds))
    .all<{ id: string; followers: number }>();
  return new Map(results.map((r) => [r.id, r.followers]));
}

// When the rollup last ran (the figures are as of then); null before its first run.
export async function lastRollupAt(d1: D1Database) {
  const state = await d1
    .prepare("SELECT MAX(updated_at) AS at FROM rollup_state")
    .first<{ at: number | null }>();
  return toIso(state?.at ?? null);
}

// Whether the rollup has counted what a ledger entry comes from (its conversion; for a clawback,
// its refund). The figures count an entry only from then on, so that cost is as of the same rollup
// as revenue and refunds, and ROI, ROAS or CPA never set a sale's commission against no sale. The
// entry keeps its source's rowid, written once when it is derived, and the rollup has counted a
// source's rows up to its watermark: a comparison on the row the sum reads anyway, the two
// watermarks read once per statement. It holds whichever comes first, the entry or the rollup,
// and needs neither a join to conversions and refunds (an index probe per entry read) nor a flag
// the rollup's chunks would set (a write per entry, by a second writer to keep in step with the
// consumer). An entry without a rowid (see the column) counts at once.
export const rolledUpEntry = (alias: string) =>
  `COALESCE(${alias}.source_rowid, 0) <= CASE ${alias}.kind WHEN 'clawback' THEN ${watermarkNow("refunds")}
                                                          ELSE ${watermarkNow("conversions")} END`;

// The commission the ledger booked on the period's days, per campaign and influencer: its sale,
// lead and clawback entries, each on the local day of its conversion or refund. The same entries
// the influencer is paid from, so the summaries' cost and the payouts cannot tell two stories once
// the rollup has counted their sales and refunds; fees are not among them (the cost spreads the fee
// over the campaign's days instead).
export async function ledgerCommission<K extends Grouping>(
  d1: D1Database,
  scope: Scope,
  days: DayRange,
  by: K[],
): Promise<(Record<K, string> & { commission: number })[]> {
  const { where, params } = scopeSql(scope, "e");
  const keys = by.map((k) => `e.${k}`).join(", ");
  const { results } = await d1
    .prepare(
      `SELECT ${keys}, SUM(e.amount) AS commission
       FROM commission_entries e
       WHERE ${where} AND e.kind IN ('sale', 'lead', 'clawback') AND e.day >= ? AND e.day <= ?
         AND ${rolledUpEntry("e")}
       GROUP BY ${keys}`,
    )
    .bind(...params, days.from, days.to)
    .all<Record<K, string> & { commission: number }>();
  return results;
}

// The enrolments in scope, with their campaign and influencer, newest campaign first.
export async function enrolmentsIn(db: Db, scope: Scope) {
  const conditions: SQL[] = [];
  if (scope.campaignId !== undefined) conditions.push(eq(enrolments.campaignId, scope.campaignId));
  if (scope.influencerId !== undefined) conditions.push(eq(enrolments.influencerId, scope.influencerId));
  return db
    .select({ enrolment: enrolments, influencer: influencers, campaign: campaigns })
    .from(enrolments)
    .innerJoin(influencers, eq(influencers.id, enrolments.influencerId))
    .innerJoin(campaigns, eq(campaigns.id, enrolments.campaignId))
    .where(and(...conditions))
    .orderBy(desc(campaigns.createdAt), enrolments.influencerId);
}

type CampaignFacts = { id: string; currency: string; emvCpm: number | null };
export type EnrolmentFigures = Awaited<ReturnType<typeof enrolmentsIn>>[number] & {
  sums: Sums;
  cost: number;
  followers: number;
  growth: AudienceGrowth;
};

const NO_GROWTH: AudienceGrowth = { gained: 0, atStart: 0 };

const pairKey = (campaignId: string, influencerId: string) => `${campaignId} ${influencerId}`;

// Each enrolment's figures over the period: rollup sums, post growth within it (level at its end
// minus level just before its start), its cost (fee and other costs spread over the campaign's
// days, plus the ledger's commission on the period's sales, leads and refunds) and its
// influencer's audience.
export async function enrolmentFigures(db: Db, scope: Scope, period: Period): Promise<EnrolmentFigures[]> {
  const d1 = db.$client;
  const enrolled = await enrolmentsIn(db, scope);
  // A period is in each campaign's own zone: read once per zone among the campaigns in scope
  // (nearly always one), keeping each campaign's rows from its zone's read.
  const zoneOf = new Map(enrolled.map((e) => [e.campaign.id, e.campaign.timezone]));
  const inZone = (zone: string) => (row: { campaign_id: string }) => zoneOf.get(row.campaign_id) === zone;
  const none = async () => [];
  const perZone = await Promise.all(
    [...new Set(zoneOf.values())].map(async (zone) => {
      const days = periodDays(period, zone);
      const [rolled, postsAtEnd, postsBefore, commission] = await Promise.all([
        rolledUp(d1, scope, days, ["campaign_id", "influencer_id"]),
        postLevels(d1, scope, periodEnd(period, zone)),
        period.from ? postLevels(d1, scope, periodStart(period, zone) - 1) : none(),
        ledgerCommission(d1, scope, days, ["campaign_id", "influencer_id"]),
      ]);
      return {
        added: [...rolled, ...postsAtEnd].filter(inZone(zone)),
        taken: postsBefore.filter(inZone(zone)),
        commission: commission.filter(inZone(zone)),
      };
    }),
  );
  const influencerIds = [...new Set(enrolled.map((e) => e.influencer.id))];
  // Growth, like the period, is in each campaign's zone.
  const [followers, ...growthPerZone] = await Promise.all([
    followersOf(d1, influencerIds),
    ...[...new Set(zoneOf.values())].map(async (zone) => ({
      zone,
      growth: await followerGrowth(d1, influencerIds, periodStart(period, zone), periodEnd(period, zone)),
    })),
  ]);
  const growthIn = new Map(growthPerZone.map((g) => [g.zone, g.growth]));
  const sumsByPair = new Map<string, Sums>();
  const commissionByPair = new Map<string, number>();
  for (const { added, taken, commission } of perZone) {
    for (const [rows, sign] of [
      [added, 1],
      [taken, -1],
    ] as const) {
      for (const row of rows) {
        const key = pairKey(row.campaign_id, row.influencer_id);
        sumsByPair.set(key, addSums(sumsByPair.get(key) ?? ZERO_SUMS, row, sign));
      }
    }
    for (const row of commission) {
      commissionByPair.set(pairKey(row.campaign_id, row.influencer_id), Number(row.commission));
    }
  }
  return enrolled.map((e) => {
    const key = pairKey(e.campaign.id, e.influencer.id);
    return {
      ...e,
      sums: sumsByPair.get(key) ?? ZERO_SUMS,
      cost: fixedCostSpread(e)(periodDays(period, e.campaign.timezone)) + (commissionByPair.get(key) ?? 0),
      followers: followers.get(e.influencer.id) ?? 0,
      growth: growthIn.get(e.campaign.timezone)?.get(e.influencer.id) ?? NO_GROWTH,
    };
  });
}

export const metricsOf = (row: EnrolmentFigures): Metrics =>
  computeMetrics(
    {
      ...row.sums,
      cost: row.cost,
      followers: row.followers,
      followersGained: row.growth.gained,
      followersAtStart: row.growth.atStart,
    },
    row.campaign.emvCpm,
  );

// Totals over enrolments of the given campaigns. Costs add up per enrolment (each has its own
// commission rate); the audience and its growth count each influencer once; emv is each campaign's own
// (impressions × its emv_cpm), null when a campaign has none. Money is only ever in one currency:
// over campaigns in different currencies, `currency` is null and so is every money figure.
export function totalsOf(rows: EnrolmentFigures[], campaignsInTotal: CampaignFacts[]) {
  let sums = ZERO_SUMS;
  let cost = 0;
  const audience = new Map<string, number>();
  const growth = new Map<string, AudienceGrowth>();
  const impressionsByCampaign = new Map<string, number>();
  for (const row of rows) {
    sums = addSums(sums, row.sums);
    cost += row.cost;
    audience.set(row.influencer.id, row.followers);
    growth.set(row.influencer.id, row.growth);
    impressionsByCampaign.set(
      row.campaign.id,
      (impressionsByCampaign.get(row.campaign.id) ?? 0) + row.sums.impressions,
    );
  }
  const followers = [...audience.values()].reduce((a, b) => a + b, 0);
  const grown = [...growth.values()];
  const totals = computeMetrics(
    {
      ...sums,
      cost,
      followers,
      followersGained: grown.reduce((a, g) => a + g.gained, 0),
      followersAtStart: grown.reduce((a, g) => a + g.atStart, 0),
    },
    null,
  );
  const unique = [...new Map(campaignsInTotal.map((c) => [c.id, c])).values()];
  const emvs = unique.map((c) => emvOf(impressionsByCampaign.get(c.id) ?? 0, c.emvCpm));
  totals.emv =
    emvs.length === 0 || emvs.includes(null) ? null : emvs.reduce<number>((a, b) => a + (b ?? 0), 0);
  const currencies = new Set(unique.map((c) => c.currency));
  const currency = currencies.size === 1 ? ([...currencies][0] ?? null) : null;
  if (currencies.size > 1) for (const field of MONEY_FIELDS) totals[field] = null;
  return { currency, totals };
}
