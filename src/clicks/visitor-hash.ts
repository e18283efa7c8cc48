import { hmacSha256, sha256Hex, toHex } from "../crypto";
import { utcDay } from "../time";

// The salt is derived from a secret and the UTC day, so it rotates daily without any stored
// state, every isolate agrees on it, and yesterday's hashes cannot be linked to today's.
const saltByDay = new Map<string, string>();

async function dailySalt(secret: string, day: string): Promise<string> {
  const key = `${day}:${secret}`;
  let salt = saltByDay.get(key);
  if (!salt) {
    salt = toHex(await hmacSha256(secret, `swayline-visitor-salt:${day}`));
    saltByDay.clear(); // only today's salt is ever needed
    saltByDay.set(key, salt);
  }
  return salt;
}

export async function visitorHash(
  secret: string,
  at: number,
  ip: string,
  userAgent: string,
): Promise<string> {
  const salt = await dailySalt(secret, utcDay(at));
  return sha256Hex(`${salt}\n${ip}\n${userAgent}`);
}
