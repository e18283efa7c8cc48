import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { ownDay, post, snapshot } from "../support/figure-helpers";
import { api, createInfluencer } from "../support/helpers";

const dayBefore = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

type Sent = { post: string; at: string; impressions: number; likes: number };

// The test's own post growth per local day, from the snapshots it sent: each post's level at the
// end of a day (its latest snapshot captured that day or before, by the instant) minus its level
// at the end of the day before, summed over posts.
function expectedGrowth(sent: Sent[], zone: string, days: string[]) {
  const level = (postId: string, endDay: string) => {
    const upTo = sent
      .filter((s) => s.post === postId && ownDay(s.at, zone) <= endDay)
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const last = upTo.at(-1);
    return { impressions: last?.impressions ?? 0, likes: last?.likes ?? 0 };
  };
  const posts = [...new Set(sent.map((s) => s.post))];
  return days.map((date) => {
    let impressions = 0;
    let likes = 0;
    for (const p of posts) {
      const end = level(p, date);
      const before = level(p, dayBefore(date));
      impressions += end.impressions - before.impressions;
      likes += end.likes - before.likes;
    }
    return { date, impressions, likes };
  });
}

// A small seeded shuffle, so a failure can be replayed.
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function timeseries(campaignId: string, from: string, to: string) {
  const res = await api("GET", `/campaigns/${campaignId}/timeseries?from=${from}&to=${to}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // The snapshots carry likes and no other engagement, so a point's engagements are its likes.
  return (res.body.points as { date: string; impressions: number; engagements: number }[]).map(
    ({ date, impressions, engagements }) => ({ date, impressions, likes: engagements }),
  );
}

async function campaignIn(zone: string) {
  const res = await api("POST", "/campaigns", {
    body: { name: "Posts", objective: "awareness", currency: "EUR", timezone: zone },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const DAYS = ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"];

describe("post growth per local day", () => {
  it("books each snapshot's growth on its local day across a DST change, whatever order they arrive in", async () => {
    // Paris moves from UTC+1 to UTC+2 on 2026-03-29 at 01:00 UTC: 22:30 UTC is 23:30 local on the
    // 28th but 00:30 on the 30th.
    const zone = "Europe/Paris";
    const campaignId = await campaignIn(zone);
    const [ana, ben] = [await createInfluencer(), await createInfluencer()];
    const postA = await post(campaignId, ana.id);
    const postB = await post(campaignId, ben.id);
    const sent: Sent[] = [
      { post: postA, at: "2026-03-26T12:00:00Z", impressions: 100, likes: 1 }, // before the range
      { post: postA, at: "2026-03-27T22:59:59Z", impressions: 400, likes: 4 }, // 23:59:59 on the 27th
      { post: postA, at: "2026-03-27T23:00:00Z", impressions: 450, likes: 5 }, // 00:00 on the 28th
      { post: postA, at: "2026-03-28T22:30:00Z", impressions: 900, likes: 9 }, // 23:30 on the 28th
      { post: postA, at: "2026-03-29T22:30:00Z", impressions: 1_500, likes: 12 }, // 00:30 on the 30th
      { post: postA, at: "2026-03-31T21:59:00Z", impressions: 2_000, likes: 20 }, // 23:59 on the 31st
      { post: postA, at: "2026-03-31T22:00:00Z", impressions: 2_600, likes: 21 }, // after the range
      { post: postB, at: "2026-03-29T00:30:00Z", impressions: 50, likes: 0 }, // 01:30 on the 29th
      { post: postB, at: "2026-03-29T01:30:00Z", impressions: 80, likes: 2 }, // 03:30, after the jump
      { post: postB, at: "2026-03-30T21:59:59Z", impressions: 300, likes: 7 }, // 23:59:59 on the 30th
    ];
    for (const s of shuffled(sent, 17)) {
      await snapshot(s.post, s.at, { impressions: s.impressions, likes: s.likes });
    }
    const expected = expectedGrowth(sent, zone, DAYS);
    // Worked by hand for two days: the 28th gains 450 - 400 and 900 - 450 (ana); the 30th gains
    // 1,500 - 900 (ana) and 300 - 80 (ben).
    expect(expected[1]).toEqual({ date: "2026-03-28", impressions: 500, likes: 5 });
    expect(expected[3]).toEqual({ date: "2026-03-30", impressions: 820, likes: 8 });
    expect(await timeseries(campaignId, DAYS[0] as string, DAYS.at(-1) as string)).toEqual(expected);

    // The summary over the same days reads levels, not the daily rows: the two agree.
    const summary = (await api("GET", `/campaigns/${campaignId}/summary?from=2026-03-27&to=2026-03-31`)).body;
    expect(summary.totals.impressions).toBe(expected.reduce((a, d) => a + d.impressions, 0));
  });

  it("keeps every snapshot once when many of the same post arrive at the same moment", async () => {
    const zone = "America/New_York";
    const campaignId = await campaignIn(zone);
    const influencer = await createInfluencer();
    const postId = await post(campaignId, influencer.id);
    const sent: Sent[] = Array.from({ length: 16 }, (_, i) => ({
      post: postId,
      at: new Date(Date.UTC(2026, 2, 27, 3) + i * 7 * 3_600_000).toISOString(),
      impressions: 100 * (i + 1) + (i % 3) * 7,
      likes: i * 2,
    }));
    const results = await Promise.all(
      shuffled(sent, 5).map((s) =>
        api("POST", `/posts/${s.post}/metrics`, {
          body: { captured_at: s.at, impressions: s.impressions, likes: s.likes },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    expect(await timeseries(campaignId, "2026-03-26", "2026-03-31")).toEqual(
      expectedGrowth(sent, zone, ["2026-03-26", ...DAYS]),
    );
  });

  it("dates the snapshots again when the campaign's time zone changes before its first event", async () => {
    const campaignId = await campaignIn("UTC");
    const influencer = await createInfluencer();
    const postId = await post(campaignId, influencer.id);
    await snapshot(postId, "2026-05-10T10:00:00Z", { impressions: 100 });
    await snapshot(postId, "2026-05-10T23:30:00Z", { impressions: 250 }); // the 11th in Tokyo
    expect(await timeseries(campaignId, "2026-05-10", "2026-05-11")).toEqual([
      { date: "2026-05-10", impressions: 250, likes: 0 },
      { date: "2026-05-11", impressions: 0, likes: 0 },
    ]);
    const patched = await api("PATCH", `/campaigns/${campaignId}`, { body: { timezone: "Asia/Tokyo" } });
    expect(patched.status).toBe(200);
    expect(await timeseries(campaignId, "2026-05-10", "2026-05-11")).toEqual([
      { date: "2026-05-10", impressions: 100, likes: 0 },
      { date: "2026-05-11", impressions: 150, likes: 0 },
    ]);
  });

  it("dates snapshots stored before days were kept on the next scheduled run", async () => {
    const zone = "Asia/Tokyo";
    const campaignId = await campaignIn(zone);
    const influencer = await createInfluencer();
    const postId = await post(campaignId, influencer.id);
    // As the migration left them: no day, and no daily growth row.
    for (const [id, at, impressions] of [
      ["pms_old_1", "2026-06-01T14:00:00Z", 70], // the 1st, 23:00 in Tokyo
      ["pms_old_2", "2026-06-01T15:30:00Z", 130], // the 2nd, 00:30
    ] as const) {
      await env.DB.prepare(
        "INSERT INTO post_metrics (id, post_id, captured_at, impressions, created_at) VALUES (?, ?, ?, ?, ?)",
      )
        .bind(id, postId, Date.parse(at), impressions, Date.parse(at))
        .run();
    }
    expect(await timeseries(campaignId, "2026-06-01", "2026-06-02")).toEqual([
      { date: "2026-06-01", impressions: 0, likes: 0 },
      { date: "2026-06-02", impressions: 0, likes: 0 },
    ]);
    const scheduledTime = Date.UTC(2026, 5, 3, 0, 5);
    await worker.scheduled(createScheduledController({ scheduledTime, cron: "*/5 * * * *" }), env);
    expect(await timeseries(campaignId, "2026-06-01", "2026-06-02")).toEqual([
      { date: "2026-06-01", impressions: 70, likes: 0 },
      { date: "2026-06-02", impressions: 60, likes: 0 },
    ]);
    const undated = await env.DB.prepare("SELECT COUNT(*) AS n FROM post_metrics WHERE day IS NULL").first<{
      n: number;
    }>();
    expect(undated?.n).toBe(0);
  });
});
