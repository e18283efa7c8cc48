import type { Principal } from "../../src/auth/api-keys";
import type { Db } from "../../src/db";
import type { EventSink } from "../../src/events/recorded-events";
import type { Clock } from "../../src/time";

// What an API handler hands the domain, set once per request (c.var.ctx, by requestContext): the
// database, the clock, where recorded events go, the secrets, and where short links live.
export type RequestContext = {
  db: Db;
  clock: Clock;
  events: EventSink;
  readonly signingSecret: string;
  readonly visitorSecret: string;
  shortLinkBase: string;
};

export type AppEnv = {
  Bindings: Env;
  Variables: { ctx: RequestContext; principal: Principal };
};
