import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { urlPath, urlSearch } from "../../src/links/request-url";

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
