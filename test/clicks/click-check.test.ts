import { describe, expect, it } from "vitest";
import { type CapturedClick, checkClick } from "../../src/clicks/click-event";

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
