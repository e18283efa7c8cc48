import type { CampaignGoal } from "../../schema";
import { goalKey } from "../../src/campaigns/goals";
import type { InfluencerBalance } from "../../src/commissions/entries";
import { METRIC_FIELDS } from "../../src/metrics/metric-fields";
import { SHARE_LINK_DEFAULT_DAYS, SHARE_LINK_MAX_DAYS } from "../../src/reports/share-links";
import type { CampaignLists } from "./campaign-lists";
import { CampaignManageBar, codeActions, EnrolmentList, linkActions } from "./campaign-manage";
import type { CampaignReport } from "./campaign-report";
import { CampaignPacing, CampaignPosts, type CampaignViews } from "./campaign-views";
import { NewInfluencerForm } from "./campaigns-page";
import { EarningsSection } from "./earnings";
import { enrolmentFields } from "./edit-pages";
import { InfluencerPicker, type PickerOption } from "./influencer-picker";
import {
  CopyButton,
  DataTable,
  Field,
  type FieldProps,
  Form,
  FormMessage,
  type FormState,
  Layout,
  Select,
  type Ui,
} from "./layout";
import { ListSearch, type ListView, Pager } from "./list-controls";
import { CodeList, LinkList } from "./owned-items";
import { ReportBody } from "./report-body";
import { AsOf, Empty } from "./report-sections";

// Goals are set here as the API sets them (PATCH /campaigns/:id with the whole list): added one at
// a time, each removable (its button is on the goal in the report above, so each goal shows once).
// The target is typed as the page shows that metric (see metricKind).
const GoalForm = ({ ui, base, state }: { ui: Ui; base: string; state: FormState | undefined }) => (
  <Form ui={ui} action={`${base}/goals`} label={ui.t.addGoal}>
    <h3>{ui.t.addGoal}</h3>
    <FormMessage ui={ui} state={state} form="goal" />
    <Select
      form="goal"
      state={state}
      name="metric"
      label={ui.t.metric}
      options={METRIC_FIELDS.map((field) => ({ value: field, label: ui.t.metrics[field] ?? field }))}
    />
    <Field form="goal" state={state} name="target" label={ui.t.goalTarget} required />
    <Field form="goal" state={state} name="due" label={ui.t.dueOptional} type="date" />
    <button type="submit">{ui.t.save}</button>
  </Form>
);

const RemoveGoal = ({ ui, base, goal }: { ui: Ui; base: string; goal: CampaignGoal | undefined }) =>
  goal ? (
    <Form ui={ui} action={`${base}/goals/remove`} class="inline">
      <input type="hidden" name="goal" value={goalKey(goal)} />
      <button type="submit" class="secondary">
        {ui.t.removeGoal}
      </button>
    </Form>
  ) : null;

// A form that gives one influencer something in this campaign (a link, a code, an enrolment): the
// influencer to choose first, then the form's own fields.
const InfluencerForm = ({
  ui,
  state,
  form,
  action,
  title,
  submit,
  campaignId,
  picker,
  fields,
}: {
  ui: Ui;
  state: FormState | undefined;
  form: string;
  action: string;
  title: string;
  submit: string;
  campaignId: string;
  picker: PickerOption[];
  fields: Omit<FieldProps, "form" | "state">[];
}) => (
  <Form ui={ui} action={action} label={title}>
    <h3>{title}</h3>
    <FormMessage ui={ui} state={state} form={form} />
    <InfluencerPicker ui={ui} form={form} state={state} campaignId={campaignId} options={picker} />
    {fields.map((field) => (
      <Field form={form} state={state} {...field} />
    ))}
    <button type="submit">{submit}</button>
  </Form>
);

// A list's search above it and its pages below, and whether it shows a search's results (then
// an empty list is "nothing matched", said by the pager, not "none yet").
const searchAndPages = (
  ui: Ui,
  view: ListView,
  label: string,
  anchor: string,
  page: { data: unknown[]; next_cursor: string | null },
) => ({
  filtered: Boolean(view.q || view.archived),
  controls: <ListSearch ui={ui} view={view} label={label} anchor={anchor} />,
  pager: (
    <Pager
      ui={ui}
      view={view}
      label={label}
      nextCursor={page.next_cursor}
      empty={page.data.length === 0}
      anchor={anchor}
    />
  ),
});

export type ShareLinkItem = {
  id: string;
  label: string | null;
  expires_at: string;
  revoked_at: string | null;
};

export const CampaignPage = ({
  ui,
  report,
  lists,
  picker,
  shareLinks,
  newShareUrl,
  state,
  now,
  views,
  earnings,
}: {
  ui: Ui;
  report: CampaignReport;
  views?: CampaignViews | undefined;
  lists: CampaignLists;
  picker: PickerOption[];
  shareLinks: ShareLinkItem[];
  newShareUrl?: string | undefined;
  state?: FormState | undefined;
  now: number;
  // Each influencer's earnings in this campaign (the commission ledger's balances).
  earnings?: InfluencerBalance[] | undefined;
}) => {
  const { campaign } = report;
  const base = `/dashboard/campaigns/${campaign.id}`;
  const forInfluencers = { ui, state, campaignId: campaign.id, picker };
  const { views: listViews } = lists;
  return (
    <Layout ui={ui} title={campaign.name} nav={<a href="/dashboard">{ui.t.campaigns}</a>}>
      <h1>{campaign.name}</h1>
      <CampaignManageBar ui={ui} campaign={campaign} />
      <p class="muted">
        {ui.t.timeZone}
        {ui.t.colon}
        {campaign.timezone}
      </p>
      <div class="row">
        <AsOf ui={ui} asOf={report.asOf} />
        <Form ui={ui} action="/dashboard/rollup" class="inline">
          <input type="hidden" name="back" value={base} />
          <button type="submit">{ui.t.refreshNow}</button>
        </Form>
        <a class="button secondary" href={`${base}/report.csv${ui.url.search}`} download>
          {ui.t.downloadCsv}
        </a>
      </div>
      <CampaignPacing ui={ui} views={views} />
      <ReportBody
        ui={ui}
        report={report}
        editing={{
          enrolHint: ui.t.enrolHint,
          goalHint: ui.t.goalHint,
          // The report's goals are the stored ones in the same order.
          goalAction: (i) => <RemoveGoal ui={ui} base={base} goal={campaign.goals[i]} />,
        }}
      />
      <GoalForm ui={ui} base={base} state={state} />
      <EnrolmentList
        ui={ui}
        campaignId={campaign.id}
        currency={campaign.currency}
        enrolments={lists.enrolments.data}
        view={listViews.enrolments}
        nextCursor={lists.enrolments.next_cursor}
      />
      {earnings ? <EarningsSection ui={ui} rows={earnings} /> : null}
      <LinkList
        ui={ui}
        links={lists.links.data}
        hint={ui.t.linkHint}
        actions={linkActions(ui)}
        {...searchAndPages(ui, listViews.links, ui.t.links, "links", lists.links)}
      />
      <CodeList
        ui={ui}
        codes={lists.codes.data}
        hint={ui.t.codeHint}
        actions={codeActions(ui)}
        {...searchAndPages(ui, listViews.codes, ui.t.codes, "codes", lists.codes)}
      />
      <CampaignPosts
        ui={ui}
        views={views}
        base={base}
        state={state}
        influencers={picker.map((option) => ({ value: option.id, label: option.value }))}
      />
      <h2>{ui.t.influencers}</h2>
      <div class="grid2">
        <InfluencerForm
          {...forInfluencers}
          form="link"
          action={`${base}/links`}
          title={ui.t.issueLink}
          submit={ui.t.create}
          fields={[
            { name: "url", label: ui.t.destination, type: "url", required: true, placeholder: "https://" },
            { name: "slug", label: ui.t.slugOptional },
            { name: "expires_at", label: ui.t.manage.expiresOn, type: "date" },
          ]}
        />
        <InfluencerForm
          {...forInfluencers}
          form="code"
          action={`${base}/codes`}
          title={ui.t.issueCode}
          submit={ui.t.create}
          fields={[
            { name: "code", label: ui.t.code, required: true },
            { name: "max_redemptions", label: ui.t.maxRedemptions, type: "number", min: "1" },
          ]}
        />
        <InfluencerForm
          {...forInfluencers}
          form="enrolment"
          action={`${base}/enrolments`}
          title={ui.t.enrol}
          submit={ui.t.save}
          fields={enrolmentFields(ui, campaign.currency)}
        />
        <NewInfluencerForm ui={ui} state={state} action={`${base}/influencers`} />
      </div>
      <section aria-labelledby="share">
        <h2 id="share">{ui.t.sharedLinks}</h2>
        {newShareUrl ? (
          <p class="notice" role="status">
            {ui.t.newShareLink}{" "}
            <a href={newShareUrl} data-share-url>
              {newShareUrl}
            </a>{" "}
            <CopyButton ui={ui} text={newShareUrl} />
          </p>
        ) : null}
        {shareLinks.length === 0 ? <Empty message={ui.t.noShareLinks} /> : null}
        {shareLinks.length > 0 ? (
          <DataTable columns={[{ label: ui.t.label }, { label: ui.t.expires }, { label: "" }]}>
            {shareLinks.map((link) => {
              const live = !link.revoked_at && Date.parse(link.expires_at) > now;
              return (
                <tr data-share-link={link.id}>
                  <th scope="row">{link.label ?? "–"}</th>
                  <td>{ui.fmt.dateTime(link.expires_at)}</td>
                  <td>
                    {live ? (
                      <Form ui={ui} action={`/dashboard/share-links/${link.id}/revoke`} class="inline">
                        <button type="submit" class="secondary">
                          {ui.t.revoke}
                        </button>
                      </Form>
                    ) : link.revoked_at ? (
                      ui.t.revoked
                    ) : (
                      ui.t.expired
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        ) : null}
        <Form ui={ui} action={`${base}/share-links`} label={ui.t.shareReport}>
          <h3>{ui.t.shareReport}</h3>
          <p class="muted">{ui.t.shareIntro}</p>
          <FormMessage ui={ui} state={state} form="share" />
          <Field form="share" state={state} name="label" label={ui.t.label} />
          <Field
            form="share"
            state={state}
            name="days"
            label={ui.t.validDays}
            type="number"
            min="1"
            max={String(SHARE_LINK_MAX_DAYS)}
            value={String(SHARE_LINK_DEFAULT_DAYS)}
          />
          <button type="submit">{ui.t.create}</button>
        </Form>
      </section>
    </Layout>
  );
};
