import type { Metrics } from "../../src/metrics/formulas";
import type { MetricField } from "../../src/metrics/metric-fields";
import type { BreakdownRow } from "../../src/summaries/campaign-breakdown";
import { HandleLink } from "./handle-link";
import { fill } from "./i18n";
import { DataTable, type Ui } from "./layout";
import { PERIOD_DAYS, type PeriodDays } from "./report-view";

// The sections of a campaign's report, shared by the dashboard, the shared report and the portal.
// Each takes plain data, so where the figures come from is the page's business.

const STAGES: { title: "awareness" | "consideration" | "conversion"; fields: MetricField[] }[] = [
  { title: "awareness", fields: ["impressions", "reach", "followers_gained", "clicks", "ctr"] },
  { title: "consideration", fields: ["unique_clicks", "engagement_rate", "leads"] },
  {
    title: "conversion",
    // The rate is of orders by click over unique clicks: the split beside it says what it leaves out.
    fields: [
      "conversions",
      "code_conversions",
      "click_conversions",
      "conversion_rate",
      "revenue",
      "cpa",
      "roi",
      "roas",
      "emv",
    ],
  },
];

// idPrefix keeps heading ids unique when a page shows several campaigns (the portal).
export const KpiTiles = ({
  ui,
  totals,
  currency,
  idPrefix = "stage",
}: {
  ui: Ui;
  totals: Metrics;
  currency: string;
  idPrefix?: string;
}) => (
  <>
    {STAGES.map((stage) => (
      <section aria-labelledby={`${idPrefix}-${stage.title}`}>
        <h2 id={`${idPrefix}-${stage.title}`}>{ui.t[stage.title]}</h2>
        <dl class="tiles">
          {stage.fields.map((field) => (
            <div class="tile" data-metric={field}>
              <dt>{ui.t.metrics[field]}</dt>
              <dd>{ui.fmt.metric(field, totals[field], currency)}</dd>
            </div>
          ))}
        </dl>
      </section>
    ))}
  </>
);

export type DailyPoint = { date: string; clicks: number | null; conversions: number | null };

const W = 480;
const H = 220;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };

// Clicks and orders per day as two lines, with the same figures as a table for screen readers
// and for anyone who prefers numbers.
export const DailyChart = ({ ui, points, id = "daily" }: { ui: Ui; points: DailyPoint[]; id?: string }) => {
  const title = ui.t.clicksAndOrders;
  if (points.length === 0) {
    return (
      <section aria-labelledby={id}>
        <h2 id={id}>{title}</h2>
        <p class="muted">{ui.t.noDailyFigures}</p>
      </section>
    );
  }
  const max = Math.max(1, ...points.map((p) => Math.max(p.clicks ?? 0, p.conversions ?? 0)));
  const x = (i: number) =>
    PAD.left +
    (points.length === 1
      ? (W - PAD.left - PAD.right) / 2
      : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const line = (pick: (p: DailyPoint) => number) =>
    points.map((p, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(pick(p)).toFixed(1)}`).join("");
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  const desc = `${ui.t.metrics.clicks}: ${points.map((p) => p.clicks ?? 0).join(", ")}. ${ui.t.metrics.conversions}: ${points.map((p) => p.conversions ?? 0).join(", ")}.`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p class="row">
        <span class="k-clicks">━ {ui.t.metrics.clicks}</span>
        <span class="k-orders">━ {ui.t.metrics.conversions}</span>
      </p>
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        <line class="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line class="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text x={PAD.left - 6} y={PAD.top + 4} text-anchor="end">
          {ui.fmt.integer(max)}
        </text>
        <text x={PAD.left - 6} y={H - PAD.bottom} text-anchor="end">
          0
        </text>
        {points.map((p, i) =>
          i % labelEvery === 0 ? (
            <text x={x(i)} y={H - 8} text-anchor="middle">
              {ui.fmt.date(`${p.date}T00:00:00Z`)}
            </text>
          ) : null,
        )}
        <path class="s-clicks" d={line((p) => p.clicks ?? 0)} />
        <path class="s-orders" d={line((p) => p.conversions ?? 0)} />
        {/* A dot per day, so a single day (a line of one point) still shows. */}
        {points.map((p, i) => (
          <>
            <circle class="d-clicks" cx={x(i)} cy={y(p.clicks ?? 0)} r={3} />
            <circle class="d-orders" cx={x(i)} cy={y(p.conversions ?? 0)} r={3} />
          </>
        ))}
      </svg>
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
              <th scope="row">{ui.fmt.date(`${p.date}T00:00:00Z`)}</th>
              <td class="num">{ui.fmt.integer(p.clicks ?? 0)}</td>
              <td class="num">{ui.fmt.integer(p.conversions ?? 0)}</td>
            </tr>
          ))}
        </DataTable>
      </details>
    </section>
  );
};

const FUNNEL: MetricField[] = ["impressions", "clicks", "unique_clicks", "leads", "conversions"];

// Each stage as a bar as long as its share of the widest stage; the figure is written beside it,
// so the bars need no legend and the text is the alternative.
export const FunnelChart = ({ ui, totals }: { ui: Ui; totals: Metrics }) => {
  const stages = FUNNEL.map((field) => ({ field, value: totals[field] ?? 0 }));
  const max = Math.max(1, ...stages.map((s) => s.value));
  // Narrow enough that its 11-unit text stays readable when a phone scales it down.
  const rowH = 30;
  const labelW = 110;
  const barW = 200;
  // Room after the widest bar for its figure (e.g. "1,622,540" or "1 622 540").
  const figureW = 80;
  const height = stages.length * rowH;
  return (
    <section aria-labelledby="funnel">
      <h2 id="funnel">{ui.t.funnel}</h2>
      <svg
        class="chart"
        viewBox={`0 0 ${labelW + barW + figureW} ${height}`}
        role="img"
        aria-labelledby="funnel-title funnel-desc"
      >
        <title id="funnel-title">{ui.t.funnel}</title>
        <desc id="funnel-desc">
          {stages.map((s) => `${ui.t.metrics[s.field]}: ${ui.fmt.integer(s.value)}`).join("; ")}
        </desc>
        {stages.map((s, i) => (
          <g data-stage={s.field}>
            <text class="bar-label" x={labelW - 8} y={i * rowH + 19} text-anchor="end">
              {ui.t.metrics[s.field]}
            </text>
            <rect
              class="bar"
              x={labelW}
              y={i * rowH + 6}
              height={rowH - 12}
              width={Math.max(1, (s.value / max) * barW)}
              rx={3}
            />
            <text class="bar-label" x={labelW + Math.max(1, (s.value / max) * barW) + 6} y={i * rowH + 19}>
              {ui.fmt.integer(s.value)}
            </text>
          </g>
        ))}
      </svg>
    </section>
  );
};

export type LeaderboardRow = Metrics & { influencer_id: string; handle: string };
const LEADERBOARD_COLUMNS: MetricField[] = [
  "clicks",
  "unique_clicks",
  "conversions",
  "revenue",
  "cost",
  "cpa",
  "roi",
  "roas",
];

// Sorted by the server: each column heading is a link that asks for that order (no script).
export const Leaderboard = ({
  ui,
  rows,
  currency,
  sort,
}: {
  ui: Ui;
  rows: LeaderboardRow[];
  currency: string;
  sort: MetricField;
}) => {
  const sortHref = (field: MetricField) => {
    const url = new URL(ui.url);
    url.searchParams.set("sort", field);
    url.hash = "leaderboard";
    return `${url.pathname}${url.search}${url.hash}`;
  };
  return (
    <section aria-labelledby="leaderboard">
      <h2 id="leaderboard">{ui.t.leaderboard}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{ui.t.influencer}</th>
              {LEADERBOARD_COLUMNS.map((field) => (
                <th scope="col" class="num" aria-sort={field === sort ? "descending" : undefined}>
                  <a href={sortHref(field)} aria-label={`${ui.t.sortBy} ${ui.t.metrics[field]}`}>
                    {ui.t.metrics[field]}
                    {field === sort ? " ▼" : ""}
                  </a>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr data-influencer={row.influencer_id}>
                <th scope="row">
                  <HandleLink ui={ui} id={row.influencer_id} handle={row.handle} />
                </th>
                {LEADERBOARD_COLUMNS.map((field) => (
                  <td class="num">{ui.fmt.metric(field, row[field], currency)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
};

export type { BreakdownRow };

const UNKNOWN = "unknown";

// Countries by name in the reader's language (FR -> "France" / "France", DE -> "Germany" / "Allemagne").
// The row of sales no click explains says so, rather than passing for a country called unknown.
function breakdownLabel(ui: Ui, id: string, row: BreakdownRow): string {
  const { value } = row;
  if (row.reason === "no_click") return ui.t.noClick;
  if (!value || value === UNKNOWN) return ui.t.unknown;
  if (id === "by-country" && /^[A-Z]{2}$/.test(value)) {
    return new Intl.DisplayNames(ui.locale, { type: "region" }).of(value) ?? value;
  }
  return value;
}

export const Breakdown = ({
  ui,
  id,
  title,
  column,
  rows,
  currency,
}: {
  ui: Ui;
  id: string;
  title: string;
  column: string;
  rows: BreakdownRow[];
  currency: string;
}) => (
  <section aria-labelledby={id}>
    <h3 id={id}>{title}</h3>
    <DataTable
      columns={[
        { label: column },
        { label: ui.t.metrics.clicks, num: true },
        { label: ui.t.metrics.unique_clicks, num: true },
        { label: ui.t.metrics.conversions, num: true },
        { label: ui.t.metrics.revenue, num: true },
      ]}
    >
      {rows.map((row) => (
        <tr>
          <th scope="row">{breakdownLabel(ui, id, row)}</th>
          <td class="num">{ui.fmt.integer(row.clicks)}</td>
          <td class="num">{ui.fmt.integer(row.unique_clicks)}</td>
          <td class="num">{ui.fmt.integer(row.conversions)}</td>
          <td class="num">{ui.fmt.money(row.revenue, currency)}</td>
        </tr>
      ))}
    </DataTable>
  </section>
);

export type GoalRow = {
  metric: string;
  target: number;
  value: number | null;
  progress: number | null;
  due: string | null;
  on_track: boolean | null;
};

export const Goals = ({ ui, goals, currency }: { ui: Ui; goals: GoalRow[]; currency: string }) => (
  <section aria-labelledby="goals">
    <h2 id="goals">{ui.t.goals}</h2>
    {goals.length === 0 ? <p class="muted">{ui.t.noGoals}</p> : null}
    <ul>
      {goals.map((goal, i) => {
        const field = goal.metric as MetricField;
        const name = ui.t.metrics[field] ?? goal.metric;
        return (
          <li>
            <label for={`goal-${i}`}>
              {name}: {ui.fmt.metric(field, goal.value, currency)} /{" "}
              {ui.fmt.metric(field, goal.target, currency)}
              {goal.progress === null ? "" : ` (${ui.fmt.percent(goal.progress)})`}
              {goal.due ? ` · ${ui.t.due} ${ui.fmt.date(goal.due)}` : ""}
              {goal.on_track === null ? "" : " · "}
              {goal.on_track === null ? null : (
                <span class={goal.on_track ? "ok" : "bad"}>{goal.on_track ? ui.t.onTrack : ui.t.behind}</span>
              )}
            </label>
            <progress id={`goal-${i}`} max={1} value={Math.min(1, goal.progress ?? 0)}>
              {ui.fmt.percent(goal.progress ?? 0)}
            </progress>
          </li>
        );
      })}
    </ul>
  </section>
);

// All time or the last 7, 30, 90 days, as links that keep the rest of the address (the sort).
export const PeriodNav = ({ ui, days }: { ui: Ui; days: PeriodDays | null }) => {
  const href = (value: PeriodDays | null) => {
    const url = new URL(ui.url);
    if (value === null) url.searchParams.delete("days");
    else url.searchParams.set("days", String(value));
    return `${url.pathname}${url.search}`;
  };
  const options: [PeriodDays | null, string][] = [
    [null, ui.t.allTime],
    ...PERIOD_DAYS.map((n): [PeriodDays, string] => [n, fill(ui.t.lastDays, { n: String(n) })]),
  ];
  return (
    <nav class="row period" aria-label={ui.t.period}>
      {options.map(([value, label]) =>
        value === days ? <strong aria-current="page">{label}</strong> : <a href={href(value)}>{label}</a>,
      )}
    </nav>
  );
};

export const AsOf = ({ ui, asOf }: { ui: Ui; asOf: string | null }) => (
  <p class="muted" data-as-of={asOf ?? ""}>
    {asOf ? `${ui.t.asOf} ${ui.fmt.dateTime(asOf)}` : ui.t.neverRolledUp}
  </p>
);
