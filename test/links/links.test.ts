import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCampaign, createInfluencer, createLink, expectError, unique } from "../support/helpers";

describe("links", () => {
  it("issues a link with a 7-character slug, default UTM and the url's own query kept", async () => {
    const campaign = await createCampaign({ name: "Été Soldes 2026!" });
    const influencer = await createInfluencer({ handle: unique("ana.style"), platform: "instagram" });
    const res = await api("POST", "/links", {
      body: {
        campaign_id: campaign.id,
        influencer_id: influencer.id,
        url: "https://shop.example/sale?ref=ig#top",
      },
    });
    expect(res.status).toBe(201);
    const link = res.body;
    expect(link.id).toMatch(/^lnk_/);
    expect(link.slug).toMatch(/^[A-Za-z0-9_-]{7}$/);
    expect(link.short_url).toBe(`https://sl.test/${link.slug}`);
    expect(link.utm).toEqual({
      source: "instagram",
      medium: "influencer",
      campaign: "ete-soldes-2026",
      content: influencer.handle,
    });
    const destination = new URL(link.destination_url);
    expect(destination.origin + destination.pathname).toBe("https://shop.example/sale");
    expect(Object.fromEntries(destination.searchParams)).toEqual({
      ref: "ig",
      utm_source: "instagram",
      utm_medium: "influencer",
      utm_campaign: "ete-soldes-2026",
      utm_content: influencer.handle,
    });
    expect(link).toMatchObject({ disabled: false, expires_at: null, expired_url: null });
    expect((await api("GET", `/links/${link.id}`)).body).toEqual(link);
  });

  it("lets utm fields override the defaults, and replaces utm_* already in the url", async () => {
    const link = await createLink({
      url: "https://shop.example/?utm_source=old&keep=1",
      utm: { source: "ig-stories", term: "summer" },
    });
    const params = new URL(link.destination_url).searchParams;
    expect(params.get("utm_source")).toBe("ig-stories");
    expect(params.get("utm_term")).toBe("summer");
    expect(params.get("utm_medium")).toBe("influencer");
    expect(params.get("keep")).toBe("1");
    expect(params.getAll("utm_source")).toHaveLength(1);
  });

  it("enrols the influencer at zero cost when issuing a link", async () => {
    const link = await createLink();
    const row = await env.DB.prepare("SELECT * FROM enrolments WHERE campaign_id = ? AND influencer_id = ?")
      .bind(link.campaign_id, link.influencer_id)
      .first();
    expect(row).toMatchObject({ fee: 0, commission_rate: 0, other_costs: 0 });
  });

  it("accepts only absolute http(s) urls (422 invalid_url)", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const bad = [
      "javascript:alert(1)",
      "JAVASCRIPT:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "ftp://files.example/x",
      "/relative/path",
      "//evil.example",
      "shop.example",
      "http://",
      `https://x.example/${"a".repeat(2100)}`,
      `https://x.example/${"a".repeat(5000)}`,
    ];
    for (const url of bad) {
      const res = await api("POST", "/links", {
        body: { campaign_id: campaign.id, influencer_id: influencer.id, url },
      });
      expectError(res, 422, "invalid_url");
    }
    // An empty expired_url is not "none" (that is null or leaving it out): refused like on PATCH.
    for (const expired_url of ["javascript:alert(1)", ""]) {
      const expired = await api("POST", "/links", {
        body: {
          campaign_id: campaign.id,
          influencer_id: influencer.id,
          url: "https://shop.example",
          expired_url,
        },
      });
      expectError(expired, 422, "invalid_url");
    }
  });

  it("validates custom slugs: format, reserved paths, and taken (409)", async () => {
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const body = (slug: string) => ({
      campaign_id: campaign.id,
      influencer_id: influencer.id,
      url: "https://s.example",
      slug,
    });
    for (const slug of [
      "ab",
      "a".repeat(65),
      "a".repeat(5000),
      "has space",
      "ümlaut",
      "semi;colon",
      "dot.ted",
    ]) {
      expectError(await api("POST", "/links", { body: body(slug) }), 422, "invalid_slug");
    }
    for (const slug of ["api", "docs", "dashboard", "healthz", "DOCS"]) {
      expectError(await api("POST", "/links", { body: body(slug) }), 422, "invalid_slug");
    }
    const slug = unique("ana-summer_");
    expect((await api("POST", "/links", { body: body(slug) })).status).toBe(201);
    expectError(await api("POST", "/links", { body: body(slug) }), 409, "slug_taken");
  });

  it("answers 404 for a campaign or influencer that does not exist", async () => {
    const influencer = await createInfluencer();
    expectError(
      await api("POST", "/links", {
        body: { campaign_id: "cmp_x", influencer_id: influencer.id, url: "https://s.example" },
      }),
      404,
      "campaign_not_found",
    );
  });

  it("lists by campaign and influencer, and patches url, expiry and disabled", async () => {
    const link = await createLink();
    await createLink({ campaign_id: link.campaign_id });
    const byCampaign = await api("GET", `/links?campaign_id=${link.campaign_id}`);
    expect(byCampaign.body.data).toHaveLength(2);
    const byBoth = await api(
      "GET",
      `/links?campaign_id=${link.campaign_id}&influencer_id=${link.influencer_id}`,
    );
    expect(byBoth.body.data.map((l: { id: string }) => l.id)).toEqual([link.id]);

    const patched = await api("PATCH", `/links/${link.id}`, {
      body: {
        url: "https://shop.example/new",
        expires_at: "2030-01-01T00:00:00Z",
        expired_url: "https://shop.example/over",
        disabled: true,
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      url: "https://shop.example/new",
      expires_at: "2030-01-01T00:00:00.000Z",
      expired_url: "https://shop.example/over",
      disabled: true,
    });
    expect(new URL(patched.body.destination_url).searchParams.get("utm_medium")).toBe("influencer");
    expectError(await api("PATCH", `/links/${link.id}`, { body: { url: "data:x" } }), 422, "invalid_url");
    expectError(await api("PATCH", `/links/${link.id}`, { body: { slug: "new" } }), 422, "validation_failed");
    expectError(
      await api("PATCH", "/links/lnk_missing", { body: { disabled: true } }),
      404,
      "link_not_found",
    );
  });
});
