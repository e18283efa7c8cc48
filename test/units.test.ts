import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ClickBuffer } from "../src/clicks/click-buffer";
import { visitorHash } from "../src/clicks/visitor-hash";
import { LinkCache, type RedirectLink } from "../src/links/link-cache";
import { generateSlug, slugProblem } from "../src/links/slug";
import { queryKeys, redirectLocation } from "../src/links/urls";
import { applyUtm, resolveUtm, slugify } from "../src/links/utm";
import { errorMessage } from "../src/log";

const link: RedirectLink = {
  id: "lnk_1",
  campaignId: "cmp_1",
  influencerId: "inf_1",
  destinationUrl: "https://shop.example/",
  destinationQueryKeys: [],
  expiresAt: null,
  expiredUrl: null,
  disabled: false,
};

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

describe("visitor hash", () => {
  it("is stable within a UTC day and changes with the day, the IP, the agent and the secret", () => {
    const day = Date.UTC(2026, 10, 24, 1);
    const base = visitorHash("s", day, "203.0.113.1", "UA");
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(visitorHash("s", day + 20 * 3_600_000, "203.0.113.1", "UA")).toBe(base);
    expect(visitorHash("s", day + 24 * 3_600_000, "203.0.113.1", "UA")).not.toBe(base);
    expect(visitorHash("s", day, "203.0.113.2", "UA")).not.toBe(base);
    expect(visitorHash("s", day, "203.0.113.1", "UA2")).not.toBe(base);
    expect(visitorHash("t", day, "203.0.113.1", "UA")).not.toBe(base);
  });
});

describe("slugs and UTM", () => {
  it("generates valid 7-character slugs and refuses bad or reserved ones", () => {
    for (let i = 0; i < 200; i++) expect(slugProblem(generateSlug())).toBeNull();
    expect(generateSlug()).toHaveLength(7);
    expect(slugProblem("ab")).toBe("format");
    expect(slugProblem("Dashboard")).toBe("reserved");
    expect(slugProblem("ana_summer-26")).toBeNull();
  });

  it("slugifies campaign names for utm_campaign", () => {
    expect(slugify("Été Soldes 2026!")).toBe("ete-soldes-2026");
    expect(slugify("  --Black   Friday--  ")).toBe("black-friday");
  });

  it("applies defaults and overrides", () => {
    const utm = resolveUtm(
      { platform: "tiktok", campaignName: "Launch", handle: "max" },
      { medium: "video" },
    );
    expect(utm).toEqual({ source: "tiktok", medium: "video", campaign: "launch", content: "max" });
    expect(applyUtm("https://s.example/a?b=1", utm)).toBe(
      "https://s.example/a?b=1&utm_source=tiktok&utm_medium=video&utm_campaign=launch&utm_content=max",
    );
  });

  it("builds the redirect location: destination wins, visitor adds as written, click id last", () => {
    const destination = (url: string) => ({ url, queryKeys: queryKeys(url) });
    expect(
      redirectLocation(
        destination("https://s.example/a?utm_source=ig"),
        "?utm_source=x&gclid=1&sl_cid=forged",
        "clk_1",
      ),
    ).toBe("https://s.example/a?utm_source=ig&gclid=1&sl_cid=clk_1");
    expect(redirectLocation(destination("https://s.example/"), "", null)).toBe("https://s.example/");
    expect(redirectLocation(destination("https://s.example/p"), "q=a+b&x=%C3%A9&&flag", "clk_2")).toBe(
      "https://s.example/p?q=a+b&x=%C3%A9&flag&sl_cid=clk_2",
    );
    // An encoded name is still recognised as the destination's own.
    expect(redirectLocation(destination("https://s.example/?utm_medium=i"), "utm%5Fmedium=v", null)).toBe(
      "https://s.example/?utm_medium=i",
    );
    expect(redirectLocation(destination("https://s.example/p?a=1#top"), "b=2", "clk_3")).toBe(
      "https://s.example/p?a=1&b=2&sl_cid=clk_3#top",
    );
    expect(redirectLocation(destination("https://s.example/p"), "bad=%E0%A4%A", null)).toBe(
      "https://s.example/p?bad=%E0%A4%A",
    );
  });
});

describe("click buffer", () => {
  it("sends the clicks of one window in one message, and a full buffer at once", async () => {
    const sent: number[][] = [];
    const send = async (items: number[]) => {
      sent.push(items);
    };
    const buffer = new ClickBuffer<number>({ windowMs: 20, maxItems: 3 });
    const owner = buffer.add(1, send);
    await buffer.add(2, send); // a window is open: its owner will send this one
    expect(sent).toEqual([]);
    await owner;
    expect(sent).toEqual([[1, 2]]);

    const windowOwner = buffer.add(3, send);
    await buffer.add(4, send);
    await buffer.add(5, send); // the third click fills the buffer: sent at once
    expect(sent).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    await windowOwner; // nothing left for the window
    expect(sent).toHaveLength(2);
    expect(buffer.pending).toBe(0);
  });
});

describe("error messages for logs", () => {
  it("keep the database's reason for a failed query, never its values", () => {
    const failed = new DrizzleQueryError(
      'insert into "api_keys" ("id", "secret_hash") values (?, ?)',
      ["key_1", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
      new Error("D1_ERROR: UNIQUE constraint failed: api_keys.id"),
    );
    expect(errorMessage(failed)).toBe("query failed: D1_ERROR: UNIQUE constraint failed: api_keys.id");
    expect(errorMessage(new Error("plain"))).toBe("plain");
  });
});
