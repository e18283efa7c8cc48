import { constantTimeEqual, hmacSha256Hex } from "../crypto";
import { randomAlphanumeric } from "../ids";
import { type HmacSha256Key, hmacSha256HexJs, hmacSha256Key } from "../sha256";

// A click id says which link was clicked and when: `clk_` + the time (9 base-36 digits, so ids
// sort by time) + the link id's 16 characters + 6 random ones, then a MAC of all that. A checkout
// can then attribute a sale to a click that is still on its way through the queue, before its row
// exists in D1, and the MAC is what lets it believe the id: without it, anyone who had seen one
// id could write one for any link at any time (a sale credited to a click never made, or an old
// click moved inside the attribution window).
//
// The MAC is HMAC-SHA256's first 64 bits, as 16 hex digits: a guessed MAC is right once in 2^64
// tries, each a request to the API. Its key is derived from the signing secret with a label, so the same
// secret can key other things without one of its uses revealing another's MACs.
const CLICK_ID = /^(clk_([0-9a-z]{9})([0-9A-Za-z]{16})[0-9A-Za-z]{6})([0-9a-f]{16})$/;
const MAC_WORDS = 2;
const KEY_LABEL = "swayline-click-id";

// The key's HMAC states, kept for the last secret: the redirect signs every click with the same
// one, and deriving it costs more than signing.
let cachedKey: { secret: string; key: HmacSha256Key } | undefined;

function keyOf(secret: string): HmacSha256Key {
  if (cachedKey?.secret === secret) return cachedKey.key;
  const key = hmacSha256Key(hmacSha256Hex(secret, KEY_LABEL));
  cachedKey = { secret, key };
  return key;
}

export function newClickId(secret: string, linkId: string, at: number): string {
  const unsigned = `clk_${at.toString(36).padStart(9, "0")}${linkId.slice("lnk_".length)}${randomAlphanumeric(6)}`;
  return unsigned + hmacSha256HexJs(keyOf(secret), unsigned, MAC_WORDS);
}

// The link and time of a click id the redirect issued with this secret; null for anything else:
// not a click id, an unsigned one (the format before ids were signed), or one whose MAC does not
// match what it says (its time or link changed, or made up).
export function verifyClickId(secret: string, clickId: string): { linkId: string; clickedAt: number } | null {
  const match = CLICK_ID.exec(clickId);
  if (!match) return null;
  const [, unsigned, time, link, mac] = match as unknown as [string, string, string, string, string];
  if (!constantTimeEqual(hmacSha256HexJs(keyOf(secret), unsigned, MAC_WORDS), mac)) return null;
  return { linkId: `lnk_${link}`, clickedAt: Number.parseInt(time, 36) };
}

export const INVALID_CLICK_ID_MESSAGE = "This click id was not issued by the redirect, or was changed since.";
