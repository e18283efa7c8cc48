import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { newClickId } from "../../src/clicks/click-id";
import { BEHAVIOUR_FIELDS } from "../../src/metrics/metric-fields";
import { enrol } from "./figure-helpers";
import { api, createInfluencer, createLink } from "./helpers";

// Behaviour messages as POST /api/v1/track/events puts them on the EVENTS queue (its shape is
// fixed: src/events/behaviour-event.ts).
export type BehaviourEvent =
  | { type: "page_view"; view_id: string; path: string; at: string }
  | { type: "engagement"; view_id: string; seconds: number };

export type Visit = { linkId: string; clickId: string; clickedAt: number; sessionId: string };

let sessions = 0;
// A session id as the script makes them: 16 to 32 of [A-Za-z0-9_-].
export const newSessionId = () =>
  `s${(sessions++).toString(36)}_${crypto.randomUUID().replaceAll("-", "")}`.slice(0, 32);

// A visit that came from a click on the link at `clickedAt`, with a click id the redirect could
// have issued (signed), so that a sale can name it.
export const visit = (linkId: string, clickedAt: number): Visit => ({
  linkId,
  clickId: newClickId(env.SIGNING_SECRET, linkId, clickedAt),
  clickedAt,
  sessionId: newSessionId(),
});

export const behaviourMessage = (v: Visit, events: BehaviourEvent[], returning = false) => ({
  type: "behaviour",
  click_id: v.clickId,
  link_id: v.linkId,
  clicked_at: v.clickedAt,
  session_id: v.sessionId,
  returning,
  events,
});

export const pageView = (viewId: string, at: number, path = "/"): BehaviourEvent => ({
  type: "page_view",
  view_id: viewId,
  path,
  at: new Date(at).toISOString(),
});

export const engagement = (viewId: string, seconds: number): BehaviourEvent => ({
  type: "engagement",
  view_id: viewId,
  seconds,
});

// A campaign in `zone` with `count` influencers, each enrolled with one link.
export async function campaignWithLinks(zone: string, count = 1) {
  const created = await api("POST", "/campaigns", {
    body: { name: "Behaviour", objective: "sales", currency: "EUR", timezone: zone },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const influencers: { id: string; linkId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const id = (await createInfluencer()).id as string;
    await enrol(created.body.id, id);
    influencers.push({
      id,
      linkId: (await createLink({ campaign_id: created.body.id, influencer_id: id })).id,
    });
  }
  return { campaignId: created.body.id as string, influencers };
}

// What a Metrics object says when the shop's script reported no session: counts 0, no ratios.
export const NO_SESSIONS = {
  sessions: 0,
  engaged_sessions: 0,
  bounce_rate: null,
  pages_per_session: null,
  avg_engaged_seconds: null,
  returning_sessions: 0,
};

// The behaviour figures of a campaign's summary over a period of its local days.
export async function behaviourOf(campaignId: string, query = "") {
  const res = await api("GET", `/campaigns/${campaignId}/summary${query ? `?${query}` : ""}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return Object.fromEntries(BEHAVIOUR_FIELDS.map((f) => [f, res.body.totals[f]]));
}
