import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { packClicks } from "../../src/clicks/click-event";
import { capturePastClicks, MAX_IMPORTED_CLICKS } from "../../src/clicks/import-clicks";
import { DomainError } from "../../src/errors";
import { EVENT_CONTENT_TYPE } from "../../src/events/events";
import type { AppEnv } from "../lib/app-env";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  isoDateTime,
  jsonBody,
  jsonResponse,
  notFoundResponse,
} from "../lib/router";

// The redirect stamps a click with the time it happens, so a demo with weeks of history needs
// another way in for past clicks. This route exists only where SWAYLINE_DEMO_IMPORT is "true",
// which only local development sets (`npm start`, and `npm run seed`'s own `wrangler dev`);
// everywhere else it answers exactly like a path that does not exist, before looking at the key.
const demoImportEnabled = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.SWAYLINE_DEMO_IMPORT !== "true") {
    throw new DomainError("not_found", `No route ${c.req.method} ${c.req.path}.`);
  }
  await next();
});

const optionalText = (max: number) => z.string().min(1).max(max).nullable().optional();

const pastClickSchema = z
  .object({
    link_id: z.string().max(64),
    clicked_at: isoDateTime,
    user_agent: z.string().max(512),
    referer: z.string().max(2048).nullable().optional(),
    country: optionalText(64).openapi({ description: "What request.cf.country would have said." }),
    region: optionalText(128),
    city: optionalText(128),
    visitor: z.string().min(1).max(128).openapi({
      description: "Stands in for the IP: hashed with the user agent and the day's salt, never stored.",
    }),
  })
  .strict();

const importBody = z.object({ clicks: z.array(pastClickSchema).min(1).max(MAX_IMPORTED_CLICKS) }).strict();

const importResult = z
  .object({ accepted: z.number().int(), click_ids: z.array(z.string()) })
  .openapi("DemoClickImport");

export const demoRouter = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/demo/clicks",
    tags: ["Demo"],
    summary: "Queue past clicks for a local demo (only with SWAYLINE_DEMO_IMPORT=true)",
    description:
      "For `npm run seed` only: absent (404) unless the Worker runs with the var SWAYLINE_DEMO_IMPORT=true, " +
      "which deployments never set. Each click is captured like the redirect captures one (visitor hashed, " +
      "nothing raw kept) but at the time it names, and sent on the EVENTS queue, where the consumer validates, " +
      "enriches and counts it like any click. Answers with the click ids, in order, before the queue has " +
      "written them.",
    security: bearerSecurity,
    middleware: [demoImportEnabled, requireScope("admin")],
    request: jsonBody(importBody),
    responses: {
      202: jsonResponse(importResult, "The clicks are on the queue."),
      ...errorResponses,
      ...notFoundResponse,
    },
  }),
  async (c) => {
    const { db, visitorSecret, signingSecret, clock } = c.var.ctx;
    const clicks = await capturePastClicks(
      db,
      c.req.valid("json").clicks.map((click) => ({
        linkId: click.link_id,
        clickedAt: click.clicked_at,
        userAgent: click.user_agent,
        referer: click.referer ?? null,
        country: click.country ?? null,
        region: click.region ?? null,
        city: click.city ?? null,
        visitor: click.visitor,
      })),
      visitorSecret,
      signingSecret,
      clock(),
    );
    for (const message of packClicks(clicks)) {
      await c.env.EVENTS.send(message, { contentType: EVENT_CONTENT_TYPE });
    }
    return c.json({ accepted: clicks.length, click_ids: clicks.map((click) => click.id) }, 202);
  },
);
