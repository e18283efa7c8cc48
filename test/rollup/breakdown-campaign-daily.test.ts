import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

// rollup_breakdown_campaign_daily is rollup_breakdown_daily summed over influencers, kept so by
// triggers: whatever is inserted, added to, taken from or deleted there, the sums agree.
const FIGURES = ["clicks", "unique_clicks", "conversions", "revenue", "sessions", "page_views"] as const;

async function sums(table: string, campaignId: string) {
  const { results } = await env.DB.prepare(
    `SELECT dimension, day, value, ${FIGURES.map((f) => `SUM(${f}) AS ${f}`).join(", ")}
     FROM ${table} WHERE campaign_id = ? GROUP BY dimension, day, value
     HAVING ${FIGURES.map((f) => `SUM(${f}) <> 0`).join(" OR ")} ORDER BY dimension, day, value`,
  )
    .bind(campaignId)
    .all();
  return results;
}

describe("the campaign-wide breakdown rollup", () => {
  it("stays the sum of the per-influencer rows through inserts, upserts, updates and deletes", async () => {
    const campaign = `cmp_trig_${Date.now()}`;
    const upsert = (influencer: string, value: string, clicks: number, revenue: number, sessions = 0) =>
      env.DB.prepare(
        `INSERT INTO rollup_breakdown_daily (campaign_id, dimension, day, influencer_id, value, clicks, revenue, sessions)
         VALUES (?, 'country', '2026-03-01', ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET clicks = clicks + excluded.clicks, revenue = revenue + excluded.revenue,
           sessions = sessions + excluded.sessions`,
      ).bind(campaign, influencer, value, clicks, revenue, sessions);
    await env.DB.batch([
      upsert("inf_a", "FR", 3, 1000),
      upsert("inf_b", "FR", 2, 500, 1),
      upsert("inf_a", "DE", 1, 0),
      upsert("inf_a", "FR", 4, -200, 2), // an upsert adds to the existing row
    ]);
    await env.DB.prepare(
      "UPDATE rollup_breakdown_daily SET unique_clicks = 5 WHERE campaign_id = ? AND influencer_id = 'inf_b'",
    )
      .bind(campaign)
      .run();
    await env.DB.prepare(
      "DELETE FROM rollup_breakdown_daily WHERE campaign_id = ? AND influencer_id = 'inf_a' AND value = 'DE'",
    )
      .bind(campaign)
      .run();
    const perInfluencer = await sums("rollup_breakdown_daily", campaign);
    expect(perInfluencer).toEqual([
      {
        dimension: "country",
        day: "2026-03-01",
        value: "FR",
        clicks: 9,
        unique_clicks: 5,
        conversions: 0,
        revenue: 1300,
        sessions: 3,
        page_views: 0,
      },
    ]);
    expect(await sums("rollup_breakdown_campaign_daily", campaign)).toEqual(perInfluencer);
  });
});
