import { log } from "../../src/log";

// Without a configured secret, fall back to a random per-isolate one, so that nothing is hashed or
// signed with a secret anyone could know. Deployments must set both (wrangler.toml lists them as
// required); the fallback only serves a local run with an older .dev.vars.
const fallbacks = new Map<string, string>();

function secretOrFallback(name: string, value: string | undefined): string {
  if (value) return value;
  let fallback = fallbacks.get(name);
  if (!fallback) {
    fallback = crypto.randomUUID();
    fallbacks.set(name, fallback);
    log.error("secret_not_set", { secret: name });
  }
  return fallback;
}

// Behind the daily visitor salt. Unset: hashes stay unlinkable to IPs, but isolates disagree, so
// unique clicks are over-counted.
export const visitorSecret = (env: Env): string =>
  secretOrFallback("VISITOR_HASH_SECRET", env.VISITOR_HASH_SECRET);

// Signs click ids and keys the hash of customers' emails. Unset: a click id verifies only in the
// isolate that issued it, and an email hashes differently in each isolate.
export const signingSecret = (env: Env): string => secretOrFallback("SIGNING_SECRET", env.SIGNING_SECRET);
