// The ledger's arithmetic: money in integer minor units, a share of it rounded to the minor unit,
// half up. Exact: the rate is taken as the decimal it was written as (0.145 is 145/1000, where
// the float 0.145 × 100 would give 14.499999999999998 and round down), and the product is a
// BigInt, since amount × digits may pass 2^53.

// A rate (0 to 1) as numerator / 10^scale, from its shortest decimal form ("1.45e-1").
function decimalRate(rate: number): { numerator: bigint; scale: number } {
  const [mantissa = "0", exponent = "0"] = rate.toExponential().split("e");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const scale = Math.max(0, fraction.length - Number(exponent));
  const digits = BigInt(whole + fraction) * 10n ** BigInt(Math.max(0, Number(exponent) - fraction.length));
  return { numerator: digits, scale };
}

// rate × amount, rounded to the minor unit, half up (a non-negative amount).
export function shareOf(rate: number, amount: number): number {
  if (rate <= 0 || amount <= 0) return 0;
  const { numerator, scale } = decimalRate(rate);
  const denominator = 10n ** BigInt(scale);
  return Number((BigInt(amount) * numerator * 2n + denominator) / (2n * denominator));
}

export type SaleTerms = { commissionRate: number; commissionPerSale: number };

// A sale earns its share of the amount plus the fixed amount per sale.
export const saleCommission = (terms: SaleTerms, amount: number) =>
  shareOf(terms.commissionRate, amount) + terms.commissionPerSale;
