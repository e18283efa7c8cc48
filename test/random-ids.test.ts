import { afterEach, describe, expect, it, vi } from "vitest";
import { randomAlphanumeric } from "../src/ids";

describe("random ids", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("draws alphanumeric characters and never repeats an id", () => {
    const ids = new Set<string>();
    const characters = new Set<string>();
    // 6,000 ids of 16 characters take many refills of the random pool.
    for (let i = 0; i < 6000; i++) {
      const id = randomAlphanumeric(16);
      expect(id).toMatch(/^[0-9A-Za-z]{16}$/);
      ids.add(id);
      for (const c of id) characters.add(c);
    }
    expect(ids.size).toBe(6000);
    expect(characters.size).toBe(62);
    expect(randomAlphanumeric(0)).toBe("");
  });

  it("maps even random bytes to every character equally often", () => {
    // Counting the characters of real random ids can only bound their spread, and a bound a
    // fair source exceeds now and then fails by chance. Every byte value in turn is a perfectly
    // even source: each of the 62 characters must then come as often as any other, give or take
    // one. A modulo without rejection would give the first 8 a fifth more (5 bytes in 256
    // against 4).
    let next = 0;
    vi.spyOn(crypto, "getRandomValues").mockImplementation((array) => {
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let i = 0; i < bytes.length; i++) bytes[i] = next++ & 255;
      return array;
    });
    // The pool may still hold bytes drawn before the spy: use them up first.
    randomAlphanumeric(4096);
    const counts = new Map<string, number>();
    for (const c of randomAlphanumeric(96_000)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const spread = Math.max(...counts.values()) - Math.min(...counts.values());
    expect(spread).toBeLessThanOrEqual(1);
  });
});
