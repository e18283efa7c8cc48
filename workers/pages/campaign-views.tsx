import type { Db } from "../../src/db";
import { periodEnd, periodStart } from "../../src/summaries/periods";
import { type PostFigures, postFigures } from "../../src/summaries/post-figures";
import type { Clock } from "../../src/time";
import type { CampaignReport } from "./campaign-report";
import type { FormState, SelectOption, Ui } from "./layout";
import { loadPacing, type Pacing, PacingSection } from "./pacing";
import { type ImportOutcome, PostForms, PostsTable } from "./posts-section";
import { viewPeriod } from "./report-view";

// What the campaign page shows beside its report: budget and pacing (all time), and the posts
// with their figures over the page's period.
export type CampaignViews = {
  pacing: Pacing;
  posts: PostFigures[];
  periodHasStart: boolean;
  imported: ImportOutcome | null;
};

// ?imported=<added>-<unchanged>: where an import sends the page back, to say what it did.
function importedFrom(value: string | undefined): ImportOutcome | null {
  const match = /^(\d{1,6})-(\d{1,6})$/.exec(value ?? "");
  return match ? { added: Number(match[1]), unchanged: Number(match[2]) } : null;
}

export async function loadCampaignViews(
  db: Db,
  report: CampaignReport,
  clock: Clock,
  query: (name: string) => string | undefined,
): Promise<CampaignViews> {
  const { id, timezone } = report.campaign;
  const period = viewPeriod(report.view, clock(), timezone);
  const { starts_at, ends_at } = report.campaign;
  const dates = {
    startsAt: starts_at === null ? null : Date.parse(starts_at),
    endsAt: ends_at === null ? null : Date.parse(ends_at),
  };
  const [pacing, posts] = await Promise.all([
    loadPacing(db, { ...report.campaign, ...dates }, clock),
    postFigures(db.$client, { campaignId: id }, periodStart(period, timezone), periodEnd(period, timezone)),
  ]);
  return {
    pacing,
    posts,
    periodHasStart: period.from !== undefined,
    imported: importedFrom(query("imported")),
  };
}

export const CampaignPacing = ({ ui, views }: { ui: Ui; views: CampaignViews | undefined }) =>
  views ? <PacingSection ui={ui} pacing={views.pacing} /> : null;

export const CampaignPosts = ({
  ui,
  views,
  base,
  state,
  influencers,
}: {
  ui: Ui;
  views: CampaignViews | undefined;
  base: string;
  state: FormState | undefined;
  influencers: SelectOption[];
}) =>
  views ? (
    <section aria-labelledby="posts">
      <h2 id="posts">{ui.t.views.posts}</h2>
      <PostsTable ui={ui} posts={views.posts} by="influencer" growth={views.periodHasStart} />
      <PostForms
        ui={ui}
        base={base}
        state={state}
        influencers={influencers}
        posts={views.posts}
        imported={views.imported}
      />
    </section>
  ) : null;
