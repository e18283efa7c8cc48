import type { Child } from "hono/jsx";
import type { Metrics } from "../../src/metrics/formulas";
import { BEHAVIOUR_FIELDS, type MetricField } from "../../src/metrics/metric-fields";
import type { BreakdownDimension, BreakdownRow } from "../../src/summaries/campaign-breakdown";
import { elapsedShare } from "../../src/summaries/campaign-summary";
import { HandleLink } from "./handle-link";
import { fill } from "./i18n";
import { DataTable, type Ui } from "./layout";
import { PERIOD_DAYS, type PeriodDays, type ReportView } from "./report-view";

// The sections of a campaign's report, shared by the dashboard, the shared report and the portal.
// Each takes plain data, so where the figures come from is the page's business.

const STAGES: {
  title: "awareness" | "consideration" | "behaviour" | "conversion";
  fields: MetricField[];
}[] = [
  {
    title: "awareness",
    fields: ["impressions", "reach", "followers_gained", "follower_growth_rate", "clicks", "ctr"],
  },
  { title: "consideration", fields: ["unique_clicks", "engagement_rate", "leads"] },
  // What visitors did on the shop after the click, as its script reports it.
  { title: "behaviour", fields: [...BEHAVIOUR_FIELDS] },
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

export type { DailyPoint } from "./charts";

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
  // What the influencer's audience was worth beside what it cost: one of the rebooking figures.
  "emv",
];

// Sorted by the server: each column heading is a link that asks for that order (no script).
export const Leaderboard = ({
  ui,
  rows,
  currency,
  sort,
  hint,
}: {
  ui: Ui;
  rows: LeaderboardRow[];
  currency: string;
  sort: MetricField;
  hint?: string | undefined;
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
      {rows.length === 0 ? (
        <Empty message={ui.t.noLeaderboard} hint={hint} />
      ) : (
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
      )}
    </section>
  );
};

export type { BreakdownRow };

const UNKNOWN = "unknown";

// Countries by name in the reader's language (FR -> "France" / "France", DE -> "Germany" / "Allemagne"),
// device types in its words; a referrer that is unknown is a visit that sent none. The row of
// sales no click explains says so, rather than passing for a country called unknown.
function breakdownLabel(ui: Ui, by: BreakdownDimension, row: BreakdownRow): string {
  const { value } = row;
  if (row.reason === "no_click") return ui.t.noClick;
  if (!value || value === UNKNOWN) return by === "referer" ? ui.t.noReferrer : ui.t.unknown;
  if (by === "country" && /^[A-Z]{2}$/.test(value)) {
    return new Intl.DisplayNames(ui.locale, { type: "region" }).of(value) ?? value;
  }
  if (by === "device") return ui.t.devices[value] ?? value;
  return value;
}

// A section with nothing in it yet says so, and what would fill it, instead of bare headers.
export const Empty = ({ message, hint }: { message: string; hint?: string | undefined }) => (
  <p class="muted empty" data-empty>
    {message}
    {hint ? ` ${hint}` : ""}
  </p>
);

// idPrefix keeps heading ids unique when a page shows several campaigns (the portal).
export const Breakdown = ({
  ui,
  by,
  title,
  column,
  rows,
  currency,
  idPrefix = "",
}: {
  ui: Ui;
  by: BreakdownDimension;
  title: string;
  column: string;
  rows: BreakdownRow[];
  currency: string;
  idPrefix?: string;
}) => (
  <section aria-labelledby={`${idPrefix}by-${by}`}>
    <h3 id={`${idPrefix}by-${by}`}>{title}</h3>
    {rows.length === 0 ? (
      <Empty message={ui.t.noBreakdownRows} />
    ) : (
      <DataTable
        columns={[
          { label: column },
          { label: ui.t.metrics.clicks, num: true },
          { label: ui.t.metrics.unique_clicks, num: true },
          { label: ui.t.metrics.sessions, num: true },
          { label: ui.t.metrics.bounce_rate, num: true },
          { label: ui.t.metrics.conversions, num: true },
          { label: ui.t.metrics.revenue, num: true },
        ]}
      >
        {rows.map((row) => (
          <tr>
            <th scope="row">{breakdownLabel(ui, by, row)}</th>
            <td class="num">{ui.fmt.integer(row.clicks)}</td>
            <td class="num">{ui.fmt.integer(row.unique_clicks)}</td>
            <td class="num">{ui.fmt.integer(row.sessions)}</td>
            <td class="num">{ui.fmt.metric("bounce_rate", row.bounce_rate, currency)}</td>
            <td class="num">{ui.fmt.integer(row.conversions)}</td>
            <td class="num">{ui.fmt.money(row.revenue, currency)}</td>
          </tr>
        ))}
      </DataTable>
    )}
  </section>
);

// Every dimension the rollup breaks clicks, sessions and sales down by, one table each.
export const Breakdowns = ({
  ui,
  rows,
  currency,
  idPrefix,
}: {
  ui: Ui;
  rows: Record<BreakdownDimension, BreakdownRow[]>;
  currency: string;
  idPrefix?: string;
}) => {
  const dimensions: [BreakdownDimension, string, string][] = [
    ["country", ui.t.byCountry, ui.t.country],
    ["device", ui.t.byDevice, ui.t.device],
    ["browser", ui.t.byBrowser, ui.t.browser],
    ["os", ui.t.byOs, ui.t.os],
    ["referer", ui.t.byReferrer, ui.t.referrer],
  ];
  return (
    <div class="grid2 breakdowns">
      {dimensions.map(([by, title, column]) => (
        <Breakdown
          ui={ui}
          by={by}
          title={title}
          column={column}
          rows={rows[by]}
          currency={currency}
          idPrefix={idPrefix}
        />
      ))}
    </div>
  );
};

export type GoalRow = {
  metric: string;
  target: number;
  value: number | null;
  progress: number | null;
  due: string | null;
  on_track: boolean | null;
};

export type GoalStatus = "met" | "missed" | "on_track" | "behind" | null;

// Met once the value reaches the target; missed once its due date has passed short of it; before
// then, on track or behind as the API says.
export function goalStatus(goal: GoalRow, now: number): GoalStatus {
  if (goal.progress !== null && goal.progress >= 1) return "met";
  if (goal.due && Date.parse(goal.due) < now) return "missed";
  if (goal.on_track === null) return null;
  return goal.on_track ? "on_track" : "behind";
}

// Each goal once, with its progress and status; on the dashboard `action` adds its remove button.
// Each goal over the whole campaign, with the progress an even pace from the campaign's start to
// the goal's due date would give by now (the time it is judged against).
export const Goals = ({
  ui,
  goals,
  currency,
  now,
  startsAt,
  timezone,
  hint,
  action,
}: {
  ui: Ui;
  goals: GoalRow[];
  currency: string;
  now: number;
  startsAt: string | null;
  // The campaign's zone: a due date is shown as its day there.
  timezone: string;
  hint?: string | undefined;
  action?: ((index: number) => Child) | undefined;
}) => (
  <section aria-labelledby="goals">
    <h2 id="goals">{ui.t.goals}</h2>
    {goals.length === 0 ? <Empty message={ui.t.noGoals} hint={hint} /> : null}
    <ul class="goals">
      {goals.map((goal, i) => {
        const field = goal.metric as MetricField;
        const name = ui.t.metrics[field] ?? goal.metric;
        const status = goalStatus(goal, now);
        const expected = elapsedShare(
          startsAt === null ? null : Date.parse(startsAt),
          goal.due ? Date.parse(goal.due) : null,
          now,
        );
        const words = {
          met: ui.t.goalMet,
          missed: ui.t.goalMissed,
          on_track: ui.t.onTrack,
          behind: ui.t.behind,
        };
        return (
          <li data-goal={goal.metric} data-goal-status={status ?? ""}>
            <label for={`goal-${i}`}>
              {name}: {ui.fmt.metric(field, goal.value, currency)} /{" "}
              {ui.fmt.metric(field, goal.target, currency)}
              {goal.progress === null ? "" : ` (${ui.fmt.percent(goal.progress)})`}
              {goal.due ? ` · ${ui.t.due} ${ui.fmt.localDate(Date.parse(goal.due), timezone)}` : ""}
              {status === null ? "" : " · "}
              {status === null ? null : (
                <span class={status === "met" || status === "on_track" ? "ok" : "bad"}>{words[status]}</span>
              )}
              {expected === null || status === "met" || status === "missed" ? null : (
                <span class="muted" data-expected={expected}>
                  {" "}
                  ({ui.t.views.expectedByToday} {ui.fmt.percent(expected)})
                </span>
              )}
            </label>
            <progress id={`goal-${i}`} max={1} value={Math.min(1, goal.progress ?? 0)}>
              {ui.fmt.percent(goal.progress ?? 0)}
            </progress>
            {action ? action(i) : null}
          </li>
        );
      })}
    </ul>
  </section>
);

// All time or the last 7, 30, 90 days, as links that keep the rest of the address (the sort), and
// a form for any range of days (GET, so the address says what is shown and can be shared).
export const PeriodNav = ({ ui, view }: { ui: Ui; view: ReportView }) => {
  const current = new URL(ui.url);
  const href = (value: PeriodDays | null) => {
    const url = new URL(ui.url);
    for (const name of ["days", "from", "to"]) url.searchParams.delete(name);
    if (value !== null) url.searchParams.set("days", String(value));
    return `${url.pathname}${url.search}`;
  };
  const options: [PeriodDays | null, string][] = [
    [null, ui.t.allTime],
    ...PERIOD_DAYS.map((n): [PeriodDays, string] => [n, fill(ui.t.lastDays, { n: String(n) })]),
  ];
  const kept = [...current.searchParams].filter(([name]) => !["days", "from", "to"].includes(name));
  return (
    <nav class="row period" aria-label={ui.t.period}>
      {options.map(([value, label]) =>
        !view.range && value === view.days ? (
          <strong aria-current="page">{label}</strong>
        ) : (
          <a href={href(value)}>{label}</a>
        ),
      )}
      <form method="get" action={current.pathname} class="row period-range">
        {kept.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <label>
          {ui.t.periodFrom} <input type="date" name="from" value={view.range?.from ?? ""} />
        </label>
        <label>
          {ui.t.periodTo} <input type="date" name="to" value={view.range?.to ?? ""} />
        </label>
        <button type="submit" aria-current={view.range ? "page" : undefined}>
          {ui.t.showPeriod}
        </button>
      </form>
    </nav>
  );
};

export const AsOf = ({ ui, asOf }: { ui: Ui; asOf: string | null }) => (
  <p class="muted" data-as-of={asOf ?? ""}>
    {asOf ? `${ui.t.asOf} ${ui.fmt.dateTime(asOf)}` : ui.t.neverRolledUp}
  </p>
);
