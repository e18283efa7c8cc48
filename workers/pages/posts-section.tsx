import { PLATFORMS } from "../../schema";
import { MAX_IMPORT_ROWS } from "../../src/posts/snapshot-import";
import type { PostFigures } from "../../src/summaries/post-figures";
import { HandleLink } from "./handle-link";
import { fill } from "./i18n";
import {
  DataTable,
  Field,
  Form,
  FormMessage,
  type FormState,
  Select,
  type SelectOption,
  type Ui,
} from "./layout";

// The counters a table shows: the reach of a post and what people did with it.
const SHOWN = ["impressions", "reach", "views", "likes", "comments", "shares", "saves"] as const;

const Figure = ({ ui, level, growth }: { ui: Ui; level: number | null; growth: number | null }) =>
  level === null ? (
    <>–</>
  ) : (
    <>
      {ui.fmt.integer(level)}
      {growth === null ? null : (
        <span class="growth" data-growth>
          {growth >= 0 ? "+" : "−"}
          {ui.fmt.integer(Math.abs(growth))}
        </span>
      )}
    </>
  );

// Posts with each figure's level up to the period's end and its growth within it. `by` says
// which of campaign and influencer the table names (the page itself is the other one).
export const PostsTable = ({
  ui,
  posts,
  by,
  growth,
}: {
  ui: Ui;
  posts: PostFigures[];
  by: "influencer" | "campaign";
  // Whether the period has a start: over all time a post's growth is its level.
  growth: boolean;
}) => {
  const v = ui.t.views;
  if (posts.length === 0) return <p class="muted">{v.noPosts}</p>;
  return (
    <DataTable
      caption={growth ? v.postsCaption : v.postsCaptionAllTime}
      columns={[
        { label: v.post },
        { label: by === "influencer" ? ui.t.influencer : v.campaign },
        { label: v.latestSnapshot },
        ...SHOWN.map((field) => ({ label: v.counters[field], num: true })),
      ]}
    >
      {posts.map((post) => (
        <tr data-post={post.id}>
          <th scope="row">
            <a href={post.url} rel="noopener noreferrer" class="mono post-url">
              {post.url}
            </a>
            <span class="muted small">
              {" "}
              {post.platform}
              {post.published_at === null ? "" : ` · ${ui.fmt.date(post.published_at)}`}
            </span>
          </th>
          <td>
            {by === "influencer" ? (
              <HandleLink ui={ui} id={post.influencer_id} handle={post.handle} />
            ) : (
              <a href={`/dashboard/campaigns/${post.campaign_id}`}>{post.campaign_name}</a>
            )}
          </td>
          <td>
            {post.captured_at === null ? (
              v.none
            ) : (
              <time
                datetime={new Date(post.captured_at).toISOString()}
                title={ui.fmt.dateTime(post.captured_at)}
              >
                {ui.fmt.date(post.captured_at)}
              </time>
            )}
          </td>
          {SHOWN.map((field) => (
            <td class="num" data-counter={field}>
              <Figure ui={ui} level={post.level[field]} growth={growth ? post.growth[field] : null} />
            </td>
          ))}
        </tr>
      ))}
    </DataTable>
  );
};

// What came of an import: how many snapshots were new, or the lines to correct (on the form's
// state, one entry per line: `line-<n>`).
export type ImportOutcome = { added: number; unchanged: number };

const ImportErrors = ({ ui, state }: { ui: Ui; state: FormState | undefined }) => {
  if (state?.form !== "import") return null;
  const lines = Object.entries(state.errors)
    .map(([key, message]) => ({ line: Number(key.replace("line-", "")), message }))
    .sort((a, b) => a.line - b.line);
  return (
    <div class="alert" role="alert" data-import-errors>
      <p>{state.message ?? ui.t.views.importRefused}</p>
      <ul class="import-errors">
        {lines.map(({ line, message }) => (
          <li data-line={String(line)}>
            {line > 0 ? `${fill(ui.t.views.line, { n: String(line) })}: ` : ""}
            {message}
          </li>
        ))}
      </ul>
    </div>
  );
};

// The campaign page's post forms: a post, a snapshot of its figures, a CSV file of snapshots.
export const PostForms = ({
  ui,
  base,
  state,
  influencers,
  posts,
  imported,
}: {
  ui: Ui;
  base: string;
  state: FormState | undefined;
  influencers: SelectOption[];
  posts: PostFigures[];
  imported: ImportOutcome | null;
}) => {
  const v = ui.t.views;
  return (
    <div class="grid2">
      <Form ui={ui} action={`${base}/posts`} label={v.addPost}>
        <h3>{v.addPost}</h3>
        <FormMessage ui={ui} state={state} form="post" />
        <Select
          form="post"
          state={state}
          name="influencer_id"
          label={ui.t.influencer}
          options={influencers}
        />
        <Field
          form="post"
          state={state}
          name="url"
          label={v.postUrl}
          type="url"
          required
          placeholder="https://"
        />
        <Select
          form="post"
          state={state}
          name="platform"
          label={v.platformOptional}
          options={[{ value: "", label: "–" }, ...PLATFORMS]}
        />
        <Field form="post" state={state} name="published_at" label={v.publishedOptional} type="date" />
        <button type="submit">{ui.t.create}</button>
      </Form>
      {posts.length === 0 ? null : (
        <Form ui={ui} action={`${base}/post-metrics`} label={v.addSnapshot}>
          <h3>{v.addSnapshot}</h3>
          <FormMessage ui={ui} state={state} form="snapshot" />
          <Select
            form="snapshot"
            state={state}
            name="post_id"
            label={v.post}
            options={posts.map((p) => ({ value: p.id, label: `@${p.handle} · ${p.url}` }))}
          />
          <Field
            form="snapshot"
            state={state}
            name="captured_at"
            label={v.capturedAtOptional}
            type="datetime-local"
          />
          {SHOWN.map((field) => (
            <Field
              form="snapshot"
              state={state}
              name={field}
              label={v.counters[field]}
              type="number"
              min="0"
            />
          ))}
          <button type="submit">{ui.t.save}</button>
        </Form>
      )}
      <Form ui={ui} action={`${base}/post-metrics/import`} label={v.importCsv} enctype="multipart/form-data">
        <h3>{v.importCsv}</h3>
        {imported ? (
          <p class="notice" role="status" data-imported>
            {fill(v.imported, { added: String(imported.added), unchanged: String(imported.unchanged) })}
          </p>
        ) : null}
        <ImportErrors ui={ui} state={state} />
        <p class="muted">{v.importIntro}</p>
        <ul class="muted small">
          <li>
            <code>post_url</code>: {v.importColumns.post_url}
          </li>
          <li>
            <code>captured_at</code>: {v.importColumns.captured_at}
          </li>
          <li>{v.importColumns.counters}</li>
        </ul>
        <p class="muted small">{fill(v.importRules, { rows: ui.fmt.integer(MAX_IMPORT_ROWS) })}</p>
        <label for="import-file">
          <span>{v.csvFile}</span>
          <input id="import-file" name="file" type="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit">{v.importButton}</button>
      </Form>
    </div>
  );
};
