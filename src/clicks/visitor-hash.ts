import { hmacSha256Hex } from "../crypto";
import { sha256HexJs } from "../sha256";
import { utcDay } from "../time";

const DAY_MS = 86_400_000;

// The salt is derived from a secret and the UTC day, so it rotates daily without any stored
// state, every isolate agrees on it, and yesterday's hashes cannot be linked to today's. It is
// kept with the bounds of its day, so a click costs two comparisons, not a date to format.
let cachedSalt: { secret: string; dayStart: number; salt: string } | undefined;

function dailySalt(secret: string, at: number): string {
  const cached = cachedSalt;
  if (cached?.secret === secret && at >= cached.dayStart && at < cached.dayStart + DAY_MS) return cached.salt;
  const salt = hmacSha256Hex(secret, `swayline-visitor-salt:${utcDay(at)}`);
  cachedSalt = { secret, dayStart: Math.floor(at / DAY_MS) * DAY_MS, salt };
  return salt;
}

export function visitorHash(secret: string, at: number, ip: string, userAgent: string): string {
  return sha256HexJs(`${dailySalt(secret, at)}\n${ip}\n${userAgent}`);
}
