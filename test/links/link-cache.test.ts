import { describe, expect, it } from "vitest";
import { LinkCache } from "../../src/links/link-cache";
import { link } from "../support/redirect-link";

describe("link cache", () => {
  it("expires entries after the TTL, so edits reach every isolate within it", () => {
    let now = 0;
    const cache = new LinkCache({ capacity: 10, ttlMs: 30_000, clock: () => now });
    cache.set("abc", link);
    cache.set("gone", null);
    now = 29_999;
    expect(cache.get("abc")).toEqual(link);
    expect(cache.get("gone")).toBeNull();
    now = 30_000;
    expect(cache.get("abc")).toBeUndefined();
    expect(cache.get("gone")).toBeUndefined();
  });

  it("evicts the least recently used entry past its capacity", () => {
    const cache = new LinkCache({ capacity: 2, ttlMs: 60_000, clock: () => 0 });
    cache.set("a", link);
    cache.set("b", link);
    cache.get("a");
    cache.set("c", link);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toEqual(link);
    expect(cache.size).toBe(2);
  });
});
