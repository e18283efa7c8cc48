import { Hono } from "hono";
import { authenticate } from "../../src/auth/api-keys";
import { DomainError } from "../../src/errors";
import { createSession, deleteSession } from "../../src/sessions/sessions";
import { authClient } from "../lib/auth";
import { fill } from "./i18n";
import { LoginPage } from "./login-page";
import { clearSessionCookie, type PageContext, type PageEnv, render, setSessionCookie } from "./page-context";

// The key's principal, or a 429 sign-in page for a client with too many recent failures.
async function signInWith(c: PageContext, key: string) {
  try {
    return await authenticate(c.var.ctx.db, key, c.env.ADMIN_API_KEY, authClient(c), c.var.ctx.clock);
  } catch (error) {
    if (!(error instanceof DomainError) || error.retryAfterSeconds === undefined) throw error;
    const ui = c.get("ui");
    const message = fill(ui.t.tooManySignIns, { minutes: String(Math.ceil(error.retryAfterSeconds / 60)) });
    c.header("Retry-After", String(error.retryAfterSeconds));
    return render(c, <LoginPage ui={ui} state={{ form: "login", values: {}, errors: {}, message }} />, 429);
  }
}

// Sign-in exchanges an API key for a session cookie: the key is sent once, in a form post, and
// never kept in the page or its storage.
export const sessionRoutes = new Hono<PageEnv>()
  .get("/login", (c) => {
    const session = c.get("session");
    if (session) return c.redirect(session.scope === "admin" ? "/dashboard" : "/portal", 303);
    return render(c, <LoginPage ui={c.get("ui")} />);
  })
  .post("/login", async (c) => {
    const body = await c.req.parseBody();
    const key = typeof body.key === "string" ? body.key.trim() : "";
    const db = c.var.ctx.db;
    const principal = key ? await signInWith(c, key) : null;
    if (principal instanceof Response) return principal;
    const sessionId = principal
      ? await createSession(db, principal, c.env.ADMIN_API_KEY, c.var.ctx.clock)
      : null;
    if (!principal || !sessionId) {
      const ui = c.get("ui");
      const state = { form: "login", values: {}, errors: { key: ui.t.badKey }, message: ui.t.badKey };
      return render(c, <LoginPage ui={ui} state={state} />, 401);
    }
    // Signing in again from a signed-in browser ends the session it had, rather than leaving it
    // valid until it idles out.
    const previous = c.get("sessionId");
    if (previous) await deleteSession(db, previous);
    setSessionCookie(c, sessionId);
    return c.redirect(principal.scope === "admin" ? "/dashboard" : "/portal", 303);
  })
  .post("/logout", async (c) => {
    const sessionId = c.get("sessionId");
    if (sessionId) await deleteSession(c.var.ctx.db, sessionId);
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });
