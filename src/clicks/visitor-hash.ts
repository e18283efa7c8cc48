import { hmacSha256Hex, sha256Hex } from "../crypto";
import { utcDay } from "../time";

// The salt is derived from a secret and the UTC day, so it rotates daily without any stored
// state, every isolate agrees on it, and yesterday's hashes cannot be linked to today's.
let cachedSalt: { key: string; salt: string } | undefined;

function dailySalt(secret: string, day: string): string {
  const key = `${day}:${secret}`;
  if (cachedSalt?.key !== key)
    cachedSalt = { key, salt: hmacSha256Hex(secret, `swayline-visitor-salt:${day}`) };
  return cachedSalt.salt;
}

export function visitorHash(secret: string, at: number, ip: string, userAgent: string): string {
  return sha256Hex(`${dailySalt(secret, utcDay(at))}\n${ip}\n${userAgent}`);
}
