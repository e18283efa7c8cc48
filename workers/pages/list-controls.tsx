import type { FC } from "hono/jsx";
import type { ListFilter } from "../../src/list-filters";
import { MAX_SEARCH_LENGTH } from "../../src/list-filters";
import { fill } from "./i18n";
import { Form, type Ui } from "./layout";

// How a dashboard list is viewed, from the page's address: its search, current or archived rows,
// and the page (a cursor, like the API's). Several lists on one page keep apart by a prefix
// (links_q, codes_cursor…), so paging one leaves the others where they are.
export type ListView = {
  prefix: string;
  q: string | undefined;
  archived: boolean;
  cursor: string | undefined;
};

export function listView(query: (name: string) => string | undefined, prefix = ""): ListView {
  const q = query(`${prefix}q`)?.trim().slice(0, MAX_SEARCH_LENGTH);
  return {
    prefix,
    q: q ? q : undefined,
    archived: query(`${prefix}archived`) === "1",
    cursor: query(`${prefix}cursor`) || undefined,
  };
}

export const filterOf = (view: ListView): ListFilter => ({
  q: view.q,
  archived: view.archived ? "only" : "hide",
});

function addressWith(url: URL, changes: Record<string, string | null>, anchor?: string): string {
  const next = new URL(url);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) next.searchParams.delete(name);
    else next.searchParams.set(name, value);
  }
  return `${next.pathname}${next.search}${anchor ? `#${anchor}` : ""}`;
}

// A search box and the current/archived choice (a GET form: it keeps the page's other parameters),
// then the pager below the list.
export const ListSearch: FC<{ ui: Ui; view: ListView; label: string; anchor?: string }> = ({
  ui,
  view,
  label,
  anchor,
}) => {
  const m = ui.t.manage;
  const own = ["q", "archived", "cursor"].map((name) => `${view.prefix}${name}`);
  const kept = [...ui.url.searchParams].filter(([name]) => !own.includes(name));
  const id = view.prefix || "list-";
  return (
    <form
      method="get"
      action={`${ui.url.pathname}${anchor ? `#${anchor}` : ""}`}
      class="search"
      aria-label={about(ui, m.search, label)}
    >
      {kept.map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <label for={`${id}q`}>
        <span>{m.search}</span>
        <input id={`${id}q`} name={`${view.prefix}q`} type="search" value={view.q ?? ""} />
      </label>
      <label for={`${id}archived`}>
        <span>{m.show}</span>
        <select id={`${id}archived`} name={`${view.prefix}archived`}>
          <option value="" selected={!view.archived}>
            {m.current}
          </option>
          <option value="1" selected={view.archived}>
            {m.archivedView}
          </option>
        </select>
      </label>
      <button type="submit" class="secondary">
        {m.search}
      </button>
    </form>
  );
};

export const Pager: FC<{
  ui: Ui;
  view: ListView;
  label: string;
  nextCursor: string | null;
  empty: boolean;
  anchor?: string;
}> = ({ ui, view, label, nextCursor, empty, anchor }) => {
  const m = ui.t.manage;
  const cursor = `${view.prefix}cursor`;
  if (!view.cursor && !nextCursor && !(empty && (view.q || view.archived))) return null;
  return (
    <nav class="pager" aria-label={label}>
      {empty && (view.q || view.archived) ? <span class="muted">{m.noMatches}</span> : null}
      {view.cursor ? <a href={addressWith(ui.url, { [cursor]: null }, anchor)}>{m.firstPage}</a> : null}
      {nextCursor ? (
        <a href={addressWith(ui.url, { [cursor]: nextCursor }, anchor)} rel="next">
          {m.nextPage} →
        </a>
      ) : null}
    </nav>
  );
};

// One button that sets one field of a thing (archive, restore, pause, disable) and goes back to
// the page it was pressed on.
export const SetButton: FC<{
  ui: Ui;
  action: string;
  field: string;
  value: string;
  back: string;
  text: string;
  label?: string | undefined;
}> = ({ ui, action, field, value, back, text, label }) => (
  <Form ui={ui} action={action} class="inline">
    <input type="hidden" name={field} value={value} />
    <input type="hidden" name="back" value={back} />
    <button type="submit" class="secondary" aria-label={label ? about(ui, text, label) : undefined}>
      {text}
    </button>
  </Form>
);

export const ArchiveButton: FC<{
  ui: Ui;
  action: string;
  archived: boolean;
  back: string;
  label?: string | undefined;
}> = ({ ui, action, archived, back, label }) => (
  <SetButton
    ui={ui}
    action={action}
    field="archived"
    value={archived ? "false" : "true"}
    back={back}
    text={archived ? ui.t.manage.restore : ui.t.manage.archive}
    label={label}
  />
);

export const about = (ui: Ui, what: string, name: string) => fill(ui.t.manage.about, { what, name });

// Where a page is, to come back to after a button: its path, query and an anchor.
export const here = (ui: Ui, anchor?: string) =>
  `${ui.url.pathname}${ui.url.search}${anchor ? `#${anchor}` : ""}`;
