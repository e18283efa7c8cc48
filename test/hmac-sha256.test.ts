import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hmacSha256HexJs, hmacSha256Key } from "../src/sha256";

describe("HMAC-SHA256 in JavaScript", () => {
  const nodeHmac = (key: string, text: string) => createHmac("sha256", key).update(text).digest("hex");

  it("matches node:crypto for keys of 0 to 64 ASCII characters and texts of any length", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
          maxLength: 64,
        }),
        fc.string({ unit: "grapheme", maxLength: 200 }),
        (key, text) => {
          expect(hmacSha256HexJs(hmacSha256Key(key), text)).toBe(nodeHmac(key, text));
        },
      ),
      { numRuns: 500 },
    );
    // RFC 4231, test case 2.
    expect(hmacSha256HexJs(hmacSha256Key("Jefe"), "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("truncates to its leftmost words, and refuses keys it would get wrong", () => {
    const key = hmacSha256Key("k".repeat(64));
    expect(hmacSha256HexJs(key, "message", 2)).toBe(nodeHmac("k".repeat(64), "message").slice(0, 16));
    expect(() => hmacSha256Key("k".repeat(65))).toThrow(RangeError);
    expect(() => hmacSha256Key("é")).toThrow(RangeError);
  });
});
