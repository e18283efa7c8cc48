import type { RedirectLink } from "../links/link-cache";
import { boundedMemo } from "../memo";
import type { CapturedClick } from "./click-event";
import { visitorHash } from "./visitor-hash";

// What the redirect knows about one request, read from it before the response goes out.
export type ClickRequest = {
  clickId: string;
  at: number;
  // A HEAD request: a link checker or an unfurler, never a person following the link.
  head: boolean;
  ip: string;
  userAgent: string;
  referer: string | null;
  // From request.cf, where Cloudflare puts them (typed loosely there).
  country: unknown;
  region: unknown;
  city: unknown;
};

function text(value: unknown, max: number): string | null {
  return typeof value === "string" && value !== "" ? value.slice(0, max) : null;
}

// Referers repeat as much as user agents do (a post's platform, its in-app browser), so the host
// of each recent one is remembered rather than parsed as a URL on every click.
const hostOf = boundedMemo(1000, (referer): string | null => {
  try {
    return new URL(referer).hostname.toLowerCase().slice(0, 255) || null;
  } catch {
    return null;
  }
});

function refererHost(referer: string | null): string | null {
  return referer ? hostOf(referer) : null;
}

export function captureClick(
  link: Pick<RedirectLink, "id" | "campaignId" | "influencerId">,
  request: ClickRequest,
  secret: string,
): CapturedClick {
  return {
    id: request.clickId,
    link_id: link.id,
    campaign_id: link.campaignId,
    influencer_id: link.influencerId,
    clicked_at: request.at,
    country: text(request.country, 64),
    region: text(request.region, 128),
    city: text(request.city, 128),
    user_agent: request.userAgent.slice(0, 512),
    referer_host: refererHost(request.referer),
    head: request.head,
    visitor_hash: visitorHash(secret, request.at, request.ip, request.userAgent),
  };
}
