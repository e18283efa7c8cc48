import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db";
import { addMetrics } from "../../src/posts/posts";
import { importSnapshots } from "../../src/posts/snapshot-import";
import { post } from "../support/figure-helpers";
import { createCampaign, createInfluencer, unique } from "../support/helpers";
import { backfillStatements } from "../support/migrations";

const HOUR = 3_600_000;
const FIRST = Date.UTC(2026, 0, 1);
const clock = () => Date.UTC(2026, 11, 1);

// The rows D1 says the writes' batches read: what the work costs, whatever the machine's speed.
function counted(d1: D1Database) {
  let rowsRead = 0;
  const proxy = new Proxy(d1, {
    get(target, prop) {
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements);
          for (const result of results) rowsRead += result.meta.rows_read;
          return results;
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    db: createDb(proxy),
    read: () => {
      const read = rowsRead;
      rowsRead = 0;
      return read;
    },
  };
}

// A YouTube post's hourly views and likes: its five other figures are never reported.
const line = (postId: string, n: number) => ({
  line: n + 2,
  postId,
  figures: { capturedAt: new Date(FIRST + n * HOUR), counters: { views: 1_000 + n, likes: n } },
});

async function levels(postId: string) {
  const { results } = await env.DB.prepare(
    `SELECT level_views AS views, level_likes AS likes, level_saves AS saves FROM post_metrics
     WHERE post_id = ? ORDER BY captured_at, created_at, id`,
  )
    .bind(postId)
    .all();
  return results;
}

describe("the cost of keeping a post's levels", () => {
  it("grows with the post's snapshots and the file's lines, not with their square, for figures left out", async () => {
    const campaign = await createCampaign({ name: unique("Cost ") });
    const postId = await post(campaign.id, (await createInfluencer({ platform: "youtube" })).id);
    const { db, read } = counted(env.DB);
    const N = 1_000;
    const history = Array.from({ length: N }, (_, n) => line(postId, n));
    // The file's lines in any order: newest first here.
    const file = { rows: history.toReversed(), problems: [] };
    expect(await importSnapshots(db, campaign.id, file, clock)).toMatchObject({
      outcome: "imported",
      added: N,
    });
    expect(read()).toBeLessThan(120 * N);
    expect(await importSnapshots(db, campaign.id, file, clock)).toMatchObject({ added: 0, unchanged: N });
    read();

    // A late line just after the first snapshot, reporting saves for the first time: every later
    // snapshot's levels are set again, in a few passes over them.
    const late = {
      line: 2,
      postId,
      figures: { capturedAt: new Date(FIRST + HOUR / 2), counters: { saves: 7 } },
    };
    expect(await importSnapshots(db, campaign.id, { rows: [late], problems: [] }, clock)).toMatchObject({
      added: 1,
    });
    expect(read()).toBeLessThan(60 * N);
    // A snapshot after all the others sets its own levels only.
    await addMetrics(db, postId, { views: 5_000, capturedAt: new Date(FIRST + N * HOUR) }, clock);
    expect(read()).toBeLessThan(200);

    const all = await levels(postId);
    expect(all).toHaveLength(N + 2);
    expect(all.slice(0, 3)).toEqual([
      { views: 1_000, likes: 0, saves: null },
      { views: 1_000, likes: 0, saves: 7 },
      { views: 1_001, likes: 1, saves: 7 },
    ]);
    expect(all.at(-2)).toEqual({ views: 1_000 + N - 1, likes: N - 1, saves: 7 });
    expect(all.at(-1)).toEqual({ views: 5_000, likes: N - 1, saves: 7 });
    // Each figure's growth over the days adds up to its level.
    const growth = await env.DB.prepare(
      "SELECT SUM(views) AS views, SUM(likes) AS likes, SUM(saves) AS saves FROM post_growth_daily WHERE campaign_id = ?",
    )
      .bind(campaign.id)
      .first();
    expect(growth).toEqual(all.at(-1));

    // The migration that brought levels in sets them all, in one pass over the table too.
    await env.DB.prepare(
      "UPDATE post_metrics SET level_views = NULL, level_likes = NULL, level_saves = NULL",
    ).run();
    const [backfill = ""] = backfillStatements("carried_post_levels");
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM post_metrics").first<{ n: number }>()) ?? {
      n: 0,
    };
    expect(n).toBeGreaterThanOrEqual(N + 2);
    expect((await env.DB.prepare(backfill).run()).meta.rows_read).toBeLessThan(60 * n);
    expect(await levels(postId)).toEqual(all);
  });
});
