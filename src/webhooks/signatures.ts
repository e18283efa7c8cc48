import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../crypto";

export const STRIPE_TOLERANCE_SECONDS = 300;

// Stripe-Signature: "t=<unix seconds>,v1=<hex HMAC-SHA256 of `${t}.${raw body}`>[,v1=…]". Several
// v1 entries appear while a secret is being rolled; any one may match. Stale timestamps are
// refused so a captured delivery cannot be replayed later.
export function verifyStripeSignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  nowMs: number,
) {
  if (!header || !secret) return false;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.split("=", 2).map((s) => s.trim());
    if (key === "t" && value && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === "v1" && value) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return false;
  if (Math.abs(nowMs / 1000 - timestamp) > STRIPE_TOLERANCE_SECONDS) return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
  return signatures.some((signature) => constantTimeEqual(signature, expected));
}

// X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body.
export function verifyShopifyHmac(header: string | undefined, rawBody: string, secret: string) {
  if (!header || !secret) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest("base64");
  return constantTimeEqual(header.trim(), expected);
}
