// The frame of a line chart, shared by the campaign's daily charts and the views over time: a
// gridline and its value at each y tick, the two axis lines, the labels along the time axis, and
// both axes named. Hidden from assistive technology, which reads the figures in the points' labels
// and in the table beside each chart.

export type Plot = {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
};
export type AxisTick = { at: number; label: string; value?: number };
export type TimeLabel = { at: number; label: string; anchor: "start" | "middle" | "end"; date?: string };

export const ChartAxes = ({
  plot,
  yTicks,
  xLabels,
  xTitle,
  yTitle,
}: {
  plot: Plot;
  // at: the y of a tick, the x of a time label, in the picture's coordinates.
  yTicks: AxisTick[];
  xLabels: TimeLabel[];
  xTitle: string;
  yTitle: string;
}) => {
  const { width, height, left, right, top, bottom } = plot;
  const baseline = height - bottom;
  return (
    // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a group of lines and text, nothing in it takes focus; the figures are in the points' labels and the table.
    <g class="axis-ticks" aria-hidden="true">
      {yTicks.map((tick) => (
        <>
          <line class="grid" x1={left} y1={tick.at} x2={width - right} y2={tick.at} />
          <text x={left - 6} y={tick.at + 4} text-anchor="end" data-tick={tick.value}>
            {tick.label}
          </text>
        </>
      ))}
      <line class="axis" x1={left} y1={top} x2={left} y2={baseline} />
      <line class="axis" x1={left} y1={baseline} x2={width - right} y2={baseline} />
      {xLabels.map((label) => (
        <text x={label.at} y={baseline + 16} text-anchor={label.anchor} data-x-label={label.date}>
          {label.label}
        </text>
      ))}
      <text class="axis-title" x={left + (width - left - right) / 2} y={height - 6} text-anchor="middle">
        {xTitle}
      </text>
      <text
        class="axis-title"
        x={-(top + (baseline - top) / 2)}
        y={12}
        transform="rotate(-90)"
        text-anchor="middle"
      >
        {yTitle}
      </text>
    </g>
  );
};
