import { describe, expect, it } from "vitest";
import { generateSlug, slugProblem } from "../../src/links/slug";
import { queryKeys, redirectLocation } from "../../src/links/urls";
import { applyUtm, resolveUtm, slugify } from "../../src/links/utm";

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
