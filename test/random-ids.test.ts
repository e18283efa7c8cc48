import { describe, expect, it } from "vitest";
import { randomAlphanumeric } from "../src/ids";

describe("random ids", () => {
  it("draws alphanumeric characters evenly and never repeats an id", () => {
    const ids = new Set<string>();
    const counts = new Map<string, number>();
    // 6,000 ids of 16 characters take many refills of the random pool.
    for (let i = 0; i < 6000; i++) {
      const id = randomAlphanumeric(16);
      expect(id).toMatch(/^[0-9A-Za-z]{16}$/);
      ids.add(id);
      for (const c of id) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(ids.size).toBe(6000);
    expect(counts.size).toBe(62);
    // 96,000 characters over 62: about 1,548 each, give or take 2.5 %. A modulo without rejection
    // would favour the first 8 characters by a fifth (5 bytes in 256 against 4).
    for (const n of counts.values()) expect(Math.abs(n / (96_000 / 62) - 1)).toBeLessThan(0.12);
    expect(randomAlphanumeric(0)).toBe("");
  });
});
