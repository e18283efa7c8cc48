import { describe, expect, it } from "vitest";
import { roundTicks } from "../../workers/pages/line-chart";

describe("a chart's round ticks", () => {
  it("cover the values with steps of 1, 2 or 5 times a power of ten", () => {
    expect(roundTicks(346_812, 411_904)).toEqual([340_000, 360_000, 380_000, 400_000, 420_000]);
    expect(roundTicks(0, 9)).toEqual([0, 5, 10]);
    expect(roundTicks(12, 13)).toEqual([12, 12.5, 13]);
    expect(roundTicks(0.1, 0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });

  it("give a single value room around it, never below zero for a count", () => {
    expect(roundTicks(1_000, 1_000)).toEqual([900, 950, 1_000, 1_050, 1_100]);
    expect(roundTicks(0, 0)).toEqual([0, 0.5, 1]);
  });

  it("always reach past both ends, whatever the values", () => {
    for (const [min, max] of [
      [1, 999],
      [7, 7.001],
      [123_456, 9_876_543],
      [3, 3_000_000_000],
    ] as const) {
      const ticks = roundTicks(min, max);
      expect(ticks[0]).toBeLessThanOrEqual(min);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(7);
    }
  });
});
