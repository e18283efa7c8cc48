import { type ClickRequest, captureClick } from "../src/clicks/capture-click";
import { ClickBuffer } from "../src/clicks/click-buffer";
import { type CapturedClick, MAX_CLICKS_PER_MESSAGE, packClicks } from "../src/clicks/click-event";
import { newClickId } from "../src/clicks/click-id";
import type { RedirectLink } from "../src/links/link-cache";
import { linkCache } from "../src/links/link-cache-instance";
import { findRedirectLink } from "../src/links/links";
import { urlPath, urlSearch } from "../src/links/request-url";
import { slugProblem } from "../src/links/slug";
import { redirectLocation } from "../src/links/urls";
import { errorMessage, log } from "../src/log";
import { visitorSecret } from "./lib/visitor-secret";
import { messagePage } from "./pages/message-page";

// Clicks captured by this isolate within 50 ms share one queue message.
const CLICK_WINDOW_MS = 50;
const clickBuffer = new ClickBuffer<CapturedClick>({
  windowMs: CLICK_WINDOW_MS,
  maxItems: MAX_CLICKS_PER_MESSAGE,
});

async function sendClicks(env: Env, clicks: CapturedClick[]): Promise<void> {
  try {
    await env.EVENTS.send(packClicks(clicks), { contentType: "json" });
  } catch (error) {
    // The visitors already have their redirects; lost clicks are logged, never surfaced.
    log.error("clicks_not_sent", { clicks: clicks.length, error: errorMessage(error) });
  }
}

async function logClick(env: Env, link: RedirectLink, request: ClickRequest): Promise<void> {
  try {
    const click = captureClick(link, request, visitorSecret(env));
    await clickBuffer.add(click, (clicks) => sendClicks(env, clicks));
  } catch (error) {
    log.error("click_not_captured", { link_id: link.id, error: errorMessage(error) });
  }
}

// The slug a request asks for, when it is a short-link request: GET or HEAD of one path segment
// that could be a slug. Everything else goes to the app's router.
export function shortLinkSlug(request: Request): string | null {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const slug = urlPath(request.url).slice(1);
  return slugProblem(slug) === null ? slug : null;
}

// Every redirect is answered uncached, so a link edit or disable is never stuck in a browser.
const redirectTo = (location: string) =>
  new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });

async function lookUp(env: Env, slug: string): Promise<RedirectLink | null> {
  const cache = linkCache(env);
  let link = cache.get(slug);
  if (link === undefined) {
    link = await findRedirectLink(env.DB, slug);
    cache.set(slug, link);
  }
  return link;
}

// The hot path, served before (and without) the router. With the link cached in this isolate it
// does no I/O before answering; the click is captured (visitor hashed) and queued in waitUntil,
// after the response.
export async function redirect(request: Request, env: Env, ctx: ExecutionContext, slug: string) {
  let link: RedirectLink | null;
  try {
    link = await lookUp(env, slug);
  } catch (error) {
    log.error("link_lookup_failed", { error: errorMessage(error) });
    return messagePage(
      503,
      "Try again",
      "This link cannot be opened right now. Please try again in a moment.",
    );
  }
  if (!link) return messagePage(404, "Link not found", "There is no link at this address.");
  if (link.disabled) return messagePage(410, "Link disabled", "This link has been turned off.");

  const now = Date.now();
  if (link.expiresAt !== null && link.expiresAt <= now) {
    if (link.expiredUrl) return redirectTo(link.expiredUrl);
    return messagePage(410, "Link expired", "This link has expired.");
  }

  const isHead = request.method === "HEAD";
  const clickId = newClickId(link.id, now);
  const destination = { url: link.destinationUrl, queryKeys: link.destinationQueryKeys };
  const location = redirectLocation(destination, urlSearch(request.url), isHead ? null : clickId);
  ctx.waitUntil(
    logClick(env, link, {
      clickId,
      at: now,
      method: request.method,
      ip: request.headers.get("CF-Connecting-IP") ?? "",
      userAgent: request.headers.get("User-Agent") ?? "",
      referer: request.headers.get("Referer"),
      cf: request.cf as ClickRequest["cf"],
    }),
  );
  return redirectTo(location);
}
