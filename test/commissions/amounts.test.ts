import { describe, expect, it } from "vitest";
import { saleCommission, shareOf } from "../../src/commissions/amounts";

// Shares worked out by hand, as decimals: rate × amount, rounded to the minor unit, half up.
describe("commission amounts", () => {
  it("round half up on the rate as written, never on its float", () => {
    expect(shareOf(0.145, 100)).toBe(15); // 14.5; the float product is 14.499999999999998
    expect(shareOf(0.1, 8_495)).toBe(850); // 849.5
    expect(shareOf(0.075, 999)).toBe(75); // 74.925
    expect(shareOf(0.5, 3)).toBe(2); // 1.5
    expect(shareOf(0.5, 1)).toBe(1); // 0.5
    expect(shareOf(0.333, 3)).toBe(1); // 0.999
    expect(shareOf(0.0000001, 5_000_000)).toBe(1); // 0.5
    expect(shareOf(1, 12_345)).toBe(12_345);
  });

  it("stay exact past 2^53 in the product", () => {
    // 10^13 (the largest amount taken) × 0.123456789 = 1,234,567,890,000.
    expect(shareOf(0.123456789, 10 ** 13)).toBe(1_234_567_890_000);
    expect(shareOf(0.333, 10 ** 13 - 1)).toBe(3_330_000_000_000); // 3,329,999,999,999.667
  });

  it("earn nothing on a zero rate or amount, and add the fixed amount per sale", () => {
    expect(shareOf(0, 10_000)).toBe(0);
    expect(shareOf(0.2, 0)).toBe(0);
    expect(saleCommission({ commissionRate: 0.1, commissionPerSale: 200 }, 8_495)).toBe(1_050);
    expect(saleCommission({ commissionRate: 0, commissionPerSale: 200 }, 8_495)).toBe(200);
  });
});
