import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Principal } from "../../src/auth/api-keys";
import { authClientOf, authenticate } from "../../src/auth/api-keys";
import { DomainError } from "../../src/errors";
import type { AppEnv } from "./app-env";
import { signingSecret } from "./secrets";

export type Scope = Principal["scope"];

const BEARER = /^Bearer\s+(\S+)\s*$/i;

// The client sending a key, as src/auth counts its failures: its address, hashed at once.
export const authClient = (c: { env: Env; req: { header(name: string): string | undefined } }) =>
  authClientOf(signingSecret(c.env), c.req.header("CF-Connecting-IP"));

// The principal of a key sent with a request, when its scope may call the route; admin may call
// everything. Missing or unknown key: 401. Known key, wrong scope: 403. Too many unknown keys from
// one client: 429, a correct key included.
export async function authorizeKey(
  c: Context<AppEnv>,
  token: string | undefined,
  scopes: Scope[],
): Promise<Principal> {
  if (!token) throw new DomainError("unauthorized", "Send an API key as `Authorization: Bearer <key>`.");
  const { db, clock } = c.var.ctx;
  const principal = await authenticate(db, token, c.env.ADMIN_API_KEY, authClient(c), clock);
  if (!principal) throw new DomainError("unauthorized", "The API key is unknown or revoked.");
  if (principal.scope !== "admin" && !scopes.includes(principal.scope)) {
    throw new DomainError("forbidden", `A ${principal.scope} key may not call this route.`);
  }
  c.set("principal", principal);
  return principal;
}

export const bearerToken = (c: Context<AppEnv>) => BEARER.exec(c.req.header("Authorization") ?? "")?.[1];

// Every /api/v1 route names the scopes that may call it (see authorizeKey).
export function requireScope(...scopes: Scope[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await authorizeKey(c, bearerToken(c), scopes);
    await next();
  });
}
