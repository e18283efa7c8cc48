import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DomainError } from "../../src/errors";
import { errorMessage, log } from "../../src/log";
import { statusOf } from "../lib/errors";
import { dashboardRoutes } from "./dashboard-routes";
import { manageRoutes } from "./manage-routes";
import { csrfProtection, type PageEnv, pageContext, renderMessage } from "./page-context";
import { payoutsRoutes } from "./payouts-routes";
import { portalRoutes } from "./portal-routes";
import { reportRoutes } from "./report-routes";
import { sessionRoutes } from "./session-routes";
import { viewsRoutes } from "./views-routes";

// Where the pages live. The session, language and CSRF middleware run on all of these, so every
// form post under them is checked; test/pages/pages-csrf.test.ts fails for a POST route outside them.
// ("/dashboard/*" also matches "/dashboard": listing both would run the middleware twice.)
const PAGE_PATHS = ["/login", "/logout", "/dashboard/*", "/portal/*", "/r/*"];
const FORM_BYTES = 64 * 1024;

export function createPagesApp() {
  const pages = new Hono<PageEnv>();
  for (const path of PAGE_PATHS) {
    pages.use(
      path,
      bodyLimit({ maxSize: FORM_BYTES, onError: (c) => c.text("Form too large.", 413) }),
      pageContext,
      csrfProtection,
    );
  }
  // Pages answer errors as pages: a missing campaign is a 404 page, not JSON, and whatever the
  // domain refuses from the address (a made-up ?cursor=) is a 4xx page, never a 500.
  pages.onError((error, c) => {
    const ui = c.get("ui");
    const status = error instanceof DomainError ? statusOf(error) : 500;
    if (error instanceof DomainError && status < 500 && ui) {
      const title = status === 404 ? ui.t.notFoundTitle : ui.t.badAddressTitle;
      if (error.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.retryAfterSeconds));
      return renderMessage(c, status, title, error.message);
    }
    // The route, not the path: a shared report's path is its token.
    log.error("page_failed", { method: c.req.method, route: c.req.routePath, error: errorMessage(error) });
    return c.text("Something went wrong on our side.", 500);
  });
  return pages
    .route("/", sessionRoutes)
    .route("/", dashboardRoutes)
    .route("/", viewsRoutes)
    .route("/", manageRoutes)
    .route("/", payoutsRoutes)
    .route("/", portalRoutes)
    .route("/", reportRoutes);
}
