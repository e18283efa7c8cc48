// The largest amount (minor units) and count the API takes: 10^13 is 100 billion euros in one
// order, or ten trillion views of one post. Far past any real figure, yet small enough that
// SQLite's integer SUM cannot overflow (2^63: 900,000 such orders in one rollup chunk of 5,000)
// and a total stays exact in JSON (2^53) up to 900 of them. With 2^53 as the cap, about a
// thousand absurd orders overflowed a chunk's SUM: that source's rollup failed on every run.
export const MAX_FIGURE = 10 ** 13;

// ISO-4217 currencies without minor units (amounts are whole units) and with three.
const ZERO_DECIMAL = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

export function minorUnitDigits(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

// "49.99" EUR -> 4999. Exact: the decimal string is never a float. null when it is not a price.
export function decimalToMinor(amount: string, currency: string): number | null {
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) return null;
  const digits = minorUnitDigits(currency);
  const [, whole, fraction = ""] = match as unknown as [string, string, string | undefined];
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.slice(0, digits).padEnd(digits, "0") || "0");
  // Past 2^53 a number no longer holds every integer ("999999999999999.99" would become
  // 100000000000000000); MAX_FIGURE keeps well inside it.
  return minor <= MAX_FIGURE ? minor : null;
}

// 3427 EUR -> "34.27", 1234 JPY -> "1234", -5 EUR -> "-0.05": an amount in minor units as a plain
// decimal in major units with the currency's digits, for files a spreadsheet reads as numbers. A
// fraction of a minor unit (an average) is first rounded to the nearest one, half up. Built from
// the integer's digits, never by dividing a float, so 0.1 + 0.2 cannot show.
export function minorToDecimal(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const whole = Math.round(minor);
  const text = String(Math.abs(whole)).padStart(digits + 1, "0");
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return whole < 0 ? `-${major}` : major;
}
