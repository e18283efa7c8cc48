import { type ClickRequest, captureClick } from "../src/clicks/capture-click";
import { ClickBuffer } from "../src/clicks/click-buffer";
import { type CapturedClick, MAX_CLICKS_PER_MESSAGE, packClicks } from "../src/clicks/click-event";
import { newClickId } from "../src/clicks/click-id";
import { EVENT_CONTENT_TYPE } from "../src/events/events";
import type { RedirectLink } from "../src/links/link-cache";
import { linkCache } from "../src/links/link-cache-instance";
import { findRedirectLink } from "../src/links/links";
import { urlPath, urlSearch } from "../src/links/request-url";
import { slugProblem } from "../src/links/slug";
import { redirectLocation } from "../src/links/urls";
import { errorMessage, log } from "../src/log";
import { signingSecret, visitorSecret } from "./lib/secrets";
import { messagePage } from "./pages/message-page";

// A click as the redirect leaves it: what it read from the request, not yet captured. Capturing
// (hashing the visitor, cutting the referer to its host) happens when the window's batch is sent,
// after every response in it has gone out; the raw IP is held in memory for that window only.
type PendingClick = { link: RedirectLink; request: ClickRequest };

// Clicks answered by this isolate within 50 ms share one queue message.
const CLICK_WINDOW_MS = 50;
const clickBuffer = new ClickBuffer<PendingClick>({
  windowMs: CLICK_WINDOW_MS,
  maxItems: MAX_CLICKS_PER_MESSAGE,
});

function capture(env: Env, pending: PendingClick[]): CapturedClick[] {
  const secret = visitorSecret(env);
  const clicks: CapturedClick[] = [];
  for (const { link, request } of pending) {
    try {
      clicks.push(captureClick(link, request, secret));
    } catch (error) {
      log.error("click_not_captured", { link_id: link.id, error: errorMessage(error) });
    }
  }
  return clicks;
}

async function sendClicks(env: Env, pending: PendingClick[]): Promise<void> {
  // Nothing below holds the pending clicks (and their raw IPs) past their capture.
  const messages = packClicks(capture(env, pending));
  await Promise.all(
    messages.map((message) =>
      env.EVENTS.send(message, { contentType: EVENT_CONTENT_TYPE }).catch((error: unknown) => {
        // The visitors already have their redirects; lost clicks are logged, never surfaced.
        log.error("clicks_not_sent", { clicks: message.clicks.length, error: errorMessage(error) });
      }),
    ),
  );
}

// Every redirect is answered uncached, so a link edit or disable is never stuck in a browser.
const redirectTo = (location: string) =>
  new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });

// What the redirect reads of a short-link request besides its headers. Each read of a request's
// getter (method, url) crosses into workerd, so each is read once, here.
type Visit = { request: Request; isHead: boolean; search: string };

// The hot path, served before (and without) the router: the answer to a short-link request (GET or
// HEAD of one path segment that could be a slug), or null for any other request, which goes to
// the app's router. With the link cached in this isolate the answer is synchronous: no I/O, no
// promise, no await before the response. The click is put in this isolate's buffer as read from
// the request, and captured and queued after the response.
export function shortLink(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
): Response | Promise<Response> | null {
  const method = request.method;
  if (method !== "GET" && method !== "HEAD") return null;
  const url = request.url;
  const slug = urlPath(url).slice(1);
  if (slugProblem(slug) !== null) return null;
  const visit: Visit = { request, isHead: method === "HEAD", search: urlSearch(url) };
  const cached = linkCache(env).get(slug);
  if (cached !== undefined) return answer(visit, env, ctx, cached);
  return lookUpAndAnswer(visit, env, ctx, slug);
}

async function lookUpAndAnswer(visit: Visit, env: Env, ctx: ExecutionContext, slug: string) {
  let link: RedirectLink | null;
  try {
    link = await findRedirectLink(env.DB, slug);
  } catch (error) {
    log.error("link_lookup_failed", { error: errorMessage(error) });
    return messagePage(503, visit.request, (t) => t.deadLinks.unavailable);
  }
  linkCache(env).set(slug, link);
  return answer(visit, env, ctx, link);
}

function answer(
  { request, isHead, search }: Visit,
  env: Env,
  ctx: ExecutionContext,
  link: RedirectLink | null,
): Response | Promise<Response> {
  if (!link) return messagePage(404, request, (t) => t.deadLinks.notFound);
  if (link.disabled) return messagePage(410, request, (t) => t.deadLinks.disabled);

  const now = Date.now();
  if (link.expiresAt !== null && link.expiresAt <= now) {
    if (link.expiredUrl) return redirectTo(link.expiredUrl);
    return messagePage(410, request, (t) => t.deadLinks.expired);
  }

  const clickId = newClickId(signingSecret(env), link.id, now);
  const destination = { url: link.destinationUrl, queryKeys: link.destinationQueryKeys };
  const location = redirectLocation(destination, search, isHead ? null : clickId);
  // Only the three fields a click keeps, copied: the whole cf object (dozens of fields on
  // Cloudflare) would otherwise stay alive with the click until its window is sent.
  const cf = request.cf;
  // One read of `request.headers`: each read of the getter crosses into workerd.
  const headers = request.headers;
  const click: PendingClick = {
    link,
    request: {
      clickId,
      at: now,
      head: isHead,
      ip: headers.get("CF-Connecting-IP") ?? "",
      userAgent: headers.get("User-Agent") ?? "",
      referer: headers.get("Referer"),
      country: cf?.country,
      region: cf?.region,
      city: cf?.city,
    },
  };
  // Only the request that opened the buffer's window (or filled it) has a promise to keep alive.
  const sending = clickBuffer.add(click, (clicks) => sendClicks(env, clicks));
  if (sending) ctx.waitUntil(sending);
  return redirectTo(location);
}
