import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { snapshot } from "../support/figure-helpers";
import { ADMIN, api, createCampaign, createInfluencer, unique } from "../support/helpers";
import { PageClient, postCell, upload } from "../support/page-client";

const DAY = 86_400_000;

async function admin() {
  const browser = new PageClient();
  await browser.signIn(ADMIN);
  return browser;
}

async function snapshotRows(postId: string) {
  const { results } = await env.DB.prepare(
    "SELECT captured_at, impressions, likes FROM post_metrics WHERE post_id = ? ORDER BY captured_at",
  )
    .bind(postId)
    .all<{ captured_at: number; impressions: number | null; likes: number | null }>();
  return results;
}

async function campaignWithPosts() {
  const campaign = await createCampaign({ name: unique("Posts ") });
  const influencer = await createInfluencer({ handle: unique("poster") });
  const browser = await admin();
  const page = `/dashboard/campaigns/${campaign.id}`;
  return { campaign, influencer, browser, page };
}

describe("posts on the campaign page", () => {
  it("adds a post once however often the form is sent, and a snapshot of its figures", async () => {
    const { campaign, influencer, browser, page } = await campaignWithPosts();
    const form = {
      influencer_id: influencer.id,
      url: "https://ig.example/p/first",
      published_at: "2026-11-02",
    };
    const added = await browser.post(`${page}/posts`, form, page);
    expect(added.status).toBe(303);
    expect(added.headers.get("Location")).toBe(`${page}#posts`);
    // Sent again (a double click, a reload): still one post.
    expect((await browser.post(`${page}/posts`, form, page)).status).toBe(303);
    const posts = (await api("GET", `/posts?campaign_id=${campaign.id}`)).body.data;
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ platform: "instagram", published_at: "2026-11-02T00:00:00.000Z" });

    const bad = await browser.post(`${page}/posts`, { influencer_id: influencer.id, url: "ftp://x" }, page);
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="post-url"[^>]*aria-invalid="true"/);

    const snap = await browser.post(
      `${page}/post-metrics`,
      { post_id: posts[0].id, captured_at: "2026-11-03T18:30", impressions: "12000", likes: "340" },
      page,
    );
    expect(snap.status).toBe(303);
    expect(await snapshotRows(posts[0].id)).toEqual([
      { captured_at: Date.parse("2026-11-03T18:30:00Z"), impressions: 12_000, likes: 340 },
    ]);
    const refused = await browser.post(
      `${page}/post-metrics`,
      { post_id: posts[0].id, impressions: "-5", likes: "1.5" },
      page,
    );
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="snapshot-impressions"[^>]*aria-invalid="true"/);
    expect(refused.text).toMatch(/id="snapshot-likes"[^>]*aria-invalid="true"/);
    // A post of another campaign is not this form's to change.
    const other = await createCampaign();
    const foreign = (
      await api("POST", "/posts", {
        body: { campaign_id: other.id, influencer_id: influencer.id, url: "https://ig.example/p/x" },
      })
    ).body;
    const wrong = await browser.post(`${page}/post-metrics`, { post_id: foreign.id, likes: "1" }, page);
    expect(wrong.status).toBe(422);
    expect(await snapshotRows(foreign.id)).toEqual([]);
  });

  it("shows each post's latest figures and their growth within the page's period", async () => {
    const { campaign, influencer, browser, page } = await campaignWithPosts();
    const post = (
      await api("POST", "/posts", {
        body: { campaign_id: campaign.id, influencer_id: influencer.id, url: "https://ig.example/p/grow" },
      })
    ).body;
    const now = Date.now();
    await snapshot(post.id, new Date(now - 20 * DAY).toISOString(), { impressions: 1_000, likes: 10 });
    await snapshot(post.id, new Date(now - 2 * DAY).toISOString(), { impressions: 1_500, likes: 40 });

    const allTime = (await browser.request(`${page}?lang=en`)).text;
    // All time, a post's growth is its level: shown once.
    expect(postCell(allTime, post.id, "impressions")).toEqual({ level: "1,500", growth: undefined });
    // The last 7 days: the level now, less the level before the period (20 days ago's).
    const week = (await browser.request(`${page}?days=7&lang=en`)).text;
    expect(postCell(week, post.id, "impressions")).toEqual({ level: "1,500", growth: "+500" });
    expect(postCell(week, post.id, "likes")).toEqual({ level: "40", growth: "+30" });
    expect(postCell(week, post.id, "views")).toEqual({ level: "–", growth: undefined });
    // The same growth as the summary's for that period.
    const from = new Date(now - 6 * DAY).toISOString().slice(0, 10);
    const summary = (await api("GET", `/campaigns/${campaign.id}/summary?from=${from}`)).body;
    expect(summary.totals.impressions).toBe(500);
    // The handle links to the influencer's page.
    expect(week).toContain(`href="/dashboard/influencers/${influencer.id}"`);
  });
});

describe("CSV import of post snapshots", () => {
  async function importCampaign() {
    const setup = await campaignWithPosts();
    const { campaign, influencer } = setup;
    const urls = ["https://ig.example/p/one", "https://ig.example/p/two"];
    const ids: string[] = [];
    for (const url of urls) {
      ids.push(
        (
          await api("POST", "/posts", {
            body: { campaign_id: campaign.id, influencer_id: influencer.id, url },
          })
        ).body.id,
      );
    }
    return { ...setup, urls, ids, action: `${setup.page}/post-metrics/import` };
  }

  it("imports a spreadsheet's snapshots, and adds nothing when the same file comes again", async () => {
    const { browser, action, page, urls, ids, campaign } = await importCampaign();
    // As a French spreadsheet saves it: a byte-order mark, semicolons, quotes, CRLF, a blank line.
    const csv = [
      "\uFEFFpost_url;captured_at;impressions;likes",
      `${urls[0]};2026-03-01T10:00:00Z;1000;50`,
      "",
      `"${urls[1]}";2026-03-01 18:00;2000;`,
      `${urls[0]};2026-03-02;3000;60`,
      "",
    ].join("\r\n");
    const first = await upload(browser, action, csv);
    expect(first.status).toBe(303);
    expect(first.headers.get("Location")).toBe(`${page}?imported=3-0#posts`);
    expect(await snapshotRows(ids[0] as string)).toEqual([
      { captured_at: Date.parse("2026-03-01T10:00:00Z"), impressions: 1_000, likes: 50 },
      { captured_at: Date.parse("2026-03-02T00:00:00Z"), impressions: 3_000, likes: 60 },
    ]);
    expect(await snapshotRows(ids[1] as string)).toEqual([
      { captured_at: Date.parse("2026-03-01T18:00:00Z"), impressions: 2_000, likes: null },
    ]);
    const again = await upload(browser, action, csv);
    expect(again.headers.get("Location")).toBe(`${page}?imported=0-3#posts`);
    expect(await snapshotRows(ids[0] as string)).toHaveLength(2);
    const shown = await browser.request(`${page}?imported=0-3&lang=en`);
    expect(shown.text).toContain("Snapshots imported: 0; already there: 3.");
    // Each imported snapshot's growth is on its day, once, however often the file came: 1 March
    // 1,000 + 2,000 impressions, 2 March 3,000 − 1,000.
    const points = (await api("GET", `/campaigns/${campaign.id}/timeseries?from=2026-03-01&to=2026-03-02`))
      .body.points as { date: string; impressions: number }[];
    expect(points.map((p) => [p.date, p.impressions])).toEqual([
      ["2026-03-01", 3_000],
      ["2026-03-02", 2_000],
    ]);
  });

  it("stores nothing from a file with bad lines, and lists every problem of every line at once", async () => {
    const { browser, action, urls, ids } = await importCampaign();
    const csv = [
      "post_url,post_id,captured_at,impressions,views",
      `${urls[0]},,2026-03-01T10:00:00Z,1000,5`,
      `https://ig.example/p/unknown,,2026-03-01T10:00:00Z,1,-1`,
      `,${ids[1]},yesterday,1,1`,
      `${urls[1]},,2026-03-01T10:00:00Z,12.5,-1`,
      `"${urls[1]}`,
      `multi-line",,2026-03-01T10:00:00Z,1,1`,
      `${urls[0]},,2026-03-01T10:00:00Z,1001,5`,
      `${urls[0]},,2026-03-01T10:00:00Z`,
      `,,2026-03-01T10:00:00Z,1,1`,
      `,post_nope,,1,x`,
    ].join("\n");
    const refused = await upload(browser, action, csv);
    expect(refused.status).toBe(422);
    const lines = [...refused.text.matchAll(/<li data-line="(\d+)">([^<]*)<\/li>/g)].map((m) => [
      Number(m[1]),
      m[2],
    ]);
    // Shape, figures and posts at once, each line's problems by column from left to right: an
    // unknown address with a negative count, a time that is none, two bad counts, a quoted address
    // over two lines that is no post, the same post and time as line 2 with other figures, too few
    // fields, no post, and an unknown id with no time and a count that is no number.
    const unknown = "No post of this campaign has this address or id.";
    const count = "a whole number, at least 0.";
    expect(lines).toEqual([
      [3, `Line 3: post_url: ${unknown} views: ${count}`],
      [4, "Line 4: captured_at: a date and time such as 2026-03-01T18:00:00Z."],
      [5, `Line 5: impressions: ${count} views: ${count}`],
      [6, `Line 6: post_url: ${unknown}`],
      [8, "Line 8: Same post and time as line 2, with other figures."],
      [9, "Line 9: 3 fields where the first line names 5."],
      [10, "Line 10: No post given."],
      [
        11,
        `Line 11: post_id: ${unknown} captured_at: a date and time such as 2026-03-01T18:00:00Z. views: ${count}`,
      ],
    ]);
    const french = await upload(browser, `${action}?lang=fr`, csv);
    expect(french.text).toContain(
      "post_url : Aucune publication de cette campagne n’a cette adresse ou cet identifiant.",
    );
    for (const id of ids) expect(await snapshotRows(id)).toEqual([]);

    // In French, on the field's own words.
    const header = await upload(browser, `${action}?lang=fr`, "post,when\nx,y\n");
    expect(header.status).toBe(422);
    expect(header.text).toContain("La colonne « post » n’est pas prise par cet import.");
    expect(header.text).toContain("Une colonne captured_at est nécessaire.");
    const none = await upload(browser, action, null);
    expect(none.status).toBe(422);
    expect(none.text).toContain("Choose a CSV file.");
  });

  it("refuses a file sent without this session's token", async () => {
    const { browser, action, ids } = await importCampaign();
    const csv = "post_url,captured_at,likes\nhttps://ig.example/p/one,2026-03-01,5\n";
    expect((await upload(browser, action, csv, "x".repeat(64))).status).toBe(403);
    expect(await snapshotRows(ids[0] as string)).toEqual([]);
  });
});
