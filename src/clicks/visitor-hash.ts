import { hmacSha256Hex } from "../crypto";
import { type Sha256State, sha256Block, sha256HexJs } from "../sha256";
import { DAY_MS, utcDay } from "../time";

// The salt is derived from a secret and the UTC day, so it rotates daily without any stored
// state, every isolate agrees on it, and yesterday's hashes cannot be linked to today's. It is
// kept with the bounds of its day, so a click costs two comparisons, not a date to format. The
// salt is 64 hex digits, exactly SHA-256's first block of every visitor's text, so that block is
// hashed once a day (`salted`) and a click's hash starts after it: one of a typical click's four
// blocks saved, the same hash.
let cachedSalt: { secret: string; dayStart: number; salted: Sha256State } | undefined;

function saltedState(secret: string, at: number): Sha256State {
  const cached = cachedSalt;
  if (cached?.secret === secret && at >= cached.dayStart && at < cached.dayStart + DAY_MS) {
    return cached.salted;
  }
  const salt = hmacSha256Hex(secret, `swayline-visitor-salt:${utcDay(at)}`);
  const salted = sha256Block(salt);
  cachedSalt = { secret, dayStart: Math.floor(at / DAY_MS) * DAY_MS, salted };
  return salted;
}

// SHA-256 of `${salt}\n${ip}\n${userAgent}`.
export function visitorHash(secret: string, at: number, ip: string, userAgent: string): string {
  return sha256HexJs(`\n${ip}\n${userAgent}`, saltedState(secret, at));
}
