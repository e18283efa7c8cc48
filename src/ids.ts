import { customAlphabet } from "nanoid";

// Opaque ids carry their kind as a prefix (`cmp_…`, `lnk_…`), so a misplaced id is obvious.
export type IdPrefix =
  | "cmp"
  | "inf"
  | "lnk"
  | "key"
  | "clk"
  | "fol"
  | "run"
  | "code"
  | "red"
  | "cnv"
  | "att"
  | "rfd";

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const randomAlphanumeric = customAlphabet(ALPHANUMERIC);

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomAlphanumeric(16)}`;
}
