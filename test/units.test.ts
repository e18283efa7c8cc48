import { createHash, createHmac } from "node:crypto";
import { DrizzleQueryError } from "drizzle-orm";
import fc from "fast-check";
import { isbot } from "isbot";
import UAParser from "ua-parser-js";
import { describe, expect, it } from "vitest";
import { captureClick } from "../src/clicks/capture-click";
import { ClickBuffer } from "../src/clicks/click-buffer";
import { type CapturedClick, checkClick } from "../src/clicks/click-event";
import { newClickId, verifyClickId } from "../src/clicks/click-id";
import { enrichClick } from "../src/clicks/enrich-click";
import { visitorHash } from "../src/clicks/visitor-hash";
import { randomAlphanumeric } from "../src/ids";
import { LinkCache, type RedirectLink } from "../src/links/link-cache";
import { urlPath, urlSearch } from "../src/links/request-url";
import { generateSlug, slugProblem } from "../src/links/slug";
import { queryKeys, redirectLocation } from "../src/links/urls";
import { applyUtm, resolveUtm, slugify } from "../src/links/utm";
import { errorMessage } from "../src/log";
import { hmacSha256HexJs, hmacSha256Key, sha256Block, sha256HexJs } from "../src/sha256";
import { goalProgress } from "../src/summaries/campaign-summary";

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

  it("is SHA-256 of the day's HMAC salt, the IP and the agent, also across day edges and secrets", () => {
    const expected = (secret: string, at: number, ip: string, ua: string) => {
      const day = new Date(at).toISOString().slice(0, 10);
      const salt = createHmac("sha256", secret).update(`swayline-visitor-salt:${day}`).digest("hex");
      return createHash("sha256").update(`${salt}\n${ip}\n${ua}`).digest("hex");
    };
    const midnight = Date.UTC(2026, 10, 25);
    // The salt is kept between calls: the last and first millisecond of a day, going back in
    // time, and switching secrets must each get their own day's salt.
    const cases: [string, number][] = [
      ["s", midnight - 1],
      ["s", midnight],
      ["s", midnight + 86_399_999],
      ["s", midnight + 86_400_000],
      ["s", midnight - 1],
      ["t", midnight - 1],
      ["s", midnight - 1],
      ["s", 0],
    ];
    for (const [secret, at] of cases) {
      expect(visitorHash(secret, at, "198.51.100.7", "Agent/1.0 é")).toBe(
        expected(secret, at, "198.51.100.7", "Agent/1.0 é"),
      );
    }
  });
});

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

describe("click ids", () => {
  const at = Date.UTC(2026, 11, 6, 12);

  it("say their link and time when signed with the same secret, and nothing otherwise", () => {
    const id = newClickId("secret", "lnk_0123456789ABCDEF", at);
    expect(id).toMatch(/^clk_[0-9a-z]{9}0123456789ABCDEF[0-9A-Za-z]{6}[0-9a-f]{16}$/);
    expect(verifyClickId("secret", id)).toEqual({ linkId: "lnk_0123456789ABCDEF", clickedAt: at });
    expect(verifyClickId("another secret", id)).toBeNull();
    // The unsigned format of before, and ids that are no click id at all.
    for (const other of [id.slice(0, -16), `${id}0`, "", "clk_", id.toUpperCase()]) {
      expect(verifyClickId("secret", other)).toBeNull();
    }
  });

  it("are refused after any one character is changed", () => {
    const id = newClickId("secret", "lnk_0123456789ABCDEF", at);
    const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (let i = "clk_".length; i < id.length; i++) {
      for (const c of alphabet) {
        if (c === id[i]) continue;
        expect(verifyClickId("secret", id.slice(0, i) + c + id.slice(i + 1))).toBeNull();
      }
    }
  });
});

describe("user-agent and referer memos", () => {
  const agents = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.5.0",
    "",
  ];
  const captured = (userAgent: string, head = false) => ({
    id: "clk_1",
    link_id: "lnk_1",
    campaign_id: "cmp_1",
    influencer_id: "inf_1",
    clicked_at: 0,
    country: null,
    region: null,
    city: null,
    user_agent: userAgent,
    referer_host: null,
    head,
    visitor_hash: "a".repeat(64),
  });
  // What the consumer should say about an agent, worked out here from the two libraries directly.
  const expected = (userAgent: string, head: boolean) => {
    const bot = head || userAgent === "" || isbot(userAgent);
    const ua = new UAParser(userAgent).getResult();
    return {
      device: bot ? "bot" : (ua.device.type ?? (ua.os.name ? "desktop" : null)),
      browser: ua.browser.name ?? null,
      os: ua.os.name ?? null,
      is_bot: bot,
    };
  };

  it("parses an agent the same on a memo hit as on a miss, and after the memo has filled up", () => {
    const check = () => {
      for (const userAgent of agents) {
        for (const head of [false, true]) {
          const { device, browser, os, is_bot } = enrichClick(captured(userAgent, head));
          expect({ device, browser, os, is_bot }).toEqual(expected(userAgent, head));
        }
      }
    };
    check(); // misses, then hits for the HEAD variants
    check(); // hits
    for (let i = 0; i < 2100; i++) enrichClick(captured(`Filler/${i}`)); // past the memo's 2,000
    check();
  });

  it("takes the same referer host on a memo hit as on a miss", () => {
    const request = (referer: string | null) => ({
      clickId: "clk_1",
      at: 0,
      head: false,
      ip: "198.51.100.7",
      userAgent: "UA",
      referer,
      country: undefined,
      region: undefined,
      city: undefined,
    });
    const cases: [string | null, string | null][] = [
      ["https://L.Instagram.com/?u=x", "l.instagram.com"],
      ["https://t.co/abc", "t.co"],
      ["not a url", null],
      ["", null],
      [null, null],
    ];
    for (let pass = 0; pass < 2; pass++) {
      for (const [referer, host] of cases) {
        expect(captureClick(link, request(referer), "s").referer_host).toBe(host);
      }
    }
  });
});

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

describe("click check", () => {
  const valid: CapturedClick = {
    id: "c".repeat(64),
    link_id: "lnk_1",
    campaign_id: "cmp_1",
    influencer_id: "inf_1",
    clicked_at: 0,
    country: "",
    region: null,
    city: "x".repeat(128),
    user_agent: "",
    referer_host: null,
    head: false,
    visitor_hash: "0123456789abcdef".repeat(4),
  };

  it("accepts a click at its bounds and names the first wrong field of a bad one", () => {
    expect(checkClick(valid)).toEqual({ click: valid });
    const bad: [keyof CapturedClick, unknown][] = [
      ["id", ""],
      ["id", "c".repeat(65)],
      ["link_id", undefined],
      ["campaign_id", 7],
      ["influencer_id", null],
      ["clicked_at", -1],
      ["clicked_at", 1.5],
      ["clicked_at", "1764000000000"],
      ["country", "x".repeat(65)],
      ["region", 3],
      ["city", "x".repeat(129)],
      ["user_agent", null],
      ["referer_host", "x".repeat(256)],
      ["head", "false"],
      ["head", 0],
      ["visitor_hash", "0123456789ABCDEF".repeat(4)],
      ["visitor_hash", "203.0.113.9"],
    ];
    for (const [field, value] of bad) {
      const checked = checkClick({ ...valid, [field]: value });
      expect(checked, `${field} = ${String(value)}`).toEqual({
        problem: expect.stringMatching(new RegExp(`^${field} expected`)),
      });
    }
    for (const notAClick of [null, "click", [valid], 42]) {
      expect(checkClick(notAClick)).toEqual({ problem: "expected an object" });
    }
  });
});

describe("request URL parts", () => {
  it("cuts the path and query out of a serialized URL exactly as URL parses them", () => {
    const check = (href: string) => {
      const url = new URL(href);
      expect(urlPath(url.href)).toBe(url.pathname);
      expect(urlSearch(url.href)).toBe(url.search);
    };
    for (const href of [
      "https://s.example/abc",
      "https://s.example/abc?",
      "https://s.example/abc?a=1&b=%20#frag",
      "https://s.example/abc#x?y",
      "http://s.example:8787/",
      "http://s.example:8787",
      "https://user:pw@s.example/a/b?c=/d//e",
      "https://s.example/%3Fq?x=?",
    ]) {
      check(href);
    }
    fc.assert(fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), check), {
      numRuns: 500,
    });
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
    // Other scripts are kept, voiced kana included, rather than slugified to nothing.
    expect(slugify("夏のセール ガチャ")).toBe("夏のセール-ガチャ");
    expect(slugify("Летняя распродажа")).toBe("летняя-распродажа");
    expect(slugify("!!!")).toBe("");
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
    const japanese = resolveUtm({ platform: "x", campaignName: "夏のセール", handle: "max" });
    expect(applyUtm("https://s.example/", japanese)).toContain(
      `utm_campaign=${encodeURIComponent("夏のセール")}&`,
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
    expect(owner).toBeInstanceOf(Promise);
    expect(buffer.add(2, send)).toBeNull(); // a window is open: its owner will send this one
    expect(sent).toEqual([]);
    await owner;
    expect(sent).toEqual([[1, 2]]);

    const windowOwner = buffer.add(3, send);
    expect(buffer.add(4, send)).toBeNull();
    const filler = buffer.add(5, send); // the third click fills the buffer: sent at once
    expect(filler).toBeInstanceOf(Promise);
    await filler;
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

describe("goal progress", () => {
  const totals = { clicks: 3 } as unknown as Parameters<typeof goalProgress>[1];
  it("is null, not Infinity, when the target is too small to divide by", () => {
    const tiny = goalProgress({ metric: "clicks", target: 5e-324, due: null }, totals, 0, 10, 5);
    expect(tiny).toMatchObject({ value: 3, progress: null, on_track: null });
    expect(goalProgress({ metric: "clicks", target: 6, due: null }, totals, 0, 10, 5)).toMatchObject({
      progress: 0.5,
      on_track: true,
    });
  });
});
