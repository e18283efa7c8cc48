import { ChartAxes, type Plot } from "./chart-axes";
import { fill } from "./i18n";
import { DataTable, type Ui } from "./layout";

// A line over time drawn on the server as SVG (no chart library, no script): labelled axes with
// round ticks, the time axis by date (points need not be evenly spaced), and each point's value
// on hover or keyboard focus (its <title>, and a label the stylesheet shows). The same figures
// follow as a table for screen readers and for anyone who prefers numbers.

export type TimePoint = { at: number; value: number };

const W = 560;
const H = 250;
const PAD = { left: 70, right: 28, top: 22, bottom: 48 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;
const PLOT: Plot = { width: W, height: H, ...PAD };

// Ticks at 1, 2 or 5 × a power of ten covering [min, max], about `count` of them.
export function roundTicks(min: number, max: number, count = 4): number[] {
  if (min === max) {
    const pad = Math.max(1, Math.abs(min) * 0.1);
    return roundTicks(Math.max(0, min - pad), max + pad, count);
  }
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let k = Math.floor(min / step); k <= Math.ceil(max / step); k++) {
    ticks.push(Number((k * step).toPrecision(12)));
  }
  return ticks;
}

export const LineChart = ({
  ui,
  id,
  title,
  points,
  xLabel,
  yLabel,
}: {
  ui: Ui;
  id: string;
  title: string;
  points: TimePoint[];
  xLabel: string;
  yLabel: string;
}) => {
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const values = sorted.map((p) => p.value);
  const ticks = roundTicks(Math.min(...values), Math.max(...values));
  const [lo, hi] = [ticks[0] ?? 0, ticks.at(-1) ?? 1];
  const first = sorted[0]?.at ?? 0;
  const last = sorted.at(-1)?.at ?? 0;
  const x = (at: number) =>
    PAD.left + (last === first ? PLOT_W / 2 : ((at - first) / (last - first)) * PLOT_W);
  const y = (v: number) => PAD.top + PLOT_H - ((v - lo) / (hi - lo || 1)) * PLOT_H;
  const compact = new Intl.NumberFormat(ui.locale, { notation: "compact", maximumFractionDigits: 1 });
  // Up to five dates along the time axis; the first and last anchored inside the chart, so no
  // label is cut at its edge.
  const dateTicks =
    last === first ? [first] : [0, 0.25, 0.5, 0.75, 1].map((share) => first + share * (last - first));
  const anchor = (at: number) =>
    last === first ? "middle" : at === first ? "start" : at === last ? "end" : "middle";
  const line = sorted
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join("");
  const said = (p: TimePoint) =>
    fill(ui.t.views.chartPoint, { date: ui.fmt.date(p.at), value: ui.fmt.integer(p.value) });
  return (
    <figure class="chart-figure">
      <svg class="line-chart" viewBox={`0 0 ${W} ${H}`} aria-labelledby={`${id}-title`}>
        <title id={`${id}-title`}>{title}</title>
        <ChartAxes
          plot={PLOT}
          yTicks={ticks.map((tick) => ({ at: y(tick), label: compact.format(tick), value: tick }))}
          xLabels={dateTicks.map((at) => ({ at: x(at), label: ui.fmt.date(at), anchor: anchor(at) }))}
          xTitle={xLabel}
          yTitle={yLabel}
        />
        <path class="series" d={line} />
        {sorted.map((p) => {
          const px = x(p.at);
          const labelAnchor = px < PAD.left + 40 ? "start" : px > W - PAD.right - 40 ? "end" : "middle";
          return (
            <g class="pt" tabindex="0" aria-label={said(p)} data-point={String(p.value)}>
              <title>{said(p)}</title>
              <circle class="hit" cx={px} cy={y(p.value)} r={9} />
              <circle class="dot" cx={px} cy={y(p.value)} r={3.5} />
              <text class="value" x={px} y={y(p.value) - 10} text-anchor={labelAnchor}>
                {ui.fmt.integer(p.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{ui.t.chartAlt}</summary>
        <DataTable caption={title} columns={[{ label: xLabel }, { label: yLabel, num: true }]}>
          {sorted.map((p) => (
            <tr>
              <th scope="row">{ui.fmt.dateTime(p.at)}</th>
              <td class="num">{ui.fmt.integer(p.value)}</td>
            </tr>
          ))}
        </DataTable>
      </details>
    </figure>
  );
};
