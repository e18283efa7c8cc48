import type { Child } from "hono/jsx";
import { CopyButton, DataTable, QrCode, type Ui } from "./layout";

// Short links and promo codes as the dashboard and the portal show them: each link with a copy
// button and a QR code.
export type LinkItem = {
  id: string;
  short_url: string;
  destination_url: string;
  handle?: string | undefined;
  disabled: boolean;
  archived_at?: string | null;
  created_at: string;
};
export type CodeItem = {
  id: string;
  code: string;
  handle?: string | undefined;
  redemptions: number;
  max_redemptions: number | null;
  active: boolean;
  archived_at?: string | null;
};

// On the dashboard, `actions` puts each item's edit and pause buttons in its row, and `controls`
// (search, pages) go above the list.
type Managed<T> = { actions?: ((item: T) => Child) | undefined; controls?: Child; pager?: Child };

export const LinkList = ({
  ui,
  links,
  actions,
  controls,
  pager,
}: { ui: Ui; links: LinkItem[] } & Managed<LinkItem>) => (
  <section aria-labelledby="links">
    <h2 id="links">{ui.t.links}</h2>
    {controls}
    {links.length === 0 && !controls ? <p class="muted">{ui.t.noLinks}</p> : null}
    <div class="table-wrap">
      <table class="links">
        <tbody>
          {links.map((link) => (
            <tr data-link={link.id}>
              <td>
                <QrCode ui={ui} text={link.short_url} />
              </td>
              <td>
                <p>
                  <a href={link.short_url} class="mono" data-short-url>
                    {link.short_url}
                  </a>{" "}
                  <CopyButton ui={ui} text={link.short_url} label={`${ui.t.copy} ${link.short_url}`} />
                </p>
                {link.handle ? <p>@{link.handle}</p> : null}
                <p class="muted">→ {link.destination_url}</p>
                {actions ? actions(link) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {pager}
  </section>
);

export const CodeList = ({
  ui,
  codes,
  actions,
  controls,
  pager,
}: { ui: Ui; codes: CodeItem[] } & Managed<CodeItem>) => (
  <section aria-labelledby="codes">
    <h2 id="codes">{ui.t.codes}</h2>
    {controls}
    {codes.length === 0 && !controls ? <p class="muted">{ui.t.noCodes}</p> : null}
    {codes.length > 0 ? (
      <DataTable
        columns={[
          { label: ui.t.code },
          { label: ui.t.influencer },
          { label: ui.t.redemptions, num: true },
          ...(actions ? [{ label: ui.t.manage.status }] : []),
        ]}
      >
        {codes.map((code) => (
          <tr data-code={code.id}>
            <th scope="row">
              <span class="mono">{code.code}</span>{" "}
              <CopyButton ui={ui} text={code.code} label={`${ui.t.copy} ${code.code}`} />
            </th>
            <td>{code.handle ? `@${code.handle}` : ""}</td>
            <td class="num">
              {ui.fmt.integer(code.redemptions)}
              {code.max_redemptions === null ? "" : ` / ${ui.fmt.integer(code.max_redemptions)}`}
            </td>
            {actions ? <td>{actions(code)}</td> : null}
          </tr>
        ))}
      </DataTable>
    ) : null}
    {pager}
  </section>
);
