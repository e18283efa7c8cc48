import { createDb } from "../../src/db";
import { systemClock } from "../../src/time";
import type { RequestContext } from "./app-env";
import { queueEvents } from "./events";
import { signingSecret, visitorSecret } from "./secrets";

// The context every API handler reads (see RequestContext).
export function requestContext(
  env: Env,
  url: string,
  executionCtx: () => { waitUntil(promise: Promise<unknown>): void },
): RequestContext {
  return {
    db: createDb(env.DB),
    clock: systemClock,
    // The execution context is asked for only when an event is sent: requests that record
    // nothing (and apps run without one, in tests) never need it.
    events: (event) => queueEvents(env, executionCtx())(event),
    // Read when used, so a route that needs no secret never falls back for a missing one.
    get signingSecret() {
      return signingSecret(env);
    },
    get visitorSecret() {
      return visitorSecret(env);
    },
    // Short links live on SHORT_LINK_BASE_URL when set (a custom short domain), else on this Worker.
    shortLinkBase: env.SHORT_LINK_BASE_URL || new URL(url).origin,
  };
}
