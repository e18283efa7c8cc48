import { hmacSha256Hex } from "../crypto";

// An email is personal data and must never be stored, yet a shop often names its customer by
// one (Stripe's customer_details.email, Shopify's email): it is stored as a keyed hash, so the
// same email still finds the same customer, and a leaked database gives no address back. Keyed,
// not a plain SHA-256: emails are few enough to be guessed one by one against a plain hash.
const EMAIL_HASH_PREFIX = "em_";

// How the API's documentation describes a customer_id.
export const CUSTOMER_ID =
  "The shop's id for the buyer. An email (anything with an @) is never stored: it is kept, and " +
  "answered, as a keyed hash (em_…), the same for any spelling of the address, so the same email " +
  "still finds the same customer.";

// Anything with an @ is taken for an email: an odd identifier hashed costs nothing, an address
// kept in the clear is the leak this exists to prevent. A hash never holds an @, so what is
// already stored is never taken for an email again.
export const looksLikeEmail = (customerId: string) => customerId.includes("@");

// The key is derived from the signing secret under its own label, so it serves no other purpose.
const emailKey = (secret: string) => hmacSha256Hex(secret, "customer-email");

// What is stored for a customer identifier: an email, normalised (trimmed and lower-cased: one
// buyer's address reaches a shop spelled in more than one way), becomes its prefixed keyed hash;
// anything else stays as sent.
export function storedCustomerId(customerId: string, secret: string): string {
  if (!looksLikeEmail(customerId)) return customerId;
  return `${EMAIL_HASH_PREFIX}${hmacSha256Hex(emailKey(secret), customerId.trim().toLowerCase())}`;
}

// The fields of a conversion's input that name its customer: as stored, and as sent when that
// differs (an email), which only serves to recognise a replay recorded before emails were hashed.
type CustomerFields<T> = { customerId: T; customerIdAsSent: string | undefined };
export function customerFields(customerId: string, secret: string): CustomerFields<string>;
export function customerFields(
  customerId: string | undefined,
  secret: string,
): CustomerFields<string | undefined>;
export function customerFields(customerId: string | undefined, secret: string) {
  const stored = customerId === undefined ? undefined : storedCustomerId(customerId, secret);
  return { customerId: stored, customerIdAsSent: stored === customerId ? undefined : customerId };
}
