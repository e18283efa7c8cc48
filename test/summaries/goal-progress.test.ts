import { describe, expect, it } from "vitest";
import { goalProgress } from "../../src/summaries/campaign-summary";

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
