import type { Context } from "hono";
import { buildClickEvent, type ClickRequest } from "../src/clicks/build-click-event";
import { newId } from "../src/ids";
import type { RedirectLink } from "../src/links/link-cache";
import { linkCache } from "../src/links/link-cache-instance";
import { findRedirectLink } from "../src/links/links";
import { SLUG_PATTERN } from "../src/links/slug";
import { redirectLocation } from "../src/links/urls";
import { errorMessage, log } from "../src/log";
import type { AppEnv } from "./lib/app-env";
import { messagePage } from "./pages/message-page";

// Without a configured secret, fall back to a random per-isolate one: hashes stay unlinkable to
// IPs, but isolates disagree, so unique clicks are over-counted. Production sets the secret.
let fallbackVisitorSecret: string | undefined;
function visitorSecret(env: Env): string {
  if (env.VISITOR_HASH_SECRET) return env.VISITOR_HASH_SECRET;
  fallbackVisitorSecret ??= crypto.randomUUID();
  return fallbackVisitorSecret;
}

async function sendClick(env: Env, link: RedirectLink, request: ClickRequest): Promise<void> {
  try {
    const event = await buildClickEvent(link, request, visitorSecret(env));
    await env.EVENTS.send(event, { contentType: "json" });
  } catch (error) {
    // The visitor already has their redirect; a lost click is logged, never surfaced.
    log.error("click_not_sent", { link_id: link.id, error: errorMessage(error) });
  }
}

const noStore = { "Cache-Control": "no-store" };

// The hot path. With the link cached in this isolate it does no I/O before answering: the click
// event is built (user agent parsed, visitor hashed) and queued in waitUntil, after the response.
export async function redirect(c: Context<AppEnv>): Promise<Response> {
  const slug = c.req.param("slug") ?? "";
  if (!SLUG_PATTERN.test(slug))
    return messagePage(404, "Link not found", "There is no link at this address.");

  const cache = linkCache(c.env);
  let link = cache.get(slug);
  if (link === undefined) {
    link = await findRedirectLink(c.env.DB, slug);
    cache.set(slug, link);
  }
  if (!link) return messagePage(404, "Link not found", "There is no link at this address.");
  if (link.disabled) return messagePage(410, "Link disabled", "This link has been turned off.");

  const now = Date.now();
  if (link.expiresAt !== null && link.expiresAt <= now) {
    if (link.expiredUrl)
      return new Response(null, { status: 302, headers: { Location: link.expiredUrl, ...noStore } });
    return messagePage(410, "Link expired", "This link has expired.");
  }

  const request = c.req.raw;
  const isHead = request.method === "HEAD";
  const clickId = newId("clk");
  const location = redirectLocation(
    link.destinationUrl,
    new URL(request.url).searchParams,
    isHead ? null : clickId,
  );
  c.executionCtx.waitUntil(
    sendClick(c.env, link, {
      clickId,
      at: now,
      method: request.method,
      ip: request.headers.get("CF-Connecting-IP") ?? "",
      userAgent: request.headers.get("User-Agent") ?? "",
      referer: request.headers.get("Referer"),
      cf: request.cf as ClickRequest["cf"],
    }),
  );
  return new Response(null, { status: 302, headers: { Location: location, ...noStore } });
}
