import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { ownDay, post, snapshot } from "../support/figure-helpers";
import { ADMIN, api, createCampaign, createInfluencer, unique } from "../support/helpers";
import { backfillStatements } from "../support/migrations";
import { PageClient, postCell, upload } from "../support/page-client";

const DAY = 86_400_000;
const FIGURES = ["impressions", "reach", "views", "likes", "comments", "shares", "saves"];

async function signedIn() {
  const browser = new PageClient();
  await browser.signIn(ADMIN);
  return browser;
}

async function snapshotCount(postId: string) {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM post_metrics WHERE post_id = ?")
    .bind(postId)
    .first<{ n: number }>();
  return row?.n;
}

async function totals(campaignId: string, query = "") {
  const res = await api("GET", `/campaigns/${campaignId}/summary${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.totals;
}

describe("a snapshot that reports no figure", () => {
  it("is stored by the API and counts nothing; the snapshot form and a CSV line refuse it", async () => {
    // The Paris campaign: 30,000 impressions and 1,040 likes reported two days ago, EMV €5 per 1,000.
    const campaign = await createCampaign({ name: unique("Paris "), timezone: "Europe/Paris", emv_cpm: 500 });
    const influencer = await createInfluencer();
    const postId = await post(campaign.id, influencer.id);
    await snapshot(postId, new Date(Date.now() - 2 * DAY).toISOString(), {
      impressions: 30_000,
      likes: 1_040,
    });
    const before = await totals(campaign.id);
    expect(before).toMatchObject({ impressions: 30_000, engagements: 1_040, emv: 15_000 });

    // Every figure is optional on the API: an empty snapshot is a snapshot, which moves no level.
    const at = new Date().toISOString();
    for (const body of [{}, { captured_at: at }]) {
      const res = await api("POST", `/posts/${postId}/metrics`, { body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ post_id: postId, impressions: null, likes: null, views: null });
      if ("captured_at" in body) expect(res.body.captured_at).toBe(at);
    }
    expect(await snapshotCount(postId)).toBe(3);
    expect((await api("GET", `/posts/${postId}`)).body.latest_metrics).toMatchObject({
      impressions: 30_000,
      likes: 1_040,
      views: null,
    });

    const browser = await signedIn();
    const page = `/dashboard/campaigns/${campaign.id}`;
    const blank = Object.fromEntries(FIGURES.map((f) => [f, ""]));
    const form = await browser.post(
      `${page}/post-metrics?lang=en`,
      { post_id: postId, captured_at: "", ...blank },
      page,
    );
    expect(form.status).toBe(422);
    for (const f of FIGURES)
      expect(form.text).toMatch(new RegExp(`id="snapshot-${f}"[^>]*aria-invalid="true"`));
    expect(form.text).toContain("Fill in at least one figure: one left empty is not reported.");

    const today = ownDay(Date.now(), "Europe/Paris");
    const csv = `post_id,captured_at,${FIGURES.join(",")}\n${postId},${today}T08:00:00Z,,,,,,,\n`;
    const refused = await upload(browser, `${page}/post-metrics/import?lang=en`, csv);
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/<li data-line="2">Line 2: No figure given: fill in at least one of/);
    const french = await upload(browser, `${page}/post-metrics/import?lang=fr`, csv);
    expect(french.text).toContain("Aucun chiffre indiqué");

    expect(await snapshotCount(postId)).toBe(3);
    expect(await totals(campaign.id)).toMatchObject({ impressions: 30_000, engagements: 1_040, emv: 15_000 });
    // Today grew nothing: no negative figures, no negative CTR.
    const todays = await totals(campaign.id, `?from=${today}`);
    expect(todays).toMatchObject({ impressions: 0, engagements: 0, emv: 0 });
    expect(todays.ctr).toBeNull();
  });
});

describe("a snapshot that leaves figures out", () => {
  it("keeps the YouTube post's 4,000 views after a likes-only CSV line: December grew no views", async () => {
    const campaign = await createCampaign({ name: unique("YouTube ") });
    const influencer = await createInfluencer({ platform: "youtube" });
    const postId = await post(campaign.id, influencer.id);
    await snapshot(postId, "2026-11-20T12:00:00Z", { views: 4_000 });
    const browser = await signedIn();
    const page = `/dashboard/campaigns/${campaign.id}`;
    const csv = [`post_id,captured_at,${FIGURES.join(",")}`, `${postId},2026-12-05T09:00:00Z,,,,120,,,`].join(
      "\n",
    );
    const imported = await upload(browser, `${page}/post-metrics/import`, csv);
    expect(imported.status).toBe(303);
    expect(imported.headers.get("Location")).toBe(`${page}?imported=1-0#posts`);

    // The snapshot keeps what it reported; the post's latest metrics are each figure's level.
    const stored = await env.DB.prepare(
      "SELECT views, likes FROM post_metrics WHERE post_id = ? ORDER BY captured_at",
    )
      .bind(postId)
      .all();
    expect(stored.results).toEqual([
      { views: 4_000, likes: null },
      { views: null, likes: 120 },
    ]);
    const latest = (await api("GET", `/posts/${postId}`)).body.latest_metrics;
    expect(latest).toMatchObject({
      captured_at: "2026-12-05T09:00:00.000Z",
      views: 4_000,
      likes: 120,
      reach: null,
    });

    expect(await totals(campaign.id)).toMatchObject({ views: 4_000, engagements: 120 });
    expect(await totals(campaign.id, "?from=2026-12-01&to=2026-12-31")).toMatchObject({
      views: 0,
      engagements: 120,
    });
    expect(await totals(campaign.id, "?from=2026-11-01&to=2026-11-30")).toMatchObject({
      views: 4_000,
      engagements: 0,
    });
    const months = await api(
      "GET",
      `/campaigns/${campaign.id}/timeseries?interval=month&from=2026-11-01&to=2026-12-31`,
    );
    expect(months.body.points.map((p: Record<string, unknown>) => [p.date, p.views, p.engagements])).toEqual([
      ["2026-11-01", 4_000, 0],
      ["2026-12-01", 0, 120],
    ]);

    // The campaign page's posts table over December, and the influencer's page.
    const december = (await browser.request(`${page}?from=2026-12-01&to=2026-12-31&lang=en`)).text;
    expect(postCell(december, postId, "views")).toEqual({ level: "4,000", growth: "+0" });
    expect(postCell(december, postId, "likes")).toEqual({ level: "120", growth: "+120" });
    const influencerPage = (await browser.request(`/dashboard/influencers/${influencer.id}?lang=en`)).text;
    expect(postCell(influencerPage, postId, "views").level).toBe("4,000");
  });

  it("moves only the figures a late snapshot reports, on the days of the next snapshots reporting them", async () => {
    const campaign = await createCampaign({ name: unique("Late ") });
    const postId = await post(campaign.id, (await createInfluencer()).id);
    await snapshot(postId, "2026-10-01T10:00:00Z", { impressions: 100, views: 10 });
    await snapshot(postId, "2026-10-05T10:00:00Z", { impressions: 500 });
    await snapshot(postId, "2026-10-07T10:00:00Z", { views: 70 });
    // Late, between the first and the second: impressions 300 on the 3rd, and no views.
    await snapshot(postId, "2026-10-03T10:00:00Z", { impressions: 300 });
    const days = await api("GET", `/campaigns/${campaign.id}/timeseries?from=2026-10-01&to=2026-10-07`);
    expect(
      days.body.points
        .filter((p: Record<string, number>) => p.impressions !== 0 || p.views !== 0)
        .map((p: Record<string, unknown>) => [p.date, p.impressions, p.views]),
    ).toEqual([
      ["2026-10-01", 100, 10],
      ["2026-10-03", 200, 0],
      ["2026-10-05", 200, 0],
      ["2026-10-07", 0, 60],
    ]);
    expect(await totals(campaign.id, "?from=2026-10-04&to=2026-10-05")).toMatchObject({
      impressions: 200,
      views: 0,
    });
  });

  it("dates partial snapshots stored before days were kept, figure by figure, on the next scheduled run", async () => {
    const campaign = await createCampaign({ name: unique("Undated "), timezone: "Asia/Tokyo" });
    const postId = await post(campaign.id, (await createInfluencer()).id);
    for (const [id, at, impressions, likes] of [
      ["pms_part_1", "2026-06-01T02:00:00Z", 70, 5],
      ["pms_part_2", "2026-06-02T02:00:00Z", null, 9],
      ["pms_part_3", "2026-06-03T02:00:00Z", 130, null],
    ] as const) {
      await env.DB.prepare(
        `INSERT INTO post_metrics (id, post_id, captured_at, impressions, likes, level_impressions, level_likes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?3)`,
      )
        .bind(id, postId, Date.parse(at), impressions, likes, impressions ?? 70, likes ?? 9)
        .run();
    }
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.UTC(2026, 5, 4, 0, 5), cron: "*/5 * * * *" }),
      env,
    );
    const days = await api("GET", `/campaigns/${campaign.id}/timeseries?from=2026-06-01&to=2026-06-03`);
    expect(
      days.body.points.map((p: Record<string, unknown>) => [p.date, p.impressions, p.engagements]),
    ).toEqual([
      ["2026-06-01", 70, 5],
      ["2026-06-02", 0, 4],
      ["2026-06-03", 60, 0],
    ]);
  });
});

describe("snapshots stored before figures left out were 'not reported'", () => {
  it("get their levels and their daily growth from the values they reported", async () => {
    const campaign = await createCampaign({ name: unique("Backfill ") });
    const postId = await post(campaign.id, (await createInfluencer()).id);
    await snapshot(postId, "2026-09-01T10:00:00Z", { views: 4_000, likes: 10 });
    await snapshot(postId, "2026-09-03T10:00:00Z", { likes: 30 });
    await snapshot(postId, "2026-09-02T10:00:00Z", { views: 5_000 });
    const expected = [
      ["2026-09-01", 4_000, 10],
      ["2026-09-02", 1_000, 0],
      ["2026-09-03", 0, 20],
    ];
    const points = async () =>
      (
        await api("GET", `/campaigns/${campaign.id}/timeseries?from=2026-09-01&to=2026-09-03`)
      ).body.points.map((p: Record<string, unknown>) => [p.date, p.views, p.engagements]);
    expect(await points()).toEqual(expected);
    // As the code before this change left them: no levels, and a missing figure grown from 0.
    await env.DB.batch([
      env.DB.prepare(
        `UPDATE post_metrics SET ${FIGURES.map((f) => `level_${f} = NULL`).join(", ")} WHERE post_id = ?`,
      ).bind(postId),
      env.DB.prepare(
        "UPDATE post_growth_daily SET views = -5000 WHERE campaign_id = ? AND day = '2026-09-03'",
      ).bind(campaign.id),
    ]);
    expect((await totals(campaign.id)).views).toBe(0);

    const statements = backfillStatements("carried_post_levels");
    expect(statements).toHaveLength(3);
    await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
    expect(await points()).toEqual(expected);
    expect(await totals(campaign.id)).toMatchObject({ views: 5_000, engagements: 30 });
    expect((await api("GET", `/posts/${postId}`)).body.latest_metrics).toMatchObject({
      views: 5_000,
      likes: 30,
    });
  });
});
