import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../workers/app";
import { ADMIN, api, createCampaign, createCode, createInfluencer, createLink } from "../support/helpers";
import { PageClient } from "../support/page-client";

// Every POST route that is not the JSON API is a form: taken from the app's own route table, so
// a form added later is in this list without anyone remembering to add it.
const FORM_ROUTES = [
  ...new Set(
    createApp()
      .routes.filter((r) => r.method === "POST" && !r.path.startsWith("/api/"))
      .map((r) => r.path),
  ),
];

let ids: {
  campaign: string;
  influencer: string;
  share: string;
  link: string;
  code: string;
  payout: string;
};
const browser = new PageClient();

beforeAll(async () => {
  const campaign = await createCampaign({ name: "CSRF target" });
  const influencer = await createInfluencer();
  const link = await createLink({ campaign_id: campaign.id, influencer_id: influencer.id });
  const code = await createCode({ campaign_id: campaign.id, influencer_id: influencer.id });
  await browser.signIn(ADMIN);
  const shared = await browser.post(
    `/dashboard/campaigns/${campaign.id}/share-links`,
    {},
    `/dashboard/campaigns/${campaign.id}`,
  );
  const shareId = /data-share-link="([^"]+)"/.exec(shared.text)?.[1] as string;
  await api("PUT", `/campaigns/${campaign.id}/influencers/${influencer.id}`, { body: { fee: 500 } });
  const payout = await api("POST", "/payouts", { body: { currency: "EUR" } });
  ids = {
    campaign: campaign.id,
    influencer: influencer.id,
    share: shareId,
    link: link.id,
    code: code.id,
    payout: payout.body.id,
  };
});

// Each form's path with real ids, so that a refusal is the CSRF check's and not a 404's.
const OWNER_OF_ID: [string, keyof typeof ids][] = [
  ["/dashboard/share-links", "share"],
  ["/dashboard/payouts", "payout"],
  ["/dashboard/influencers", "influencer"],
  ["/dashboard/links", "link"],
  ["/dashboard/codes", "code"],
  ["/dashboard/campaigns", "campaign"],
];
const concrete = (path: string) => {
  const [, owner = "campaign"] = OWNER_OF_ID.find(([prefix]) => path.startsWith(prefix)) ?? [];
  return path.replace(":id", ids[owner]).replace(":influencer_id", ids.influencer);
};

describe("CSRF protection on every form", () => {
  it("finds the forms: sign-in, sign-out and the dashboard's", () => {
    expect(FORM_ROUTES).toEqual(
      expect.arrayContaining(["/login", "/logout", "/dashboard/campaigns", "/dashboard/campaigns/:id/links"]),
    );
    expect(FORM_ROUTES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(FORM_ROUTES)(
    "%s: refused (403) without the token, with a wrong one, or from another origin",
    async (route) => {
      const path = concrete(route);
      const token = await browser.csrfFrom("/dashboard");
      const before = await new PageClient().csrfFrom("/login");
      const forms: Record<string, string>[] = [{}, { _csrf: "x".repeat(64) }, { _csrf: before }];
      for (const form of forms) {
        const res = await browser.request(path, { form });
        expect(res.status, `${path} ${JSON.stringify(form)}`).toBe(403);
        expect(res.text).toContain("<h1>");
      }
      const crossSite = await browser.request(path, {
        form: { _csrf: token },
        headers: { Origin: "https://evil.example" },
      });
      expect(crossSite.status).toBe(403);
      const noOrigin = await browser.request(path, { form: { _csrf: token }, headers: { Origin: "" } });
      expect(noOrigin.status).toBe(403);
    },
  );

  it("protects sign-in before there is a session: the token must match this browser's cookie", async () => {
    const visitor = new PageClient();
    const other = new PageClient();
    const othersToken = await other.csrfFrom("/login");
    await visitor.csrfFrom("/login");
    const forms: Record<string, string>[] = [{ key: ADMIN }, { key: ADMIN, _csrf: othersToken }];
    for (const form of forms) {
      expect((await visitor.request("/login", { form })).status).toBe(403);
    }
    const ownToken = await visitor.csrfFrom("/login");
    const crossSite = await visitor.request("/login", {
      form: { key: ADMIN, _csrf: ownToken },
      headers: { Origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect((await visitor.request("/login", { form: { key: ADMIN, _csrf: ownToken } })).status).toBe(303);
  });

  it("accepts a form with this session's token from this origin (the check can pass)", async () => {
    const res = await browser.post(
      `/dashboard/campaigns/${ids.campaign}/influencers`,
      { handle: "csrf.ok", platform: "tiktok" },
      "/dashboard",
    );
    expect(res.status).toBe(303);
  });

  it("puts the token in every form the pages render that changes something", async () => {
    const pages = [
      "/dashboard",
      "/dashboard/influencers",
      `/dashboard/campaigns/${ids.campaign}`,
      `/dashboard/influencers/${ids.influencer}`,
      `/dashboard/campaigns/${ids.campaign}/edit`,
      `/dashboard/campaigns/${ids.campaign}/enrolments/${ids.influencer}/edit`,
      `/dashboard/influencers/${ids.influencer}/edit`,
      `/dashboard/links/${ids.link}/edit`,
      `/dashboard/codes/${ids.code}/edit`,
      "/dashboard/payouts",
      `/dashboard/payouts/${ids.payout}`,
    ];
    for (const path of pages) {
      const html = (await browser.request(path)).text;
      // (Search boxes are GET forms: they change nothing, and carry no token.)
      const forms = html.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
      expect(forms.length).toBeGreaterThan(0);
      for (const form of forms) {
        // Only a form that reads (the period's range) may go without: it is a GET and changes nothing.
        if (/^<form method="get"/.test(form)) expect(form).not.toContain("_csrf");
        else expect(form).toMatch(/name="_csrf" value="[0-9a-f]{64}"/);
      }
    }
  });
});
