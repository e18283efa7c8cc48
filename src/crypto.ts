import { createHash, createHmac } from "node:crypto";

// node:crypto (nodejs_compat) hashes synchronously, so callers need no promise. The redirect's
// per-click work does not come here (the visitor hash, the click id's MAC): it uses the
// plain-JavaScript SHA-256 of src/sha256.ts, cheaper for short texts in workerd; here are the
// keys, sessions, request fingerprints, the visitor salt once a day and the click-id key once.
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function hmacSha256Hex(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message).digest("hex");
}

const encoder = new TextEncoder();

// Compares two secrets (or their hashes) without leaking, through timing, how much of them matched.
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) return false;
  return crypto.subtle.timingSafeEqual(left, right);
}
