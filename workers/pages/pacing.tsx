import { campaignDayNumber } from "../../src/campaigns/time-zones";
import type { Db } from "../../src/db";
import { campaignGlances } from "../../src/summaries/campaign-glance";
import { elapsedShare } from "../../src/summaries/campaign-summary";
import type { Clock } from "../../src/time";
import { fill } from "./i18n";
import type { Ui } from "./layout";

export type Pacing = {
  currency: string;
  budget: number | null;
  // All-time cost: fees and other costs whole, commission on the net revenue so far.
  spent: number;
  startsAt: number | null;
  endsAt: number | null;
  // The campaign's zone, whose days its dates are.
  timezone: string;
  // The share of the campaign's time that has passed (null without both dates).
  elapsed: number | null;
  now: number;
};

// Spend against budget, over the campaign's whole life whatever period the page shows: a budget is
// for the whole campaign (its goals are shown against time in the report's goals section).
export async function loadPacing(
  db: Db,
  campaign: {
    id: string;
    currency: string;
    budget: number | null;
    startsAt: number | null;
    endsAt: number | null;
    timezone: string;
  },
  clock: Clock,
): Promise<Pacing> {
  const glances = await campaignGlances(db.$client, [campaign]);
  const now = clock();
  const { startsAt, endsAt } = campaign;
  return {
    currency: campaign.currency,
    budget: campaign.budget,
    spent: glances.get(campaign.id)?.cost ?? 0,
    startsAt,
    endsAt,
    timezone: campaign.timezone,
    elapsed: elapsedShare(startsAt, endsAt, now),
    now,
  };
}

const BAR = { width: 400, height: 28, track: 18 };

// The spend as a bar on the budget's scale, with a mark where an even pace would be today.
const SpendBar = ({ ui, share, elapsed }: { ui: Ui; share: number; elapsed: number | null }) => {
  const x = (value: number) => Math.min(1, Math.max(0, value)) * BAR.width;
  const label = `${ui.t.views.spendBar}: ${ui.fmt.percent(share)}${elapsed === null ? "" : ` / ${ui.fmt.percent(elapsed)}`}`;
  return (
    <svg
      class="spend-bar"
      viewBox={`0 0 ${BAR.width} ${BAR.height}`}
      role="img"
      aria-label={label}
      data-spent-share={String(share)}
    >
      <title>{label}</title>
      <rect class="track" x={0} y={5} width={BAR.width} height={BAR.track} rx={4} />
      <rect class={share > 1 ? "fill over" : "fill"} x={0} y={5} width={x(share)} height={BAR.track} rx={4} />
      {elapsed === null ? null : (
        <line class="pace-mark" x1={x(elapsed)} y1={1} x2={x(elapsed)} y2={BAR.height - 1} />
      )}
    </svg>
  );
};

const TimeLine = ({ ui, pacing }: { ui: Ui; pacing: Pacing }) => {
  const { startsAt, endsAt, now, elapsed } = pacing;
  const date = (at: number) => ui.fmt.localDate(at, pacing.timezone);
  if (startsAt === null || endsAt === null || elapsed === null)
    return <p class="muted">{ui.t.views.noDates}</p>;
  const days = campaignDayNumber(startsAt, endsAt, pacing.timezone);
  let text: string;
  if (now < startsAt) text = fill(ui.t.views.notStarted, { date: date(startsAt) });
  else if (now > endsAt) text = fill(ui.t.views.ended, { date: date(endsAt) });
  else
    text = fill(ui.t.views.dayOf, {
      day: String(campaignDayNumber(startsAt, now, pacing.timezone)),
      days: String(days),
    });
  return (
    <div class="tile" data-pacing="time">
      <dt>{ui.t.views.timeElapsed}</dt>
      <dd>{ui.fmt.percent(elapsed)}</dd>
      <dd class="muted small">{text}</dd>
    </div>
  );
};

export const PacingSection = ({ ui, pacing }: { ui: Ui; pacing: Pacing }) => {
  const v = ui.t.views;
  const money = (minor: number) => ui.fmt.money(minor, pacing.currency);
  const { budget, spent } = pacing;
  const share = budget ? spent / budget : null;
  return (
    <section aria-labelledby="pacing" data-pacing-section>
      <h2 id="pacing">{v.pacing}</h2>
      <dl class="tiles">
        <div class="tile" data-pacing="budget">
          <dt>{v.budget}</dt>
          <dd>{budget === null ? "–" : money(budget)}</dd>
        </div>
        <div class="tile" data-pacing="spent">
          <dt>{v.spent}</dt>
          <dd>{money(spent)}</dd>
        </div>
        {budget === null ? null : (
          <div class="tile" data-pacing="remaining">
            <dt>{spent > budget ? v.overBudget : v.remaining}</dt>
            <dd class={spent > budget ? "bad" : undefined}>{money(Math.abs(budget - spent))}</dd>
          </div>
        )}
        <TimeLine ui={ui} pacing={pacing} />
      </dl>
      {share === null || budget === null ? (
        <p class="muted">{v.noBudget}</p>
      ) : (
        <>
          <p data-spent-of>
            {fill(v.spentOf, { spent: money(spent), budget: money(budget), share: ui.fmt.percent(share) })}
          </p>
          <SpendBar ui={ui} share={share} elapsed={pacing.elapsed} />
          {pacing.elapsed === null ? null : <p class="legend muted">{v.evenPace}</p>}
        </>
      )}
    </section>
  );
};
