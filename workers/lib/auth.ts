import { createMiddleware } from "hono/factory";
import type { Principal } from "../../src/auth/api-keys";
import { authenticate } from "../../src/auth/api-keys";
import { ApiError } from "../../src/errors";
import type { AppEnv } from "./app-env";

export type Scope = Principal["scope"];

const BEARER = /^Bearer\s+(\S+)\s*$/i;

// Every /api/v1 route names the scopes that may call it; admin may call everything.
// Missing or unknown key: 401. Known key, wrong scope: 403.
export function requireScope(...scopes: Scope[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = BEARER.exec(c.req.header("Authorization") ?? "")?.[1];
    if (!token) throw new ApiError("unauthorized", "Send an API key as `Authorization: Bearer <key>`.");
    const principal = await authenticate(c.get("db"), token, c.env.ADMIN_API_KEY);
    if (!principal) throw new ApiError("unauthorized", "The API key is unknown or revoked.");
    if (principal.scope !== "admin" && !scopes.includes(principal.scope)) {
      throw new ApiError("forbidden", `A ${principal.scope} key may not call this route.`);
    }
    c.set("principal", principal);
    await next();
  });
}
