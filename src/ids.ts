import { customAlphabet } from "nanoid";

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
  | "shr";

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const randomAlphanumeric = customAlphabet(ALPHANUMERIC);

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomAlphanumeric(16)}`;
}
