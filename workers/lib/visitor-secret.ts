// Without a configured secret, fall back to a random per-isolate one: hashes stay unlinkable to
// IPs, but isolates disagree, so unique clicks are over-counted. Production sets the secret.
let fallbackVisitorSecret: string | undefined;

export function visitorSecret(env: Env): string {
  if (env.VISITOR_HASH_SECRET) return env.VISITOR_HASH_SECRET;
  fallbackVisitorSecret ??= crypto.randomUUID();
  return fallbackVisitorSecret;
}
