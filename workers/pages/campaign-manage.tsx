import type { z } from "@hono/zod-openapi";
import type { FC } from "hono/jsx";
import type { enrolmentSchema } from "../schemas/enrolments";
import { StatusBadge } from "./edit-pages";
import { fill } from "./i18n";
import { DataTable, type Ui } from "./layout";
import { ArchiveButton, about, here, ListSearch, type ListView, Pager, SetButton } from "./list-controls";
import type { CodeItem, LinkItem } from "./owned-items";

// What the campaign page adds to manage the campaign: its edit link and archived state, the
// enrolments with their terms, and each link's and code's buttons.

export const CampaignManageBar: FC<{
  ui: Ui;
  campaign: { id: string; name: string; archived_at: string | null };
}> = ({ ui, campaign }) => {
  const base = `/dashboard/campaigns/${campaign.id}`;
  return (
    <div class="row">
      <a class="button secondary" href={`${base}/edit`}>
        {ui.t.manage.editCampaign}
      </a>
      {campaign.archived_at ? (
        <p class="notice" role="status" data-archived>
          {fill(ui.t.manage.archivedOn, { date: ui.fmt.date(campaign.archived_at) })}{" "}
          <ArchiveButton ui={ui} action={`${base}/archive`} archived back={here(ui)} label={campaign.name} />
        </p>
      ) : null}
    </div>
  );
};

export type EnrolmentItem = z.infer<typeof enrolmentSchema> & { handle: string; platform: string };

// What an enrolment pays in commission, in words: "10% + €1.50 a sale + €0.50 a lead, held 30
// days". The flat fee and other costs have their own columns.
export function commissionTerms(ui: Ui, e: EnrolmentItem, currency: string): string {
  const w = ui.t.terms;
  const parts = [
    e.commission_rate > 0 ? ui.fmt.percent(e.commission_rate) : null,
    e.commission_per_sale > 0
      ? fill(w.perSale, { amount: ui.fmt.money(e.commission_per_sale, currency) })
      : null,
    e.commission_per_lead > 0
      ? fill(w.perLead, { amount: ui.fmt.money(e.commission_per_lead, currency) })
      : null,
  ].filter((part) => part !== null);
  if (parts.length === 0) return w.none;
  const held =
    e.holding_days === 0
      ? w.payableAtOnce
      : e.holding_days === 1
        ? w.heldOne
        : fill(w.heldDays, { n: ui.fmt.integer(e.holding_days) });
  return `${parts.join(" + ")}, ${held}`;
}

export const EnrolmentList: FC<{
  ui: Ui;
  campaignId: string;
  currency: string;
  enrolments: EnrolmentItem[];
  view: ListView;
  nextCursor: string | null;
}> = ({ ui, campaignId, currency, enrolments, view, nextCursor }) => {
  const m = ui.t.manage;
  const back = here(ui, "enrolments");
  return (
    <section aria-labelledby="enrolments">
      <h2 id="enrolments">{m.enrolled}</h2>
      <ListSearch ui={ui} view={view} label={m.enrolled} anchor="enrolments" />
      {enrolments.length === 0 && !view.q && !view.archived ? <p class="muted">{m.noEnrolments}</p> : null}
      {enrolments.length > 0 ? (
        <DataTable
          columns={[
            { label: ui.t.influencer },
            { label: ui.t.fee, num: true },
            { label: ui.t.terms.commission },
            { label: ui.t.otherCosts, num: true },
            { label: m.status },
          ]}
        >
          {enrolments.map((e) => {
            const edit = `/dashboard/campaigns/${campaignId}/enrolments/${e.influencer_id}`;
            return (
              <tr data-enrolment={e.influencer_id}>
                <th scope="row">
                  @{e.handle} <span class="muted">({e.platform})</span>
                </th>
                <td class="num">{ui.fmt.money(e.fee, currency)}</td>
                <td data-terms>{commissionTerms(ui, e, currency)}</td>
                <td class="num">{ui.fmt.money(e.other_costs, currency)}</td>
                <td>
                  <div class="actions">
                    {e.archived_at ? <StatusBadge text={m.archived} /> : null}
                    <a href={`${edit}/edit`} aria-label={about(ui, m.edit, `@${e.handle}`)}>
                      {m.edit}
                    </a>
                    <ArchiveButton
                      ui={ui}
                      action={`${edit}/archive`}
                      archived={Boolean(e.archived_at)}
                      back={back}
                      label={`@${e.handle}`}
                    />
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      ) : null}
      <Pager
        ui={ui}
        view={view}
        label={m.enrolled}
        nextCursor={nextCursor}
        empty={enrolments.length === 0}
        anchor="enrolments"
      />
    </section>
  );
};

export function linkActions(ui: Ui) {
  const m = ui.t.manage;
  const back = here(ui, "links");
  return (link: LinkItem) => {
    const action = `/dashboard/links/${link.id}`;
    const name = link.short_url;
    return (
      <div class="actions">
        {link.disabled ? <StatusBadge text={m.disabled} /> : null}
        {link.archived_at ? <StatusBadge text={m.archived} /> : null}
        <a href={`${action}/edit`} aria-label={about(ui, m.edit, name)}>
          {m.edit}
        </a>
        <SetButton
          ui={ui}
          action={`${action}/disabled`}
          field="disabled"
          value={link.disabled ? "false" : "true"}
          back={back}
          text={link.disabled ? m.enable : m.disable}
          label={name}
        />
        <ArchiveButton
          ui={ui}
          action={`${action}/archive`}
          archived={Boolean(link.archived_at)}
          back={back}
          label={name}
        />
      </div>
    );
  };
}

export function codeActions(ui: Ui) {
  const m = ui.t.manage;
  const back = here(ui, "codes");
  return (code: CodeItem) => {
    const action = `/dashboard/codes/${code.id}`;
    return (
      <div class="actions">
        <StatusBadge text={code.active ? m.live : m.paused} />
        {code.archived_at ? <StatusBadge text={m.archived} /> : null}
        <a href={`${action}/edit`} aria-label={about(ui, m.edit, code.code)}>
          {m.edit}
        </a>
        <SetButton
          ui={ui}
          action={`${action}/active`}
          field="active"
          value={code.active ? "false" : "true"}
          back={back}
          text={code.active ? m.pause : m.resume}
          label={code.code}
        />
        <ArchiveButton
          ui={ui}
          action={`${action}/archive`}
          archived={Boolean(code.archived_at)}
          back={back}
          label={code.code}
        />
      </div>
    );
  };
}
