import type { Child } from "hono/jsx";
import type { Db } from "../../src/db";
import { followerHistory } from "../../src/influencers/follower-history";
import { findInfluencer } from "../../src/influencers/influencers";
import type { Metrics } from "../../src/metrics/formulas";
import type { MetricField } from "../../src/metrics/metric-fields";
import { enrolmentFigures, lastRollupAt, metricsOf, totalsOf } from "../../src/summaries/figures";
import { type PostFigures, postFigures } from "../../src/summaries/post-figures";
import { fill } from "./i18n";
import { CopyButton, DataTable, Field, Form, FormMessage, type FormState, Layout, type Ui } from "./layout";
import { LineChart } from "./line-chart";
import { redemptionsOf } from "./owned-items";
import { PostsTable } from "./posts-section";
import { AsOf } from "./report-sections";

export type InfluencerLink = { id: string; short_url: string; destination_url: string; campaign_id: string };
export type InfluencerCode = {
  id: string;
  code: string;
  campaign_id: string;
  redemptions: number;
  max_redemptions: number | null;
};

type CampaignRow = {
  campaign_id: string;
  name: string;
  currency: string;
  fee: number;
  other_costs: number;
  commission_rate: number;
  metrics: Metrics;
};

export type InfluencerView = {
  influencer: { id: string; handle: string; platform: string; name: string | null };
  asOf: string | null;
  campaigns: CampaignRow[];
  // Money never adds across currencies: one total per currency of the influencer's campaigns.
  totals: { currency: string; metrics: Metrics }[];
  posts: PostFigures[];
  followers: { at: number; count: number }[];
};

// One influencer across every campaign they are in, over all time, from the same loaders as the
// summaries (src/summaries/figures.ts).
export async function loadInfluencerView(db: Db, influencerId: string): Promise<InfluencerView> {
  const influencer = await findInfluencer(db, influencerId);
  const [enrolled, asOf, posts, followers] = await Promise.all([
    enrolmentFigures(db, { influencerId }, {}),
    lastRollupAt(db.$client),
    postFigures(db.$client, { influencerId }, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    followerHistory(db.$client, influencer),
  ]);
  const currencies = [...new Set(enrolled.map((row) => row.campaign.currency))].sort();
  return {
    influencer: {
      id: influencer.id,
      handle: influencer.handle,
      platform: influencer.platform,
      name: influencer.name,
    },
    asOf,
    campaigns: enrolled.map((row) => ({
      campaign_id: row.campaign.id,
      name: row.campaign.name,
      currency: row.campaign.currency,
      fee: row.enrolment.fee,
      other_costs: row.enrolment.otherCosts,
      commission_rate: row.enrolment.commissionRate,
      metrics: metricsOf(row),
    })),
    totals: currencies.map((currency) => {
      const rows = enrolled.filter((row) => row.campaign.currency === currency);
      return {
        currency,
        metrics: totalsOf(
          rows,
          rows.map((row) => row.campaign),
        ).totals,
      };
    }),
    posts,
    followers: followers.map((p) => ({ at: p.at, count: p.count })),
  };
}

const FIGURES: MetricField[] = [
  "clicks",
  "unique_clicks",
  "conversions",
  "revenue",
  "net_revenue",
  "cost",
  "roi",
  "impressions",
  "engagements",
];

const campaignLink = (id: string, name: string) => <a href={`/dashboard/campaigns/${id}`}>{name}</a>;

export const InfluencerPage = ({
  ui,
  view,
  links,
  codes,
  state,
  earnings,
}: {
  ui: Ui;
  view: InfluencerView;
  links: InfluencerLink[];
  codes: InfluencerCode[];
  state?: FormState | undefined;
  // The influencer's earnings (the commission ledger's balance): shown after the costs.
  earnings?: Child;
}) => {
  const v = ui.t.views;
  const { influencer } = view;
  const title = fill(v.influencerTitle, { handle: influencer.handle, platform: influencer.platform });
  const names = new Map(view.campaigns.map((c) => [c.campaign_id, c.name]));
  const campaignOf = (id: string) => campaignLink(id, names.get(id) ?? id);
  const base = `/dashboard/influencers/${influencer.id}`;
  return (
    <Layout ui={ui} title={title} nav={<a href="/dashboard">{ui.t.campaigns}</a>}>
      <h1 data-influencer-page={influencer.id}>{title}</h1>
      {influencer.name ? <p class="muted">{influencer.name}</p> : null}
      <AsOf ui={ui} asOf={view.asOf} />

      <section aria-labelledby="across">
        <h2 id="across">{v.acrossCampaigns}</h2>
        {view.campaigns.length === 0 ? (
          <p class="muted">{v.notEnrolled}</p>
        ) : (
          <DataTable
            caption={v.perCampaignCaption}
            columns={[
              { label: v.campaign },
              { label: ui.t.currency },
              ...FIGURES.map((field) => ({ label: ui.t.metrics[field], num: true })),
            ]}
          >
            {view.campaigns.map((row) => (
              <tr data-campaign-row={row.campaign_id}>
                <th scope="row">{campaignLink(row.campaign_id, row.name)}</th>
                <td>{row.currency}</td>
                {FIGURES.map((field) => (
                  <td class="num" data-metric={field}>
                    {ui.fmt.metric(field, row.metrics[field], row.currency)}
                  </td>
                ))}
              </tr>
            ))}
            {view.totals.map((total) => (
              <tr class="total" data-total={total.currency}>
                <th scope="row">{fill(v.totalIn, { currency: total.currency })}</th>
                <td>{total.currency}</td>
                {FIGURES.map((field) => (
                  <td class="num" data-metric={field}>
                    {ui.fmt.metric(field, total.metrics[field], total.currency)}
                  </td>
                ))}
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="costs">
        <h2 id="costs">{v.costs}</h2>
        {view.campaigns.length === 0 ? null : (
          <DataTable
            caption={v.costsCaption}
            columns={[
              { label: v.campaign },
              { label: ui.t.fee, num: true },
              { label: ui.t.otherCosts, num: true },
              { label: v.commission, num: true },
              { label: v.costToDate, num: true },
            ]}
          >
            {view.campaigns.map((row) => (
              <tr data-cost-row={row.campaign_id}>
                <th scope="row">{campaignLink(row.campaign_id, row.name)}</th>
                <td class="num">{ui.fmt.money(row.fee, row.currency)}</td>
                <td class="num">{ui.fmt.money(row.other_costs, row.currency)}</td>
                <td class="num">{ui.fmt.percent(row.commission_rate)}</td>
                <td class="num" data-cost>
                  {ui.fmt.metric("cost", row.metrics.cost, row.currency)}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      {earnings ?? null}

      <section aria-labelledby="followers">
        <h2 id="followers">{v.followersChart}</h2>
        {view.followers.length === 0 ? (
          <p class="muted">{v.noFollowerHistory}</p>
        ) : (
          <LineChart
            ui={ui}
            id="followers-chart"
            title={v.followersChart}
            points={view.followers.map((p) => ({ at: p.at, value: p.count }))}
            xLabel={v.date}
            yLabel={v.followerCount}
          />
        )}
        <Form ui={ui} action={`${base}/followers`} label={v.recordFollowers}>
          <h3>{v.recordFollowers}</h3>
          <FormMessage ui={ui} state={state} form="followers" />
          <Field
            form="followers"
            state={state}
            name="count"
            label={v.followerCount}
            type="number"
            min="0"
            required
          />
          <Field
            form="followers"
            state={state}
            name="captured_at"
            label={v.capturedAtOptional}
            type="datetime-local"
          />
          <button type="submit">{ui.t.save}</button>
        </Form>
      </section>

      <section aria-labelledby="influencer-posts">
        <h2 id="influencer-posts">{v.posts}</h2>
        <PostsTable ui={ui} posts={view.posts} by="campaign" growth={false} />
      </section>

      <section aria-labelledby="links">
        <h2 id="links">{ui.t.links}</h2>
        {links.length === 0 ? (
          <p class="muted">{ui.t.noLinks}</p>
        ) : (
          <DataTable columns={[{ label: ui.t.links }, { label: v.campaign }, { label: ui.t.destination }]}>
            {links.map((link) => (
              <tr data-link={link.id}>
                <th scope="row">
                  <a href={link.short_url} class="mono">
                    {link.short_url}
                  </a>{" "}
                  <CopyButton ui={ui} text={link.short_url} label={`${ui.t.copy} ${link.short_url}`} />
                </th>
                <td>{campaignOf(link.campaign_id)}</td>
                <td class="muted">{link.destination_url}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="codes">
        <h2 id="codes">{ui.t.codes}</h2>
        {codes.length === 0 ? (
          <p class="muted">{ui.t.noCodes}</p>
        ) : (
          <DataTable
            columns={[{ label: ui.t.code }, { label: v.campaign }, { label: ui.t.redemptions, num: true }]}
          >
            {codes.map((code) => (
              <tr data-code={code.id}>
                <th scope="row">
                  <span class="mono">{code.code}</span>
                </th>
                <td>{campaignOf(code.campaign_id)}</td>
                <td class="num">{redemptionsOf(ui, code)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </Layout>
  );
};
