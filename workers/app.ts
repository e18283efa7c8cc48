import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { DomainError } from "../src/errors";
import type { AppEnv } from "./lib/app-env";
import { handleError } from "./lib/errors";
import { requestContext } from "./lib/request-context";
import { createRouter } from "./lib/router";
import { withPageSecurityHeaders } from "./lib/security-headers";
import { SHORT_LINK_PATHS } from "./lib/short-link-docs";
import { assetResponse, FAVICON_PATHS } from "./pages/assets";
import { docsPage } from "./pages/docs-page";
import { messagePage } from "./pages/message-page";
import { createPagesApp } from "./pages/pages-app";
import { breakdownsRouter } from "./routes/breakdowns";
import { campaignsRouter } from "./routes/campaigns";
import { codesRouter } from "./routes/codes";
import { commissionsRouter } from "./routes/commissions";
import { conversionsRouter } from "./routes/conversions";
import { demoRouter } from "./routes/demo";
import { influencersRouter } from "./routes/influencers";
import { keysRouter } from "./routes/keys";
import { linksRouter } from "./routes/links";
import { meRouter } from "./routes/me";
import { postsRouter } from "./routes/posts";
import { redemptionsRouter } from "./routes/redemptions";
import { refundsRouter } from "./routes/refunds";
import { rollupRouter } from "./routes/rollup";
import { summariesRouter } from "./routes/summaries";
import { trackRouter } from "./routes/track";
import { webhooksRouter } from "./routes/webhooks";
import { SHOP_SCRIPT_PATH, shopScriptResponse, VERSIONED_SHOP_SCRIPT_PATH } from "./shop-script";

export const MAX_BODY_BYTES = 64 * 1024;
export const OPENAPI_PATH = "/api/v1/openapi.json";

export function createApiRouter() {
  return createRouter()
    .route("/", keysRouter)
    .route("/", campaignsRouter)
    .route("/", influencersRouter)
    .route("/", linksRouter)
    .route("/", codesRouter)
    .route("/", postsRouter)
    .route("/", meRouter)
    .route("/", rollupRouter)
    .route("/", summariesRouter)
    .route("/", breakdownsRouter)
    .route("/", commissionsRouter)
    .route("/", redemptionsRouter)
    .route("/", conversionsRouter)
    .route("/", refundsRouter)
    .route("/", trackRouter)
    .route("/", webhooksRouter)
    .route("/", demoRouter);
}

export function openApiDocument(api: ReturnType<typeof createApiRouter>) {
  api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key: the ADMIN_API_KEY secret, or a key made with POST /api/v1/keys.",
  });
  const document = api.getOpenAPIDocument({
    openapi: "3.0.3",
    info: {
      title: "Swayline API",
      version: "1.0.0",
      description: "Link and promo-code attribution for influencer marketing.",
    },
    servers: [{ url: "/api/v1" }],
  });
  return { ...document, paths: { ...document.paths, ...SHORT_LINK_PATHS } };
}

export function createApp() {
  const api = createApiRouter();
  const document = openApiDocument(api);

  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.notFound((c) => {
    if (c.req.path.startsWith("/api/"))
      throw new DomainError("not_found", `No route ${c.req.method} ${c.req.path}.`);
    return messagePage(404, c.req.raw, (t) => ({ title: t.notFoundTitle, message: t.notFoundMessage }));
  });

  // Every HTML answer (pages, /docs, message pages) leaves with the security headers.
  app.use("*", async (c, next) => {
    await next();
    if (c.res.headers.get("Content-Type")?.startsWith("text/html")) withPageSecurityHeaders(c.res.headers);
  });
  app.get(OPENAPI_PATH, (c) => c.json(document));
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new DomainError(
          "payload_too_large",
          `Request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB.`,
        );
      },
    }),
  );
  app.use("/api/*", async (c, next) => {
    c.set(
      "ctx",
      requestContext(c.env, c.req.url, () => c.executionCtx),
    );
    await next();
  });
  app.route("/api/v1", api);

  app.get("/docs", (c) => c.html(docsPage(document)));
  app.get("/static/:file", (c) => assetResponse(c.req.path) ?? c.notFound());
  for (const path of FAVICON_PATHS) app.get(path, (c) => assetResponse(path) ?? c.notFound());
  for (const path of [SHOP_SCRIPT_PATH, VERSIONED_SHOP_SCRIPT_PATH]) {
    app.get(path, (c) => shopScriptResponse(path, c.req.header("If-None-Match") ?? null) ?? c.notFound());
  }
  app.route("/", createPagesApp());
  app.get("/healthz", (c) => c.json({ ok: true }));
  // A newcomer at the root is a person: to the sign-in, which sends the signed-in on to their home.
  app.get("/", (c) => c.redirect("/login", 302));
  // Short links are served before the router (workers/index.ts); what reaches here under a
  // single segment is not a slug that can exist.
  return app;
}
