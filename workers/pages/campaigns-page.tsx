import { PLATFORMS } from "../../schema";
import type { CampaignGlance } from "../../src/summaries/campaign-glance";
import { DataTable, Field, Form, FormMessage, type FormState, Layout, Select, type Ui } from "./layout";
import { ArchiveButton, here, ListSearch, type ListView, Pager } from "./list-controls";
import { Empty } from "./report-sections";

const OBJECTIVES = ["sales", "leads", "awareness"] as const;
type CampaignListItem = {
  id: string;
  name: string;
  objective: (typeof OBJECTIVES)[number];
  currency: string;
  created_at: string;
  archived_at: string | null;
};

// Each campaign's key figures over all time (src/summaries/campaign-glance.ts).
const GLANCE_COLUMNS = (ui: Ui) => [
  { label: ui.t.metrics.clicks, num: true },
  { label: ui.t.metrics.conversions, num: true },
  { label: ui.t.metrics.revenue, num: true },
  { label: ui.t.metrics.cost, num: true },
  { label: ui.t.metrics.roi, num: true },
  { label: ui.t.views.spendBudget, num: true },
];

const GlanceCells = ({
  ui,
  glance,
  currency,
}: {
  ui: Ui;
  glance: CampaignGlance | undefined;
  currency: string;
}) =>
  glance ? (
    <>
      <td class="num" data-glance="clicks">
        {ui.fmt.integer(glance.clicks)}
      </td>
      <td class="num" data-glance="conversions">
        {ui.fmt.integer(glance.conversions)}
      </td>
      <td class="num" data-glance="revenue">
        {ui.fmt.money(glance.revenue, currency)}
      </td>
      <td class="num" data-glance="cost">
        {ui.fmt.money(glance.cost, currency)}
      </td>
      <td class="num" data-glance="roi">
        {ui.fmt.metric("roi", glance.roi, currency)}
      </td>
      <td class="num" data-glance="spent">
        {glance.spent_share === null ? "–" : ui.fmt.percent(glance.spent_share)}
      </td>
    </>
  ) : null;

export const NewInfluencerForm = ({
  ui,
  state,
  action,
}: {
  ui: Ui;
  state?: FormState | undefined;
  action: string;
}) => (
  <Form ui={ui} action={action} label={ui.t.newInfluencer}>
    <h3>{ui.t.newInfluencer}</h3>
    <FormMessage ui={ui} state={state} form="influencer" />
    <Field form="influencer" state={state} name="handle" label={ui.t.handle} required />
    <Select form="influencer" state={state} name="platform" label={ui.t.platform} options={PLATFORMS} />
    <Field form="influencer" state={state} name="name" label={ui.t.name} />
    <Field form="influencer" state={state} name="followers" label={ui.t.followers} type="number" min="0" />
    <button type="submit">{ui.t.create}</button>
  </Form>
);

export const CampaignsPage = ({
  ui,
  campaigns,
  glances = new Map(),
  view,
  nextCursor,
  state,
}: {
  ui: Ui;
  campaigns: CampaignListItem[];
  glances?: Map<string, CampaignGlance>;
  view: ListView;
  nextCursor: string | null;
  state?: FormState | undefined;
}) => (
  <Layout
    ui={ui}
    title={ui.t.campaigns}
    nav={
      <>
        <a href="/dashboard/influencers">{ui.t.influencers}</a>
        <a href="/dashboard/payouts">{ui.t.earnings.payouts}</a>
      </>
    }
  >
    <h1>{ui.t.campaigns}</h1>
    <ListSearch ui={ui} view={view} label={ui.t.campaigns} />
    {campaigns.length === 0 && !view.q && !view.archived ? (
      <Empty message={ui.t.noCampaigns} hint={ui.t.campaignHint} />
    ) : null}
    {campaigns.length > 0 ? (
      <DataTable
        columns={[
          { label: ui.t.name },
          { label: ui.t.objective },
          { label: ui.t.currency },
          { label: ui.t.created },
          ...GLANCE_COLUMNS(ui),
          ...(view.archived ? [{ label: ui.t.manage.status }] : []),
        ]}
        caption={ui.t.views.keyFigures}
      >
        {campaigns.map((campaign) => (
          <tr>
            <th scope="row">
              <a href={`/dashboard/campaigns/${campaign.id}`}>{campaign.name}</a>
            </th>
            <td>{ui.t.objectives[campaign.objective]}</td>
            <td>{campaign.currency}</td>
            <td>{ui.fmt.date(campaign.created_at)}</td>
            <GlanceCells ui={ui} glance={glances.get(campaign.id)} currency={campaign.currency} />
            {view.archived ? (
              <td>
                <ArchiveButton
                  ui={ui}
                  action={`/dashboard/campaigns/${campaign.id}/archive`}
                  archived={campaign.archived_at !== null}
                  back={here(ui)}
                  label={campaign.name}
                />
              </td>
            ) : null}
          </tr>
        ))}
      </DataTable>
    ) : null}
    <Pager
      ui={ui}
      view={view}
      label={ui.t.campaigns}
      nextCursor={nextCursor}
      empty={campaigns.length === 0}
    />
    <div class="grid2">
      <Form ui={ui} action="/dashboard/campaigns" label={ui.t.newCampaign}>
        <h2>{ui.t.newCampaign}</h2>
        <FormMessage ui={ui} state={state} form="campaign" />
        <Field form="campaign" state={state} name="name" label={ui.t.name} required />
        <Select
          form="campaign"
          state={state}
          name="objective"
          label={ui.t.objective}
          options={OBJECTIVES.map((value) => ({ value, label: ui.t.objectives[value] }))}
        />
        <Field form="campaign" state={state} name="currency" label={ui.t.currency} value="EUR" required />
        <Field form="campaign" state={state} name="timezone" label={ui.t.timeZone} value="UTC" required />
        <Field
          form="campaign"
          state={state}
          name="budget"
          label={ui.t.budget}
          type="text"
          placeholder={ui.fmt.typedAmount(500_000)}
        />
        <Field form="campaign" state={state} name="starts_at" label={ui.t.startsAt} type="date" />
        <Field form="campaign" state={state} name="ends_at" label={ui.t.endsAt} type="date" />
        <Field
          form="campaign"
          state={state}
          name="emv_cpm"
          label={ui.t.emvCpm}
          type="text"
          placeholder={ui.fmt.typedAmount(1_000)}
        />
        <button type="submit">{ui.t.create}</button>
      </Form>
      <NewInfluencerForm ui={ui} state={state} action="/dashboard/influencers" />
    </div>
  </Layout>
);
