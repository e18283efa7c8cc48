import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { csrfTokenFor, csrfTokenMatches, newPreSessionToken, sameOrigin } from "../../src/sessions/csrf";
import { findSession, SESSION_MAX_MS, type Session } from "../../src/sessions/sessions";
import type { RequestContext } from "../lib/app-env";
import { requestContext } from "../lib/request-context";
import { withPageSecurityHeaders } from "../lib/security-headers";
import { formatter } from "./format";
import { MESSAGES, negotiateLocale } from "./i18n";
import { CSRF_FIELD, Layout, type Ui } from "./layout";

export type PageEnv = {
  Bindings: Env;
  Variables: { ctx: RequestContext; ui: Ui; sessionId: string | null; session: Session | null };
};
export type PageContext = Context<PageEnv>;

// __Host-: the browser accepts the cookie only Secure, for this exact host and Path=/, so a
// sibling subdomain cannot plant or overwrite it.
export const SESSION_COOKIE = "__Host-swl_session";
const PRE_SESSION_COOKIE = "__Host-swl_csrf";
const LANGUAGE_COOKIE = "__Host-swl_lang";
const cookieFlags = { httpOnly: true, secure: true, sameSite: "Strict", path: "/" } as const;

export function setSessionCookie(c: PageContext, sessionId: string): void {
  setCookie(c, SESSION_COOKIE, sessionId, { ...cookieFlags, maxAge: SESSION_MAX_MS / 1000 });
  deleteCookie(c, PRE_SESSION_COOKIE, cookieFlags);
}

export function clearSessionCookie(c: PageContext): void {
  deleteCookie(c, SESSION_COOKIE, cookieFlags);
}

// Who is asking, in which language, with which CSRF token; and the security headers on the way out.
export const pageContext = createMiddleware<PageEnv>(async (c, next) => {
  const ctx = requestContext(c.env, c.req.url, () => c.executionCtx);
  const url = new URL(c.req.url);
  const sessionId = getCookie(c, SESSION_COOKIE) ?? null;
  const session = sessionId ? await findSession(ctx.db, sessionId, c.env.ADMIN_API_KEY, ctx.clock) : null;
  if (sessionId && !session) clearSessionCookie(c);

  const chosen = url.searchParams.get("lang");
  const locale = negotiateLocale(chosen, getCookie(c, LANGUAGE_COOKIE), c.req.header("Accept-Language"));
  if (chosen === locale) setCookie(c, LANGUAGE_COOKIE, locale, { ...cookieFlags, maxAge: 365 * 86_400 });

  let csrf: string;
  if (session && sessionId) {
    csrf = csrfTokenFor(sessionId);
  } else {
    csrf = getCookie(c, PRE_SESSION_COOKIE) ?? newPreSessionToken();
    setCookie(c, PRE_SESSION_COOKIE, csrf, cookieFlags);
  }
  c.set("ctx", ctx);
  c.set("sessionId", session ? sessionId : null);
  c.set("session", session);
  c.set("ui", { t: MESSAGES[locale], fmt: formatter(locale), locale, url, csrf, session });
  await next();
  if (c.res.headers.get("Content-Type")?.startsWith("text/html")) {
    withPageSecurityHeaders(c.res.headers);
    c.res.headers.set("Cache-Control", "no-store");
    c.res.headers.append("Vary", "Accept-Language, Cookie");
  }
});

// Every POST to a page: from this origin, carrying this session's token (or, before sign-in, the
// token of the pre-session cookie). Checked here for all of them, so a new form cannot skip it.
export const csrfProtection = createMiddleware<PageEnv>(async (c, next) => {
  if (c.req.method !== "POST") return next();
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const given = body[CSRF_FIELD];
  const expected = c.get("ui").csrf;
  if (
    !sameOrigin(c.req.url, c.req.header("Origin")) ||
    !csrfTokenMatches(expected, typeof given === "string" ? given : null)
  ) {
    const { t } = c.get("ui");
    return renderMessage(c, 403, t.forbiddenTitle, t.csrfMessage);
  }
  return next();
});

// Pages for one kind of session. No session: to the sign-in page. The other kind: 403.
export function requireSession(scope: Session["scope"]) {
  return createMiddleware<PageEnv>(async (c, next) => {
    const session = c.get("session");
    if (!session) return c.redirect("/login", 303);
    if (session.scope !== scope) {
      const { t } = c.get("ui");
      return renderMessage(c, 403, t.forbiddenTitle, t.wrongScope);
    }
    return next();
  });
}

// JSX renders the document; the doctype (standards mode) is not an element, so it is added here.
export async function render(
  c: PageContext,
  page: string | Promise<string>,
  status: ContentfulStatusCode = 200,
) {
  return c.html(`<!doctype html>${await page}`, status);
}

export function renderMessage(c: PageContext, status: ContentfulStatusCode, title: string, message: string) {
  const ui = c.get("ui");
  return render(
    c,
    <Layout ui={ui} title={title} mainClass="message" noindex>
      <h1>{title}</h1>
      <p>{message}</p>
    </Layout>,
    status,
  );
}
