import { isbot } from "isbot";
import UAParser from "ua-parser-js";
import type { RedirectLink } from "../links/link-cache";
import type { ClickEvent } from "./click-event";
import { visitorHash } from "./visitor-hash";

// What the redirect knows about one request, taken from it before the response goes out.
export type ClickRequest = {
  clickId: string;
  at: number;
  method: string;
  ip: string;
  userAgent: string;
  referer: string | null;
  cf: { country?: unknown; region?: unknown; city?: unknown } | undefined;
};

function text(value: unknown, max: number): string | null {
  return typeof value === "string" && value !== "" ? value.slice(0, max) : null;
}

function refererHost(referer: string | null): string | null {
  if (!referer) return null;
  try {
    return new URL(referer).hostname.toLowerCase().slice(0, 255) || null;
  } catch {
    return null;
  }
}

// ua-parser-js reports no device type for desktops; an identified OS without one is a desktop.
function deviceType(device: string | undefined, os: string | undefined, bot: boolean): string | null {
  if (bot) return "bot";
  if (device) return device;
  return os ? "desktop" : null;
}

export async function buildClickEvent(
  link: RedirectLink,
  request: ClickRequest,
  secret: string,
): Promise<ClickEvent> {
  // HEAD requests are link checkers and unfurlers, never a person following the link.
  const bot = request.method === "HEAD" || request.userAgent === "" || isbot(request.userAgent);
  const ua = new UAParser(request.userAgent).getResult();
  return {
    type: "click",
    v: 1,
    id: request.clickId,
    link_id: link.id,
    campaign_id: link.campaignId,
    influencer_id: link.influencerId,
    clicked_at: request.at,
    country: text(request.cf?.country, 64),
    region: text(request.cf?.region, 128),
    city: text(request.cf?.city, 128),
    device: deviceType(ua.device.type, ua.os.name, bot),
    browser: text(ua.browser.name, 64),
    os: text(ua.os.name, 64),
    referer_host: refererHost(request.referer),
    is_bot: bot,
    visitor_hash: await visitorHash(secret, request.at, request.ip, request.userAgent),
  };
}
