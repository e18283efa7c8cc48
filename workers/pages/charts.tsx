import type { Metrics } from "../../src/metrics/formulas";
import type { MetricField } from "../../src/metrics/metric-fields";
import { ChartAxes, type Plot } from "./chart-axes";
import { labelIndexes, logFraction, logTicks, niceTicks } from "./chart-scale";
import { fill } from "./i18n";
import { DataTable, type Ui } from "./layout";

// The pages' charts: inline SVG drawn on the server, no script. Each value is in a <title> (a
// tooltip on hover) and on a focusable point whose label shows on focus too (CSS only), and every
// chart sits beside its figures as text or a table, for screen readers and for anyone who prefers
// numbers. Reusable: each takes plain data and the page's Ui.

const shortDay = (ui: Ui) =>
  new Intl.DateTimeFormat(ui.locale, { day: "numeric", month: "short", timeZone: "UTC" });
const dayOf = (date: string) => new Date(`${date}T00:00:00Z`);

export type SeriesPoint = { date: string; value: number };

const W = 480;
const H = 190;
const PAD = { left: 52, right: 14, top: 14, bottom: 46 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;
const PLOT: Plot = { width: W, height: H, ...PAD };

// One series per day on its own scale: y ticks at round values with gridlines, both axes named,
// the first and last days always labelled and kept inside the picture.
export const LineChart = ({
  ui,
  id,
  title,
  axisLabel,
  series,
  points,
  format,
}: {
  ui: Ui;
  id: string;
  title: string;
  axisLabel: string;
  series: string;
  points: SeriesPoint[];
  format: (value: number) => string;
}) => {
  const ticks = niceTicks(Math.max(0, ...points.map((p) => p.value)));
  const top = ticks[ticks.length - 1] ?? 1;
  const x = (i: number) => PAD.left + (points.length === 1 ? PLOT_W / 2 : (i * PLOT_W) / (points.length - 1));
  const y = (v: number) => PAD.top + PLOT_H - (v / top) * PLOT_H;
  const day = shortDay(ui);
  const d = points
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join("");
  // A label near an edge grows inwards, so neither the first nor the last is cut off.
  const anchor = (i: number) =>
    points.length === 1
      ? "middle"
      : i / (points.length - 1) < 0.2
        ? "start"
        : i / (points.length - 1) > 0.8
          ? "end"
          : "middle";
  return (
    <figure class="chart-figure" data-chart={id}>
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} aria-labelledby={`${id}-title`}>
        <title id={`${id}-title`}>{title}</title>
        <ChartAxes
          plot={PLOT}
          yTicks={ticks.map((tick) => ({ at: y(tick), label: format(tick), value: tick }))}
          xLabels={labelIndexes(points.length).map((i) => {
            const date = (points[i] as SeriesPoint).date;
            return { at: x(i), label: day.format(dayOf(date)), anchor: anchor(i), date };
          })}
          xTitle={ui.t.chartDayAxis}
          yTitle={axisLabel}
        />
        <path class={`s-${series}`} d={d} />
        {points.map((p, i) => {
          const label = `${ui.fmt.date(dayOf(p.date))}, ${axisLabel}${ui.t.colon}${format(p.value)}`;
          return (
            // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: a data point, focusable so that a keyboard shows its value; to assistive technology it is an image with that value as its name.
            <g class="pt" tabindex="0" role="img" aria-label={label}>
              <title>{label}</title>
              <circle
                class="hit"
                cx={x(i)}
                cy={y(p.value)}
                r={Math.max(4, Math.min(10, PLOT_W / points.length / 2))}
              />
              <circle class={`d-${series}`} cx={x(i)} cy={y(p.value)} r={2.5} />
              <text class="tip" x={x(i)} y={Math.max(PAD.top + 10, y(p.value) - 8)} text-anchor={anchor(i)}>
                {`${day.format(dayOf(p.date))}${ui.t.colon}${format(p.value)}`}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
};

export type DailyPoint = { date: string; clicks: number | null; conversions: number | null };

// Clicks and orders per day as small multiples: one chart each on its own scale, since a day's
// orders are a hundredth of its clicks and would lie flat on the clicks' axis. The same figures
// follow as a table.
export const DailyCharts = ({ ui, points, id = "daily" }: { ui: Ui; points: DailyPoint[]; id?: string }) => {
  const title = ui.t.clicksAndOrders;
  if (points.length === 0) {
    return (
      <section aria-labelledby={id}>
        <h2 id={id}>{title}</h2>
        <p class="muted">{ui.t.noDailyFigures}</p>
      </section>
    );
  }
  const integer = (n: number) => ui.fmt.integer(n);
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {(["clicks", "orders"] as const).map((series) => {
        const field = series === "clicks" ? "clicks" : "conversions";
        return (
          <LineChart
            ui={ui}
            id={`${id}-${series}`}
            title={fill(ui.t.perDay, { what: ui.t.metrics[field] })}
            axisLabel={ui.t.metrics[field]}
            series={series}
            points={points.map((p) => ({ date: p.date, value: p[field] ?? 0 }))}
            format={integer}
          />
        );
      })}
      <details>
        <summary>{ui.t.chartAlt}</summary>
        <DataTable
          columns={[
            { label: ui.t.date },
            { label: ui.t.metrics.clicks, num: true },
            { label: ui.t.metrics.conversions, num: true },
          ]}
        >
          {points.map((p) => (
            <tr>
              <th scope="row">{ui.fmt.date(dayOf(p.date))}</th>
              <td class="num">{ui.fmt.integer(p.clicks ?? 0)}</td>
              <td class="num">{ui.fmt.integer(p.conversions ?? 0)}</td>
            </tr>
          ))}
        </DataTable>
      </details>
    </section>
  );
};

// The steps a click takes, each counted among the one before: clicks of impressions (the CTR),
// unique clicks of clicks, orders by click of unique clicks (the conversion rate). Orders by code
// and leads do not pass through these steps, so they are written under the funnel, not in it.
const FUNNEL: MetricField[] = ["impressions", "clicks", "unique_clicks", "click_conversions"];

const F = { labelW: 132, barW: 196, figureW: 84, axisH: 18, rowH: 26, rateH: 18 };

// Bars on a logarithmic scale (each gridline ten times the one before): 1.6 million impressions
// and 200 orders both get a bar one can see. The figure is written beside each bar and the rate
// from one step to the next between them, so nothing is read off the bar's length alone.
export const FunnelChart = ({ ui, totals }: { ui: Ui; totals: Metrics }) => {
  const steps = FUNNEL.map((field) => ({ field, value: totals[field] ?? 0 }));
  const ticks = logTicks(Math.max(...steps.map((s) => s.value)));
  const top = ticks[ticks.length - 1] ?? 10;
  const width = F.labelW + F.barW + F.figureW;
  const rowY = (i: number) => F.axisH + i * (F.rowH + F.rateH);
  const height = rowY(steps.length - 1) + F.rowH;
  const compact = new Intl.NumberFormat(ui.locale, { notation: "compact" });
  const barW = (value: number) => Math.max(value > 0 ? 2 : 0, logFraction(value, top) * F.barW);
  // "0.2 % of impressions": step i counted among step i - 1.
  const rate = (i: number) => {
    const from = steps[i - 1];
    const to = steps[i]?.value ?? 0;
    if (!from) return "";
    return fill(ui.t.rateOf, {
      rate: from.value > 0 ? ui.fmt.percent(to / from.value) : "–",
      of: ui.t.metrics[from.field].toLowerCase(),
    });
  };
  return (
    <section aria-labelledby="funnel">
      <h2 id="funnel">{ui.t.funnel}</h2>
      <svg class="chart funnel" viewBox={`0 0 ${width} ${height}`} aria-labelledby="funnel-title">
        <title id="funnel-title">{ui.t.funnel}</title>
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a group of lines and text, nothing in it takes focus; the figures are in the points' labels and the table. */}
        <g class="axis-ticks" aria-hidden="true">
          {ticks.map((tick) => {
            const tx = F.labelW + logFraction(tick, top) * F.barW;
            return (
              <>
                <line class="grid" x1={tx} y1={F.axisH - 4} x2={tx} y2={height} />
                {/* Past six decades every other one is named, so the names do not run together. */}
                {ticks.length <= 6 || Math.log10(tick) % 2 === 0 ? (
                  <text x={tx} y={F.axisH - 7} text-anchor="middle" data-tick={tick}>
                    {compact.format(tick)}
                  </text>
                ) : null}
              </>
            );
          })}
        </g>
        {steps.map((s, i) => (
          <g data-stage={s.field}>
            {i > 0 ? (
              <text class="rate" x={F.labelW + 4} y={rowY(i) - 5} data-rate={s.field}>
                {`↓ ${rate(i)}`}
              </text>
            ) : null}
            <text class="bar-label" x={F.labelW - 8} y={rowY(i) + 17} text-anchor="end">
              {ui.t.metrics[s.field]}
            </text>
            <rect class="bar" x={F.labelW} y={rowY(i) + 4} height={F.rowH - 8} width={barW(s.value)} rx={2}>
              <title>{`${ui.t.metrics[s.field]}${ui.t.colon}${ui.fmt.integer(s.value)}`}</title>
            </rect>
            <text class="bar-label" x={F.labelW + barW(s.value) + 6} y={rowY(i) + 17}>
              {ui.fmt.integer(s.value)}
            </text>
          </g>
        ))}
      </svg>
      <p class="muted small">{ui.t.logScale}</p>
      <ol class="sr-only">
        {steps.map((s, i) => (
          <li>
            {ui.t.metrics[s.field]}: {ui.fmt.integer(s.value)}
            {i > 0 ? ` (${rate(i)})` : ""}
          </li>
        ))}
      </ol>
      <p class="muted small" data-outside-funnel>
        {fill(ui.t.outsideFunnel, {
          codes: ui.fmt.integer(totals.code_conversions ?? 0),
          leads: ui.fmt.integer(totals.leads ?? 0),
        })}
      </p>
    </section>
  );
};
