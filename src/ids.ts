// Opaque ids carry their kind as a prefix (`cmp_…`, `lnk_…`), so a misplaced id is obvious.
// Click ids are made in clicks/click-id.ts: they carry their link and time.
export type IdPrefix =
  | "cmp"
  | "inf"
  | "lnk"
  | "key"
  | "fol"
  | "code"
  | "red"
  | "cnv"
  | "att"
  | "rfd"
  | "post"
  | "pms"
  | "shr"
  | "com"
  | "po";

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// 248 = 4 × 62: bytes from 248 up are skipped, so every character is equally likely.
const UNBIASED_BELOW = 248;
// Random bytes are drawn from the system's CSPRNG a pool at a time (each byte used once): one
// getRandomValues call per id cost more than the rest of making a click id.
const pool = new Uint8Array(4096);
let poolAt = pool.length;

export function randomAlphanumeric(size: number): string {
  let id = "";
  while (id.length < size) {
    if (poolAt === pool.length) {
      crypto.getRandomValues(pool);
      poolAt = 0;
    }
    const byte = pool[poolAt++] as number;
    if (byte < UNBIASED_BELOW) id += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  }
  return id;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomAlphanumeric(16)}`;
}
