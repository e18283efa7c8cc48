import { describe, expect, it } from "vitest";
import type { Metrics } from "../../src/metrics/formulas";
import { METRIC_FIELDS } from "../../src/metrics/metric-fields";
import { labelIndexes, logTicks, niceTicks } from "../../workers/pages/chart-scale";
import { DailyCharts, FunnelChart } from "../../workers/pages/charts";
import { formatter } from "../../workers/pages/format";
import { type Locale, MESSAGES } from "../../workers/pages/i18n";
import type { Ui } from "../../workers/pages/layout";
import { Breakdown } from "../../workers/pages/report-sections";

// The charts as a reader meets them, rendered to HTML: a scale per series with round ticks, a
// funnel where every step has a bar one can see and its rate to the next, every value on hover
// and focus. Figures are written out here, not taken from the chart code.

const ui = (locale: Locale = "en"): Ui => ({
  t: MESSAGES[locale],
  fmt: formatter(locale),
  locale,
  url: new URL("https://swayline.test/dashboard/campaigns/cmp_x"),
  csrf: "",
  session: null,
});
const html = async (node: unknown) => String(await (node as Promise<string> | string));

// 43 days like the demo: clicks up to 183 a day, orders up to 14.
const days = Array.from({ length: 43 }, (_, i) => {
  const date = new Date(Date.UTC(2026, 9, 25 + i)).toISOString().slice(0, 10);
  return { date, clicks: i === 40 ? 183 : 40 + (i % 7) * 10, conversions: i === 30 ? 14 : i % 5 };
});

const ticksOf = (chart: string) => [...chart.matchAll(/data-tick="([\d.]+)"/g)].map((m) => Number(m[1]));
const chartOf = (page: string, id: string) =>
  new RegExp(`<figure class="chart-figure" data-chart="${id}">([\\s\\S]*?)</figure>`).exec(page)?.[1] ?? "";

describe("axis arithmetic", () => {
  it("gives round ticks from zero to just above the largest value", () => {
    expect(niceTicks(183)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(14)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    // Counts never step by less than one; an empty series still has an axis.
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(0.3, 4, { integer: false })).toEqual([0, 0.1, 0.2, 0.3]);
    expect(logTicks(1_624_941)).toEqual([1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]);
  });

  it("labels the first and the last day, and none too close to the last", () => {
    const picked = labelIndexes(43);
    expect(picked[0]).toBe(0);
    expect(picked[picked.length - 1]).toBe(42);
    const gaps = picked.slice(1).map((v, i) => v - (picked[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.max(...gaps) / 2);
    expect(labelIndexes(3)).toEqual([0, 1, 2]);
  });
});

describe("clicks and orders per day", () => {
  it("gives orders a scale of their own, not the clicks' on which they lie flat", async () => {
    const page = await html(DailyCharts({ ui: ui(), points: days }));
    const clicks = chartOf(page, "daily-clicks");
    const orders = chartOf(page, "daily-orders");
    expect(ticksOf(clicks)).toEqual([0, 50, 100, 150, 200]);
    expect(ticksOf(orders)).toEqual([0, 5, 10, 15]);
    // Each axis is named.
    expect(clicks).toContain(">Clicks</text>");
    expect(orders).toContain(">Orders</text>");
    expect(orders).toContain("Day (in the campaign&#39;s time zone)");
  });

  it("keeps the last day's label inside the picture and shows every value on hover and focus", async () => {
    const page = await html(DailyCharts({ ui: ui(), points: days }));
    const clicks = chartOf(page, "daily-clicks");
    expect(clicks).toMatch(/text-anchor="end" data-x-label="2026-12-06">Dec 6</);
    expect(clicks).toMatch(/text-anchor="start" data-x-label="2026-10-25">Oct 25</);
    // A focusable point per day, named with its value, its label shown by CSS on hover and focus.
    const points = [
      ...clicks.matchAll(/<g class="pt" tabindex="0" role="img" aria-label="([^"]+)"><title>/g),
    ];
    expect(points).toHaveLength(43);
    expect(points[40]?.[1]).toBe("Dec 4, 2026, Clicks: 183");
    expect(clicks).toContain('<text class="tip"');
  });
});

describe("the funnel", () => {
  const totals = {
    ...Object.fromEntries(METRIC_FIELDS.map((f) => [f, 0])),
    impressions: 1_624_941,
    clicks: 3_181,
    unique_clicks: 2_828,
    click_conversions: 47,
    code_conversions: 168,
    leads: 71,
  } as Metrics;

  it("gives every step a bar one can see beside 1.6 million impressions", async () => {
    const funnel = await html(FunnelChart({ ui: ui(), totals }));
    const widths = [...funnel.matchAll(/<rect class="bar"[^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(4);
    const widest = Math.max(...widths);
    for (const width of widths) expect(width).toBeGreaterThan(widest / 4);
    expect(funnel).toContain("logarithmic scale");
  });

  it("says each step's rate to the next, and what does not pass through a click", async () => {
    const funnel = await html(FunnelChart({ ui: ui(), totals }));
    const rates = [...funnel.matchAll(/data-rate="\w+">↓ ([^<]+)</g)].map((m) => m[1]);
    expect(rates).toEqual(["0.2% of impressions", "88.9% of clicks", "1.7% of unique clicks"]);
    expect(funnel).toContain("orders by promo code (no click): 168; leads: 71");
    const french = await html(FunnelChart({ ui: ui("fr"), totals }));
    expect(french).toMatch(/↓ 88,9\s%\sdes clics</);
  });

  it("writes a small rate with its digits, never 0 %", async () => {
    const few = { ...totals, impressions: 50_000, clicks: 10, unique_clicks: 8, click_conversions: 0 };
    const funnel = await html(FunnelChart({ ui: ui(), totals: few }));
    const rates = [...funnel.matchAll(/data-rate="\w+">↓ ([^<]+)</g)].map((m) => m[1]);
    expect(rates).toEqual(["0.02% of impressions", "80% of clicks", "0% of unique clicks"]);
    const french = await html(FunnelChart({ ui: ui("fr"), totals: few }));
    expect(french).toMatch(/↓ 0,02\s%\sdes impressions</);
  });
});

describe("breakdowns", () => {
  const row = (value: string | null) => ({
    value,
    reason: null,
    clicks: 3,
    unique_clicks: 2,
    conversions: 1,
    revenue: 1000,
    sessions: 4,
    engaged_sessions: 1,
    bounce_rate: 0.75,
    pages_per_session: 1.5,
    avg_engaged_seconds: 12,
    returning_sessions: 0,
  });

  it("name device types in the page's language", async () => {
    const rows = ["desktop", "tablet", "mobile", "other"].map(row);
    const fr = await html(
      Breakdown({ ui: ui("fr"), by: "device", title: "x", column: "y", rows, currency: "EUR" }),
    );
    const names = [...fr.matchAll(/<th scope="row">([^<]+)</g)].map((m) => m[1]);
    expect(names).toEqual(["ordinateur", "tablette", "mobile", "autre"]);
  });

  it("show each value's sessions and bounce rate, in the page's language", async () => {
    const rows = [row("desktop"), { ...row("mobile"), sessions: 0, engaged_sessions: 0, bounce_rate: null }];
    for (const [lang, header] of [
      ["en", "Bounce rate"],
      ["fr", "Taux de rebond"],
    ] as const) {
      const page = await html(
        Breakdown({ ui: ui(lang), by: "device", title: "x", column: "y", rows, currency: "EUR" }),
      );
      const headers = [...page.matchAll(/<th scope="col"[^>]*>([^<]+)</g)].map((m) => m[1]);
      expect(headers.slice(3, 5)).toEqual(["Sessions", header]);
      const cells = [...page.matchAll(/<td class="num">([^<]+)</g)].map((m) => m[1]);
      // Per row: clicks, unique clicks, sessions, bounce rate, sales, revenue.
      expect([cells[2], cells[3]?.replace(/\s/g, " ")]).toEqual(["4", lang === "en" ? "75%" : "75 %"]);
      // No session: a dash, never 0 % or NaN.
      expect([cells[8], cells[9]]).toEqual(["0", "–"]);
    }
  });

  it("say there is nothing yet, and why, instead of showing bare headers", async () => {
    const empty = await html(
      Breakdown({ ui: ui(), by: "browser", title: "x", column: "y", rows: [], currency: "EUR" }),
    );
    expect(empty).not.toContain("<table");
    expect(empty).toContain("No clicks in this period yet");
  });
});
