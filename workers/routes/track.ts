import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { isAllowedOrigin, type Principal, recorderOf } from "../../src/auth/api-keys";
import { DomainError } from "../../src/errors";
import { behaviourMessage } from "../../src/track/behaviour";
import { recordTrackedLead } from "../../src/track/track-lead";
import { admitTrackRequest } from "../../src/track/track-throttle";
import type { AppEnv } from "../lib/app-env";
import { authorizeKey, bearerToken, requireScope } from "../lib/auth";
import { validationError } from "../lib/errors";
import { sendBehaviour } from "../lib/events";
import { recordAnswer } from "../lib/results";
import { bearerSecurity, createRouter, errorResponses, jsonBody, jsonResponse } from "../lib/router";
import {
  serializeTrackedLead,
  trackEventsBody,
  trackedEventsSchema,
  trackedLeadSchema,
  trackLeadBody,
} from "../schemas/track";

const tags = ["Shop script"];

// A publishable key sits in the shop's pages for anyone to copy: it is honoured only from its
// own origins, which the browser names in Origin and a page cannot forge. The answer then carries
// CORS for that origin, so the page can read it; any other origin gets no CORS at all.
function fromAllowedOrigin(c: Context<AppEnv>, principal: Principal) {
  c.header("Vary", "Origin");
  if (principal.scope !== "publishable") return;
  const origin = c.req.header("Origin");
  if (!origin || !principal.allowedOrigins.includes(origin)) {
    throw new DomainError("forbidden", "This publishable key may only be used from its allowed origins.");
  }
  c.header("Access-Control-Allow-Origin", origin);
}

const allowedOriginOnly = createMiddleware<AppEnv>(async (c, next) => {
  fromAllowedOrigin(c, c.get("principal"));
  await next();
});

// A preflight carries no key, so it is answered for any origin that some publishable key in use
// allows; the request that follows is then held to its own key's origins.
async function preflight(c: Context<AppEnv>) {
  const origin = c.req.header("Origin");
  if (!origin || !(await isAllowedOrigin(c.var.ctx.db, origin))) {
    throw new DomainError("forbidden", "This origin is not allowed by any publishable key.");
  }
  return c.body(null, 204, {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "7200",
    Vary: "Origin",
  });
}

async function parsedBody(c: Context<AppEnv>): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text());
  } catch {
    throw new DomainError("invalid_json", "The request body is not valid JSON.");
  }
}

const bodyKey = (body: unknown) => {
  const key = (body as { key?: unknown } | null)?.key;
  return typeof key === "string" ? key : undefined;
};

export const trackRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/track/lead",
      tags,
      summary: "Record a lead from the shop's page",
      description:
        "For sl.js and the shop's pages, with a publishable key (`swl_pk_…`) from one of its allowed origins " +
        "(CORS answered, preflight included, for those alone; any other origin: 403). Records the lead as POST " +
        "/conversions does, once per customer and campaign (a repeat answers 200), but only through a signed " +
        "click id (422 invalid_click_id otherwise), and never a sale. Limited per visitor (click id): 429 " +
        "rate_limited with Retry-After.",
      security: bearerSecurity,
      middleware: [requireScope("publishable"), allowedOriginOnly],
      request: jsonBody(trackLeadBody),
      responses: {
        201: jsonResponse(trackedLeadSchema, "The lead, recorded."),
        200: jsonResponse(trackedLeadSchema, "Already recorded: the existing lead."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { db, clock, signingSecret, events } = c.var.ctx;
      const body = c.req.valid("json");
      const { record, status } = recordAnswer(
        await recordTrackedLead(
          db,
          { clickId: body.click_id, customerId: body.customer_id },
          recorderOf(c.get("principal")),
          clock,
          signingSecret,
          events,
        ),
      );
      return c.json(serializeTrackedLead(record), status);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/track/events",
      tags,
      summary: "Report a visit's page views and engaged time",
      description:
        "What sl.js sends with navigator.sendBeacon, which cannot set headers: the body is JSON sent as " +
        "`text/plain` (no preflight needed) or `application/json`, and the publishable key may travel in it " +
        "as `key`. Only from the key's allowed origins (403 otherwise). The click id must be one the " +
        "redirect signed (422 invalid_click_id). Limited per visitor (click id) and per session: 429 " +
        "rate_limited with Retry-After. Accepted reports are queued as one message and answered 202; they " +
        "count page views and engaged time, never a lead or a sale.",
      security: bearerSecurity,
      request: {
        body: { required: true, content: { "text/plain": { schema: trackEventsBody } } },
      },
      responses: {
        202: jsonResponse(trackedEventsSchema, "Queued."),
        ...errorResponses,
      },
    }),
    async (c) => {
      const raw = await parsedBody(c);
      const principal = await authorizeKey(c, bearerToken(c) ?? bodyKey(raw), ["publishable"]);
      fromAllowedOrigin(c, principal);
      const parsed = trackEventsBody.safeParse(raw);
      if (!parsed.success) throw validationError(parsed.error);
      const body = parsed.data;
      const { db, clock, signingSecret } = c.var.ctx;
      const message = behaviourMessage(signingSecret, {
        clickId: body.click_id,
        sessionId: body.session_id,
        returning: body.returning,
        events: body.events,
      });
      await admitTrackRequest(db, { visitor: body.click_id, session: body.session_id }, clock);
      await sendBehaviour(c.env, message);
      return c.json({ accepted: body.events.length }, 202);
    },
  )
  .options("/track/lead", preflight)
  .options("/track/events", preflight);
