import { isbot } from "isbot";
import UAParser from "ua-parser-js";
import { describe, expect, it } from "vitest";
import { captureClick } from "../../src/clicks/capture-click";
import { enrichClick } from "../../src/clicks/enrich-click";
import { link } from "../support/redirect-link";

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
