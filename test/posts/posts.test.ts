import { describe, expect, it } from "vitest";
import {
  api,
  createCampaign,
  createInfluencer,
  createKey,
  createLink,
  expectError,
  unique,
} from "../support/helpers";

describe("posts and their metrics", () => {
  it("records the same post once: sent again, it answers 200 with the post already there", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const body = {
      campaign_id: campaign.id,
      influencer_id: influencer.id,
      url: "https://ig.example/p/twice",
    };
    const first = await api("POST", "/posts", { body });
    expect(first.status).toBe(201);
    await api("POST", `/posts/${first.body.id}/metrics`, { body: { likes: 7 } });
    const again = await api("POST", "/posts", { body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, latest_metrics: { likes: 7 } });
    expect((await api("GET", `/posts?campaign_id=${campaign.id}`)).body.data).toHaveLength(1);
    // Another influencer's post at the same address is another post.
    const other = await createInfluencer();
    const theirs = await api("POST", "/posts", { body: { ...body, influencer_id: other.id } });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it("records a post (platform defaulting to the influencer's) and keeps the latest snapshot as its figure", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer({ platform: "tiktok" });
    const created = await api("POST", "/posts", {
      body: {
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        url: "https://tiktok.example/@a/video/1",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ platform: "tiktok", latest_metrics: null, published_at: null });
    expect(created.body.id).toMatch(/^post_/);
    const id = created.body.id;

    const later = await api("POST", `/posts/${id}/metrics`, {
      body: { captured_at: "2026-11-02T00:00:00Z", impressions: 9000, views: 5000, likes: 300 },
    });
    expect(later.status).toBe(201);
    // Reported afterwards but captured earlier: not the latest.
    await api("POST", `/posts/${id}/metrics`, {
      body: { captured_at: "2026-11-01T00:00:00Z", impressions: 4000, views: 2000, likes: 100 },
    });
    const post = await api("GET", `/posts/${id}`);
    expect(post.body.latest_metrics).toMatchObject({
      captured_at: "2026-11-02T00:00:00.000Z",
      impressions: 9000,
      views: 5000,
      likes: 300,
      reach: null,
    });
    const quiet = await api("POST", "/posts", {
      body: {
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        url: "https://tiktok.example/@a/video/2",
      },
    });
    const list = await api("GET", `/posts?campaign_id=${campaign.id}`);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([quiet.body.id, id]);
    expect(list.body.data[0].latest_metrics).toBeNull();
    expect(list.body.data[1].latest_metrics.impressions).toBe(9000);
  });

  it("refuses bad input: urls, negative counters, unknown posts and campaigns", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const body = { campaign_id: campaign.id, influencer_id: influencer.id };
    expectError(
      await api("POST", "/posts", { body: { ...body, url: "javascript:alert(1)" } }),
      422,
      "invalid_url",
    );
    expectError(
      await api("POST", "/posts", {
        body: { ...body, campaign_id: "cmp_missing", url: "https://x.example" },
      }),
      404,
      "campaign_not_found",
    );
    const post = await api("POST", "/posts", { body: { ...body, url: "https://x.example/p" } });
    expectError(
      await api("POST", `/posts/${post.body.id}/metrics`, { body: { likes: -1 } }),
      422,
      "validation_failed",
    );
    expectError(
      await api("POST", "/posts/post_missing/metrics", { body: { likes: 1 } }),
      404,
      "post_not_found",
    );
  });
});

describe("/me", () => {
  it("shows an influencer key its own influencer, links and codes, and nothing of anyone else's", async () => {
    const mine = await createLink();
    const theirs = await createLink({ campaign_id: mine.campaign_id });
    await api("POST", "/codes", {
      body: {
        code: unique("MINE").slice(0, 32),
        campaign_id: mine.campaign_id,
        influencer_id: mine.influencer_id,
      },
    });
    await api("POST", "/codes", {
      body: {
        code: unique("THEIRS").slice(0, 32),
        campaign_id: theirs.campaign_id,
        influencer_id: theirs.influencer_id,
      },
    });
    const key = (await createKey("influencer", { influencer_id: mine.influencer_id })).key;

    const me = await api("GET", "/me", { key });
    expect(me.status).toBe(200);
    expect(me.body.influencer.id).toBe(mine.influencer_id);
    const links = await api("GET", "/me/links", { key });
    expect(links.body.data.map((l: { id: string }) => l.id)).toEqual([mine.id]);
    const codes = await api("GET", "/me/codes", { key });
    expect(codes.body.data).toHaveLength(1);
    expect(codes.body.data[0].influencer_id).toBe(mine.influencer_id);

    // Everything else is closed to it, and /me is closed to other keys.
    expectError(await api("GET", `/links/${theirs.id}`, { key }), 403, "forbidden");
    expectError(await api("GET", "/codes", { key }), 403, "forbidden");
    const checkout = (await createKey("checkout")).key;
    expectError(await api("GET", "/me", { key: checkout }), 403, "forbidden");
    expectError(await api("GET", "/me"), 403, "forbidden");
    expectError(await api("GET", "/me", { key: null }), 401, "unauthorized");
  });
});
