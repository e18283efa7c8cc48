import { beforeAll, describe, expect, it } from "vitest";
import { createPagesApp } from "../../workers/pages/pages-app";
import {
  ADMIN,
  api,
  createCode,
  createKey,
  createLink,
  expectDecisionForEveryRoute,
} from "../support/helpers";
import { PageClient } from "../support/page-client";

// The pages' access matrix, like the API's (test/api/access-matrix.test.ts): the routes come from the
// pages router itself, each needs a row in this one table, and every route is called by every
// kind of visitor. Sessions come from signing in with a key; the sign-in routes themselves are
// tested in test/pages/pages-session.test.ts.
//   admin: the dashboard, an admin session only; influencer: the portal, an influencer session
//   only; shared: a share link's token is the key, anyone with it may read; sign-in: open.
type PageScope = "admin" | "influencer" | "shared" | "sign-in";

const PAGE_SCOPES: Record<string, PageScope> = {
  "GET /login": "sign-in",
  "POST /login": "sign-in",
  "POST /logout": "sign-in",
  "GET /dashboard": "admin",
  "POST /dashboard/campaigns": "admin",
  "POST /dashboard/influencers": "admin",
  "GET /dashboard/campaigns/:id": "admin",
  "GET /dashboard/campaigns/:id/report.csv": "admin",
  "POST /dashboard/campaigns/:id/influencers": "admin",
  "POST /dashboard/campaigns/:id/enrolments": "admin",
  "POST /dashboard/campaigns/:id/links": "admin",
  "POST /dashboard/campaigns/:id/codes": "admin",
  "POST /dashboard/campaigns/:id/share-links": "admin",
  "POST /dashboard/campaigns/:id/goals": "admin",
  "POST /dashboard/campaigns/:id/goals/remove": "admin",
  "POST /dashboard/campaigns/:id/posts": "admin",
  "POST /dashboard/campaigns/:id/post-metrics": "admin",
  "POST /dashboard/campaigns/:id/post-metrics/import": "admin",
  "GET /dashboard/influencers/:id": "admin",
  "POST /dashboard/influencers/:id/followers": "admin",
  "POST /dashboard/share-links/:id/revoke": "admin",
  "POST /dashboard/rollup": "admin",
  "GET /dashboard/influencers": "admin",
  "GET /dashboard/influencers.json": "admin",
  "GET /dashboard/influencers/:id/edit": "admin",
  "POST /dashboard/influencers/:id/edit": "admin",
  "POST /dashboard/influencers/:id/archive": "admin",
  "GET /dashboard/campaigns/:id/edit": "admin",
  "POST /dashboard/campaigns/:id/edit": "admin",
  "POST /dashboard/campaigns/:id/archive": "admin",
  "GET /dashboard/campaigns/:id/enrolments/:influencer_id/edit": "admin",
  "POST /dashboard/campaigns/:id/enrolments/:influencer_id/edit": "admin",
  "POST /dashboard/campaigns/:id/enrolments/:influencer_id/archive": "admin",
  "GET /dashboard/links/:id/edit": "admin",
  "POST /dashboard/links/:id/edit": "admin",
  "POST /dashboard/links/:id/archive": "admin",
  "POST /dashboard/links/:id/disabled": "admin",
  "GET /dashboard/codes/:id/edit": "admin",
  "POST /dashboard/codes/:id/edit": "admin",
  "POST /dashboard/codes/:id/archive": "admin",
  "POST /dashboard/codes/:id/active": "admin",
  "GET /dashboard/payouts": "admin",
  "POST /dashboard/payouts": "admin",
  "GET /dashboard/payouts/:id": "admin",
  "GET /dashboard/payouts/:id/lines.csv": "admin",
  "POST /dashboard/payouts/:id/paid": "admin",
  "GET /portal": "influencer",
  "GET /r/:token": "shared",
};

const VISITORS = ["no session", "ended session", "influencer A", "influencer B", "admin"] as const;
type Visitor = (typeof VISITORS)[number];

const routes = [
  ...new Set(
    createPagesApp()
      .routes.filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path}`),
  ),
];

type Owned = {
  campaign: string;
  influencer: string;
  slug: string;
  link: string;
  code: string;
  fee: number;
};
let a: Owned;
let b: Owned;
let payout: string;
const clients = {} as Record<Visitor, PageClient>;
// Where each visitor finds a form, for the CSRF token its posts must carry (the token is
// checked before the session, so without it every post is a 403 that proves nothing).
const TOKEN_PAGE: Record<Visitor, string> = {
  "no session": "/login",
  "ended session": "/login",
  "influencer A": "/portal",
  "influencer B": "/portal",
  admin: "/dashboard",
};

// Each with a fee (payable at once), in one payout made after both are enrolled.
async function owned(fee: number): Promise<Owned> {
  const link = await createLink();
  const code = await createCode({ campaign_id: link.campaign_id, influencer_id: link.influencer_id });
  const enrolled = await api("PUT", `/campaigns/${link.campaign_id}/influencers/${link.influencer_id}`, {
    body: { fee },
  });
  expect(enrolled.status).toBe(200);
  return {
    fee,
    campaign: link.campaign_id,
    influencer: link.influencer_id,
    slug: link.slug,
    link: link.id,
    code: code.id,
  };
}

beforeAll(async () => {
  a = await owned(11_111);
  b = await owned(22_222);
  const made = await api("POST", "/payouts", { body: { currency: "EUR" } });
  expect(made.status).toBe(201);
  payout = made.body.id;
  for (const visitor of VISITORS) clients[visitor] = new PageClient();
  await clients.admin.signIn(ADMIN);
  await clients["influencer A"].signIn((await createKey("influencer", { influencer_id: a.influencer })).key);
  await clients["influencer B"].signIn((await createKey("influencer", { influencer_id: b.influencer })).key);
  // A session whose key was revoked since: it ends with the key.
  const doomed = await createKey("admin");
  await clients["ended session"].signIn(doomed.key);
  expect((await api("DELETE", `/keys/${doomed.id}`)).status).toBe(200);
});

function pathOf(route: string): string {
  const path = route.split(" ")[1] as string;
  // Ids are influencer B's campaign, influencer, link and code; a share link or token that does
  // not exist.
  return path
    .replace("/campaigns/:id", `/campaigns/${b.campaign}`)
    .replace("/influencers/:id", `/influencers/${b.influencer}`)
    .replace(":influencer_id", b.influencer)
    .replace("/links/:id", `/links/${b.link}`)
    .replace("/codes/:id", `/codes/${b.code}`)
    .replace("/share-links/:id", "/share-links/shr_missing")
    .replace("/payouts/:id", `/payouts/${payout}`)
    .replace(":token", "not-a-token");
}

async function visit(route: string, visitor: Visitor) {
  const client = clients[visitor];
  if (route.startsWith("GET ")) return client.request(pathOf(route));
  const token = await client.csrfFrom(TOKEN_PAGE[visitor]);
  return client.request(pathOf(route), { form: { _csrf: token } });
}

function check(route: string, visitor: Visitor, res: { status: number; headers: Headers; text: string }) {
  const scope = PAGE_SCOPES[route] as PageScope;
  const label = `${route} as ${visitor}: ${res.status} ${res.headers.get("Location") ?? ""}`;
  expect(res.status, label).toBeLessThan(500);
  const toSignIn = res.status === 303 && res.headers.get("Location")?.startsWith("/login");
  const signedIn = visitor === "admin" || visitor.startsWith("influencer");
  if (scope === "sign-in") return;
  if (scope === "shared") {
    expect(res.status, label).toBe(404);
    return;
  }
  if (!signedIn) {
    // Without a live session: sent to sign in (a post may also be refused outright).
    expect(toSignIn || res.status === 401 || res.status === 403, label).toBe(true);
    return;
  }
  const allowed = (scope === "admin") === (visitor === "admin");
  if (!allowed) {
    expect(res.status, label).toBe(403);
    return;
  }
  expect(res.status === 403 || toSignIn, label).toBe(false);
  if (route.startsWith("GET ")) expect(res.status, label).toBe(200);
}

describe("pages access matrix: every page route × every kind of visitor", () => {
  it("has a decision for every page route, and no stale ones", () => {
    expectDecisionForEveryRoute(routes, PAGE_SCOPES);
  });

  it("opens each page to its own kind of session only", async () => {
    let visits = 0;
    // The sign-in routes last: POST /logout ends the visitor's session.
    const ordered = [...routes].sort(
      (x, y) => Number(PAGE_SCOPES[x] === "sign-in") - Number(PAGE_SCOPES[y] === "sign-in"),
    );
    for (const visitor of VISITORS) {
      for (const route of ordered) {
        check(route, visitor, await visit(route, visitor));
        visits += 1;
      }
    }
    console.log(
      `pages access matrix: ${routes.length} routes × ${VISITORS.length} visitors = ${visits} visits checked`,
    );
  }, 90_000);

  it("shows influencer A's portal nothing of influencer B's", async () => {
    // (The matrix above ended these sessions with POST /logout.)
    for (const [visitor, owner] of [
      ["influencer A", a],
      ["influencer B", b],
    ] as const) {
      clients[visitor] = new PageClient();
      await clients[visitor].signIn((await createKey("influencer", { influencer_id: owner.influencer })).key);
    }
    for (const [self, other, visitor] of [
      [a, b, "influencer A"],
      [b, a, "influencer B"],
    ] as const) {
      const page = await clients[visitor].request(
        `/portal?campaign_id=${other.campaign}&influencer_id=${other.influencer}`,
      );
      expect(page.status).toBeLessThan(500);
      const portal = await clients[visitor].request("/portal");
      expect(portal.text).toContain(self.slug);
      // (The page links its own query back, for the language switch: ids the visitor typed may
      // appear; the other's data, such as a slug, may not.)
      expect(page.text).not.toContain(other.slug);
      expect(portal.text).not.toContain(other.slug);
      expect(portal.text).not.toContain(other.influencer);
      // The payout holds both: each sees only their own line of it, not the other's or the total.
      expect(portal.text).toContain(`data-own-payout="${payout}"`);
      const money = (minor: number) =>
        new Intl.NumberFormat("en", { style: "currency", currency: "EUR" }).format(minor / 100);
      expect(portal.text).toContain(money(self.fee));
      expect(portal.text).not.toContain(money(other.fee));
      expect(portal.text).not.toContain(money(a.fee + b.fee));
    }
  });
});
