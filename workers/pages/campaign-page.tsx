import type { CampaignGoal } from "../../schema";
import { goalKey } from "../../src/campaigns/goals";
import { METRIC_FIELDS } from "../../src/metrics/metric-fields";
import { SHARE_LINK_DEFAULT_DAYS, SHARE_LINK_MAX_DAYS } from "../../src/reports/share-links";
import type { CampaignReport } from "./campaign-report";
import { CampaignPacing, CampaignPosts, type CampaignViews } from "./campaign-views";
import { NewInfluencerForm } from "./campaigns-page";
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
  type SelectOption,
  type Ui,
} from "./layout";
import { type CodeItem, CodeList, type LinkItem, LinkList } from "./owned-items";
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
  influencers,
  fields,
}: {
  ui: Ui;
  state: FormState | undefined;
  form: string;
  action: string;
  title: string;
  submit: string;
  influencers: SelectOption[];
  fields: Omit<FieldProps, "form" | "state">[];
}) => (
  <Form ui={ui} action={action} label={title}>
    <h3>{title}</h3>
    <FormMessage ui={ui} state={state} form={form} />
    <Select form={form} state={state} name="influencer_id" label={ui.t.influencer} options={influencers} />
    {fields.map((field) => (
      <Field form={form} state={state} {...field} />
    ))}
    <button type="submit">{submit}</button>
  </Form>
);

export type ShareLinkItem = {
  id: string;
  label: string | null;
  expires_at: string;
  revoked_at: string | null;
};
type InfluencerOption = { id: string; handle: string; platform: string };

export const CampaignPage = ({
  ui,
  report,
  links,
  codes,
  influencers,
  shareLinks,
  newShareUrl,
  state,
  now,
  views,
}: {
  ui: Ui;
  report: CampaignReport;
  views?: CampaignViews | undefined;
  links: LinkItem[];
  codes: CodeItem[];
  influencers: InfluencerOption[];
  shareLinks: ShareLinkItem[];
  newShareUrl?: string | undefined;
  state?: FormState | undefined;
  now: number;
}) => {
  const { campaign } = report;
  const base = `/dashboard/campaigns/${campaign.id}`;
  const forInfluencers = {
    ui,
    state,
    influencers: influencers.map((i) => ({ value: i.id, label: `@${i.handle} (${i.platform})` })),
  };
  return (
    <Layout ui={ui} title={campaign.name} nav={<a href="/dashboard">{ui.t.campaigns}</a>}>
      <h1>{campaign.name}</h1>
      <p class="muted">
        {ui.t.timeZone}: {campaign.timezone}
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
      <LinkList ui={ui} links={links} hint={ui.t.linkHint} />
      <CodeList ui={ui} codes={codes} hint={ui.t.codeHint} />
      <CampaignPosts
        ui={ui}
        views={views}
        base={base}
        state={state}
        influencers={forInfluencers.influencers}
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
          fields={[
            {
              name: "fee",
              label: `${ui.t.fee} (${campaign.currency})`,
              placeholder: ui.fmt.typedAmount(50_000, campaign.currency),
            },
            {
              name: "commission_rate",
              label: ui.t.commissionRate,
              type: "number",
              min: "0",
              max: "100",
              step: "0.1",
            },
            {
              name: "other_costs",
              label: `${ui.t.otherCosts} (${campaign.currency})`,
              placeholder: ui.fmt.typedAmount(0, campaign.currency),
            },
          ]}
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
