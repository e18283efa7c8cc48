import { Hono } from "hono";
import { findCampaign } from "../../src/campaigns/campaigns";
import { listPromoCodes } from "../../src/codes/promo-codes";
import { balanceOf } from "../../src/commissions/entries";
import { DomainError } from "../../src/errors";
import { addFollowerSnapshot } from "../../src/influencers/influencers";
import { listLinks } from "../../src/links/links";
import { METRIC_COUNTERS, reportsAFigure } from "../../src/posts/metric-counters";
import { addMetrics, createPost, findPost } from "../../src/posts/posts";
import {
  type CheckedFile,
  type ImportProblem,
  importSnapshots,
  readSnapshotCsv,
  type SnapshotRow,
} from "../../src/posts/snapshot-import";
import { serializePromoCode } from "../schemas/codes";
import { followersBody } from "../schemas/influencers";
import { serializeLink } from "../schemas/links";
import { createPostBody, metricsBody } from "../schemas/posts";
import { handleForm, showCampaign, uiAt } from "./dashboard-routes";
import { EarningsSection } from "./earnings";
import type { FormReader } from "./form-input";
import { fill } from "./i18n";
import { InfluencerPage, loadInfluencerView } from "./influencer-page";
import type { FormState, Ui } from "./layout";
import { type PageContext, type PageEnv, render, requireSession } from "./page-context";

// The dashboard's posts, snapshot import and influencer pages (issue 18, points 3 and 4).

const LIST = { limit: 100 };

async function showInfluencer(c: PageContext, influencerId: string, state?: FormState) {
  const db = c.var.ctx.db;
  const filter = { campaignId: undefined, influencerId };
  const [view, links, codes, earnings] = await Promise.all([
    loadInfluencerView(db, influencerId),
    listLinks(db, LIST, filter),
    listPromoCodes(db, LIST, filter),
    balanceOf(db, influencerId, c.var.ctx.clock),
  ]);
  const ui = uiAt(c, `/dashboard/influencers/${influencerId}`);
  return render(
    c,
    <InfluencerPage
      ui={ui}
      view={view}
      links={links.data.map((row) => serializeLink(row, c.var.ctx.shortLinkBase))}
      codes={codes.data.map(serializePromoCode)}
      state={state}
      earnings={<EarningsSection ui={ui} rows={earnings} />}
    />,
    state ? 422 : 200,
  );
}

// <input type="datetime-local"> gives YYYY-MM-DDTHH:MM (maybe with seconds): read as UTC, as the
// pages write every time.
function utcDateTime(form: FormReader, name: string): string | undefined {
  const value = form.text(name);
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) {
    form.errors[name] = form.words.date;
    return undefined;
  }
  return `${value.length === 16 ? `${value}:00` : value}Z`;
}

// A counter as the API's schema takes it: a number when the text is one, else the text itself,
// so that the schema refuses it in its own words.
const counterValue = (text: string | undefined) =>
  text === undefined ? undefined : /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;

// An import's problems, worded per line in the page's language.
function wordProblems(ui: Ui, problems: ImportProblem[]): Record<string, string> {
  const w = ui.t.views.csv;
  // A problem in one field of a line: its column first.
  const inColumn = (p: ImportProblem, words: string) =>
    p.column ? `${p.column}${ui.t.colon}${words}` : words;
  const words: Record<ImportProblem["problem"], (p: ImportProblem) => string> = {
    empty: () => w.empty,
    too_many: (p) => fill(w.tooMany, { n: ui.fmt.integer(p.n ?? 0) }),
    unclosed_quote: () => w.unclosedQuote,
    unknown_column: (p) => fill(w.unknownColumn, { column: p.column ?? "" }),
    duplicate_column: (p) => fill(w.duplicateColumn, { column: p.column ?? "" }),
    no_post_column: () => w.noPostColumn,
    no_time_column: () => w.noTimeColumn,
    field_count: (p) => fill(w.fieldCount, { n: String(p.n ?? 0), expected: String(p.expected ?? 0) }),
    missing_post: () => w.missingPost,
    unknown_post: (p) => inColumn(p, w.unknownPost),
    ambiguous_post: (p) => inColumn(p, w.ambiguousPost),
    time: (p) => inColumn(p, w.time),
    number: (p) => inColumn(p, w.number),
    no_figures: () => w.noFigures,
    conflict: (p) => fill(w.conflict, { other: String(p.other ?? 0) }),
  };
  const errors: Record<string, string> = {};
  for (const problem of problems) {
    const key = `line-${problem.line}`;
    const message = words[problem.problem](problem);
    errors[key] = errors[key] ? `${errors[key]} ${message}` : message;
  }
  return errors;
}

// Each line's figures through the API's own snapshot schema; a line without a time is refused
// (a file's snapshot needs one, or sending it again would add it again). Every line goes on, its
// figures or not, so that its post is checked too: the file's problems are all listed at once.
function checkLines(read: ReturnType<typeof readSnapshotCsv>): CheckedFile {
  const rows: SnapshotRow[] = [];
  const problems = [...read.problems];
  for (const { line, values } of read.lines) {
    const parsed = metricsBody.safeParse({
      captured_at: values.captured_at,
      ...Object.fromEntries(METRIC_COUNTERS.map((name) => [name, counterValue(values[name])])),
    });
    // A line reporting no figure is the import's to refuse (importSnapshots), with the post's
    // problems.
    const columns = new Set(parsed.error?.issues.map((issue) => String(issue.path[0] ?? "")));
    if (values.captured_at === undefined) columns.add("captured_at");
    for (const column of columns) {
      problems.push({ line, problem: column === "captured_at" ? "time" : "number", column });
    }
    let figures: SnapshotRow["figures"] = null;
    if (parsed.success && columns.size === 0) {
      const { captured_at, ...counters } = parsed.data;
      figures = { capturedAt: captured_at as Date, counters };
    }
    rows.push({ line, postUrl: values.post_url, postId: values.post_id, figures });
  }
  return { rows, problems };
}

export const viewsRoutes = new Hono<PageEnv>()
  // Also run by dashboardRoutes' own: repeated here so that these routes do not depend on the
  // order the pages app mounts its routers in.
  .use("/dashboard/*", requireSession("admin"))
  .get("/dashboard/influencers/:id", (c) => showInfluencer(c, c.req.param("id")))
  .post("/dashboard/influencers/:id/followers", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "followers",
      async (form) => {
        const body = form.parse(followersBody, {
          count: form.number("count"),
          captured_at: utcDateTime(form, "captured_at"),
        });
        if (!body) return null;
        await addFollowerSnapshot(
          c.var.ctx.db,
          id,
          { count: body.count, capturedAt: body.captured_at },
          c.var.ctx.clock,
        );
        return c.redirect(`/dashboard/influencers/${id}#followers`, 303);
      },
      (state) => showInfluencer(c, id, state),
    );
  })
  .post("/dashboard/campaigns/:id/posts", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "post",
      async (form) => {
        const body = form.parse(createPostBody, {
          campaign_id: id,
          influencer_id: form.text("influencer_id"),
          url: form.text("url"),
          platform: form.text("platform"),
          published_at: form.date("published_at"),
        });
        if (!body) return null;
        await createPost(
          c.var.ctx.db,
          {
            campaignId: id,
            influencerId: body.influencer_id,
            url: body.url,
            platform: body.platform,
            publishedAt: body.published_at,
          },
          c.var.ctx.clock,
        );
        return c.redirect(`/dashboard/campaigns/${id}#posts`, 303);
      },
      (state) => showCampaign(c, id, { state }),
    );
  })
  .post("/dashboard/campaigns/:id/post-metrics", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "snapshot",
      async (form) => {
        const db = c.var.ctx.db;
        const body = form.parse(metricsBody, {
          captured_at: utcDateTime(form, "captured_at"),
          ...Object.fromEntries(METRIC_COUNTERS.map((name) => [name, form.number(name)])),
        });
        // The form, unlike the API, wants a figure: every field left blank is a slip. The page
        // marks the figures' fields.
        if (body && !reportsAFigure(body)) {
          for (const name of METRIC_COUNTERS) form.errors[name] = form.words.oneFigure;
        }
        const postId = form.text("post_id") ?? "";
        // Only a post of this campaign: the form offers no other.
        const post = postId
          ? await findPost(db, postId).catch((error: unknown) => {
              if (error instanceof DomainError && error.code === "post_not_found") return null;
              throw error;
            })
          : null;
        if (post?.post.campaignId !== id) form.errors.post_id = form.words.choose;
        if (!body || !reportsAFigure(body) || !post || post.post.campaignId !== id) return null;
        const { captured_at, ...counters } = body;
        await addMetrics(db, postId, { ...counters, capturedAt: captured_at }, c.var.ctx.clock);
        return c.redirect(`/dashboard/campaigns/${id}#posts`, 303);
      },
      (state) => showCampaign(c, id, { state }),
    );
  })
  .post("/dashboard/campaigns/:id/post-metrics/import", async (c) => {
    const id = c.req.param("id");
    const { db, clock } = c.var.ctx;
    await findCampaign(db, id);
    const ui = c.get("ui");
    const refuse = (problems: ImportProblem[]) =>
      showCampaign(c, id, { state: { form: "import", values: {}, errors: wordProblems(ui, problems) } });
    const file = (await c.req.parseBody()).file;
    if (!(file instanceof File) || file.size === 0) {
      return showCampaign(c, id, {
        state: { form: "import", values: {}, errors: { "line-0": ui.t.views.csv.noFile } },
      });
    }
    const result = await importSnapshots(db, id, checkLines(readSnapshotCsv(await file.text())), clock);
    if (result.outcome === "refused") return refuse(result.problems);
    return c.redirect(`/dashboard/campaigns/${id}?imported=${result.added}-${result.unchanged}#posts`, 303);
  });
