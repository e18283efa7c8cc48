import { constantTimeEqual, sha256Hex } from "../crypto";
import { randomAlphanumeric } from "../ids";

// Synchronizer token: derived from the session id, which only the browser holds (the database
// keeps its hash), so the token needs no storage and another site cannot compute it.
export function csrfTokenFor(sessionId: string): string {
  return sha256Hex(`csrf:${sessionId}`);
}

// Before sign-in there is no session: the sign-in form uses a random token that is also set as
// a cookie (double submit), so another site cannot post a key of its choosing into the form.
export function newPreSessionToken(): string {
  return randomAlphanumeric(32);
}

export function csrfTokenMatches(expected: string | null, given: string | null | undefined): boolean {
  if (!expected || !given) return false;
  return constantTimeEqual(expected, given);
}

// A form post must come from a page of this same origin. Browsers send Origin on every POST;
// a post without one is refused rather than guessed at.
export function sameOrigin(requestUrl: string, origin: string | null | undefined): boolean {
  if (!origin) return false;
  return origin === new URL(requestUrl).origin;
}
