import { localDay } from "../../src/campaigns/time-zones";
import { type MetricField, metricUnit } from "../../src/metrics/metric-fields";
import { minorUnitDigits } from "../../src/money";
import type { Locale } from "./i18n";

const PERCENT: ReadonlySet<MetricField> = new Set([
  "engagement_rate",
  "follower_growth_rate",
  "ctr",
  "conversion_rate",
  "roi",
  "bounce_rate",
]);
// Plain numbers that are averages, shown with their decimals (2.5 pages, not 3); seconds are
// read as whole ones past ten (62 s, not 62.36 s).
const AVERAGES: ReadonlySet<MetricField> = new Set(["pages_per_session", "avg_engaged_seconds"]);

// How a metric's value is written: money in the campaign's currency (minor units stored), a
// percentage (a fraction stored), a multiple (ROAS), or a plain number. The goal form reads a
// target typed the way this shows it.
export type MetricKind = "money" | "percent" | "multiple" | "number";
export function metricKind(field: MetricField): MetricKind {
  if (metricUnit(field) === "amount") return "money";
  if (PERCENT.has(field)) return "percent";
  return field === "roas" ? "multiple" : "number";
}

// Numbers, money and dates as the reader's language writes them, through Intl. Money is stored in
// minor units: divided by 10^(the currency's digits) only here, for display.
export function formatter(locale: Locale) {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  // A percentage with one decimal (12.5 %), and below 1 % with two significant digits (0.02 %,
  // 0.15 %): a share that is not zero is never written 0 %.
  const wholePercent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const smallPercent = new Intl.NumberFormat(locale, { style: "percent", maximumSignificantDigits: 2 });
  const percent = (n: number) => (n !== 0 && Math.abs(n) < 0.01 ? smallPercent : wholePercent).format(n);
  const multiple = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "UTC",
  });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  const money = (minor: number, currency: string) => {
    let format = moneyFormats.get(currency);
    if (!format) {
      format = new Intl.NumberFormat(locale, { style: "currency", currency });
      moneyFormats.set(currency, format);
    }
    return format.format(minor / 10 ** minorUnitDigits(currency));
  };
  // An amount as a form takes it back (FormReader.money): the language's decimal mark, no
  // grouping, the currency's digits (two when it is not known yet). For placeholders and examples.
  const typedAmount = (minor: number, currency?: string) => {
    const digits = currency ? minorUnitDigits(currency) : 2;
    return new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      useGrouping: false,
    }).format(minor / 10 ** digits);
  };
  return {
    locale,
    integer: (n: number) => integer.format(n),
    typedAmount,
    percent,
    money,
    // null is a ratio without a denominator: shown as a dash, never 0 or NaN.
    metric(field: MetricField, value: number | null, currency: string): string {
      if (value === null) return "–";
      const kind = metricKind(field);
      if (kind === "money") return money(value, currency);
      if (kind === "percent") return percent(value);
      if (kind === "multiple") return `${multiple.format(value)}×`;
      if (field === "avg_engaged_seconds" && Math.abs(value) >= 10) return integer.format(value);
      return AVERAGES.has(field) ? multiple.format(value) : integer.format(value);
    },
    date: (value: Date | string | number) => date.format(new Date(value)),
    // The local day of an instant in a campaign's zone (its dates, a goal's due date), as a date.
    localDate: (ms: number, zone: string) => date.format(new Date(`${localDay(ms, zone)}T00:00:00Z`)),
    dateTime: (value: Date | string | number) => `${dateTime.format(new Date(value))} UTC`,
  };
}

export type Formatter = ReturnType<typeof formatter>;
