import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Block, sha256HexJs } from "../src/sha256";

describe("SHA-256 in JavaScript", () => {
  const nodeSha256 = (text: string) => createHash("sha256").update(text).digest("hex");

  it("matches node:crypto on the standard vectors and at every length around the block edges", () => {
    expect(sha256HexJs("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256HexJs("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    for (let length = 0; length <= 200; length++) {
      expect(sha256HexJs("x".repeat(length))).toBe(nodeSha256("x".repeat(length)));
    }
    const long = "é€😀".repeat(2000); // multi-byte UTF-8, longer than the reusable buffer
    expect(sha256HexJs(long)).toBe(nodeSha256(long));
  });

  it("hashes a text from the state after its first 64-byte block as the whole text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }),
        fc.string({ unit: "grapheme", maxLength: 300 }),
        (block, rest) => {
          expect(sha256HexJs(rest, sha256Block(block))).toBe(nodeSha256(block + rest));
        },
      ),
      { numRuns: 300 },
    );
    expect(() => sha256Block("x".repeat(63))).toThrow(RangeError);
    expect(() => sha256Block("é".repeat(64))).toThrow(RangeError);
  });

  it("matches node:crypto on random texts, including any Unicode", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => {
        expect(sha256HexJs(text)).toBe(nodeSha256(text));
      }),
      { numRuns: 500 },
    );
  });
});
