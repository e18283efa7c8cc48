import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../workers/app";
import { SHOP_SCRIPT_PATH, VERSIONED_SHOP_SCRIPT_PATH } from "../../workers/shop-script";
import {
  ADMIN,
  api,
  BASE,
  createCampaign,
  createCode,
  createInfluencer,
  createKey,
  createLink,
} from "../support/helpers";
import { PageClient } from "../support/page-client";

// Every GET route of the app that is not the JSON API, from the app's own route table.
const PAGE_ROUTES = [
  ...new Set(
    createApp()
      .routes.filter((r) => r.method === "GET" && !r.path.startsWith("/api/"))
      .map((r) => r.path),
  ),
];

let paths: { path: string; client: PageClient }[];

beforeAll(async () => {
  const admin = new PageClient();
  await admin.signIn(ADMIN);
  const influencer = await createInfluencer();
  const portal = new PageClient();
  await portal.signIn((await createKey("influencer", { influencer_id: influencer.id })).key);
  const campaign = await createCampaign();
  const page = `/dashboard/campaigns/${campaign.id}`;
  const shared = await admin.post(`${page}/share-links`, {}, page);
  const share = new URL(/data-share-url[^>]*>([^<]+)</.exec(shared.text)?.[1] as string).pathname;
  const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
  const code = await createCode({ campaign_id: campaign.id, influencer_id: influencer.id });
  await api("PUT", `/campaigns/${campaign.id}/influencers/${influencer.id}`, { body: { fee: 500 } });
  const payout = await api("POST", "/payouts", { body: { currency: "EUR" } });
  const anonymous = new PageClient();
  const concrete: Record<string, { path: string; client: PageClient }> = {
    "/login": { path: "/login", client: anonymous },
    "/dashboard": { path: "/dashboard", client: admin },
    "/dashboard/campaigns/:id": { path: page, client: admin },
    "/dashboard/influencers/:id": { path: `/dashboard/influencers/${influencer.id}`, client: admin },
    "/dashboard/influencers": { path: "/dashboard/influencers", client: admin },
    "/dashboard/campaigns/:id/edit": { path: `${page}/edit`, client: admin },
    "/dashboard/influencers/:id/edit": {
      path: `/dashboard/influencers/${influencer.id}/edit`,
      client: admin,
    },
    "/dashboard/campaigns/:id/enrolments/:influencer_id/edit": {
      path: `${page}/enrolments/${influencer.id}/edit`,
      client: admin,
    },
    "/dashboard/links/:id/edit": { path: `/dashboard/links/${link.id}/edit`, client: admin },
    "/dashboard/codes/:id/edit": { path: `/dashboard/codes/${code.id}/edit`, client: admin },
    "/dashboard/payouts": { path: "/dashboard/payouts", client: admin },
    "/dashboard/payouts/:id": { path: `/dashboard/payouts/${payout.body.id}`, client: admin },
    "/portal": { path: "/portal", client: portal },
    "/r/:token": { path: share, client: anonymous },
    "/docs": { path: "/docs", client: anonymous },
  };
  paths = PAGE_ROUTES.flatMap((route) => (concrete[route] ? [concrete[route]] : []));
  // The pages that are not routes: the not-found page, and the redirect's message pages.
  paths.push({ path: "/no/such/page", client: anonymous });
  paths.push({ path: "/nosuchslug", client: anonymous });
  paths.push({ path: `/r/${"x".repeat(32)}`, client: anonymous });
});

describe("security headers on every HTML page", () => {
  it("knows every page route (a new one must be added to this test)", () => {
    const known = [
      "/login",
      "/dashboard",
      "/dashboard/campaigns/:id",
      "/dashboard/influencers/:id",
      "/dashboard/influencers",
      "/dashboard/campaigns/:id/edit",
      "/dashboard/influencers/:id/edit",
      "/dashboard/campaigns/:id/enrolments/:influencer_id/edit",
      "/dashboard/links/:id/edit",
      "/dashboard/codes/:id/edit",
      "/dashboard/payouts",
      "/dashboard/payouts/:id",
      "/portal",
      "/r/:token",
      "/docs",
    ];
    const notPages = [
      "/healthz",
      "/static/:file",
      "/favicon.svg",
      "/favicon.ico",
      "/",
      "/dashboard/campaigns/:id/report.csv",
      SHOP_SCRIPT_PATH,
      VERSIONED_SHOP_SCRIPT_PATH,
      "/dashboard/influencers.json",
      "/dashboard/payouts/:id/lines.csv",
    ];
    expect(PAGE_ROUTES.filter((r) => !known.includes(r) && !notPages.includes(r))).toEqual([]);
  });

  it("sends a strict CSP, no framing, nosniff and a referrer policy", async () => {
    for (const { path, client } of paths) {
      const res = await client.request(path);
      expect(res.headers.get("Content-Type"), path).toMatch(/^text\/html/);
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("style-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(res.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy"), path).toBe("same-origin");
      // Nothing inline for the CSP to refuse: no <style>, no style="", no inline <script>.
      expect(res.text, path).not.toMatch(/<style|\sstyle=|<script(?![^>]*\ssrc=)/);
      expect(res.text, path).not.toMatch(/\son[a-z]+=/);
    }
  });

  it("serves the stylesheet and script under a content hash, cached for a year", async () => {
    const html = (await new PageClient().request("/login")).text;
    const assets = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets).toHaveLength(2);
    // The dashboard's pages have the influencer pickers' script too.
    const admin = new PageClient();
    await admin.signIn(ADMIN);
    const dashboard = (await admin.request("/dashboard")).text;
    assets.push(...[...dashboard.matchAll(/src="(\/static\/[^"]+)"/g)].map((m) => m[1] as string));
    expect(new Set(assets).size).toBe(3);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/static\/app\.[0-9a-f]{12}\.(css|js)$/);
      const res = await exports.default.fetch(`${BASE}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
    expect((await exports.default.fetch(`${BASE}/static/app.000000000000.css`)).status).toBe(404);
  });
});
