import type { Child } from "hono/jsx";
import { HandleLink } from "./handle-link";
import { type Column, CopyButton, DataTable, QrCode, type Ui } from "./layout";
import { Empty } from "./report-sections";

// Short links and promo codes as the dashboard and the portal show them: each link with a copy
// button and a QR code. The campaign page gives each its influencer's handle; the portal, whose
// items are all one influencer's, gives each its campaign's name instead.
export type LinkItem = {
  id: string;
  short_url: string;
  destination_url: string;
  influencer_id?: string | undefined;
  handle?: string | undefined;
  campaign?: string | undefined;
  disabled: boolean;
  archived_at?: string | null;
  created_at: string;
};
export type CodeItem = {
  id: string;
  code: string;
  influencer_id?: string | undefined;
  handle?: string | undefined;
  campaign?: string | undefined;
  redemptions: number;
  max_redemptions: number | null;
  active: boolean;
  archived_at?: string | null;
};

// On the dashboard, `actions` puts each item's edit and pause buttons in its row, and `controls`
// (search, pages) go above the list; `hint` says which form fills an empty list, unless the list
// is `filtered` (a search or the archived view: then the pager says nothing matched).
type Managed<T> = {
  hint?: string | undefined;
  filtered?: boolean | undefined;
  actions?: ((item: T) => Child) | undefined;
  controls?: Child;
  pager?: Child;
};

export const LinkList = ({
  ui,
  links,
  hint,
  filtered,
  actions,
  controls,
  pager,
}: { ui: Ui; links: LinkItem[] } & Managed<LinkItem>) => (
  <section aria-labelledby="links">
    <h2 id="links">{ui.t.links}</h2>
    {controls}
    {links.length === 0 ? (
      filtered ? null : (
        <Empty message={ui.t.noLinks} hint={hint} />
      )
    ) : (
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
                  {link.campaign ? <p data-link-campaign>{link.campaign}</p> : null}
                  {link.handle ? (
                    <p>
                      <HandleLink ui={ui} id={link.influencer_id ?? ""} handle={link.handle} />
                    </p>
                  ) : null}
                  <p class="muted">→ {link.destination_url}</p>
                  {actions ? actions(link) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
    {pager}
  </section>
);

// "12" or "12 / 100": the redemptions, and the limit when there is one.
export const redemptionsOf = (ui: Ui, code: { redemptions: number; max_redemptions: number | null }) =>
  `${ui.fmt.integer(code.redemptions)}${code.max_redemptions === null ? "" : ` / ${ui.fmt.integer(code.max_redemptions)}`}`;

// A column only when some code has something for it: no empty column of handles in the portal.
export const CodeList = ({
  ui,
  codes,
  hint,
  filtered,
  actions,
  controls,
  pager,
}: { ui: Ui; codes: CodeItem[] } & Managed<CodeItem>) => {
  const withCampaign = codes.some((code) => code.campaign);
  const withHandle = codes.some((code) => code.handle);
  const columns: Column[] = [
    { label: ui.t.code },
    ...(withCampaign ? [{ label: ui.t.campaign }] : []),
    ...(withHandle ? [{ label: ui.t.influencer }] : []),
    { label: ui.t.redemptions, num: true },
    ...(actions ? [{ label: ui.t.manage.status }] : []),
  ];
  return (
    <section aria-labelledby="codes">
      <h2 id="codes">{ui.t.codes}</h2>
      {controls}
      {codes.length === 0 ? (
        filtered ? null : (
          <Empty message={ui.t.noCodes} hint={hint} />
        )
      ) : (
        <DataTable columns={columns}>
          {codes.map((code) => (
            <tr data-code={code.id}>
              <th scope="row">
                <span class="mono">{code.code}</span>{" "}
                <CopyButton ui={ui} text={code.code} label={`${ui.t.copy} ${code.code}`} />
              </th>
              {withCampaign ? <td>{code.campaign ?? ""}</td> : null}
              {withHandle ? (
                <td>
                  {code.handle ? (
                    <HandleLink ui={ui} id={code.influencer_id ?? ""} handle={code.handle} />
                  ) : (
                    ""
                  )}
                </td>
              ) : null}
              <td class="num">{redemptionsOf(ui, code)}</td>
              {actions ? <td>{actions(code)}</td> : null}
            </tr>
          ))}
        </DataTable>
      )}
      {pager}
    </section>
  );
};
