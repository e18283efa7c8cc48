import type { z } from "@hono/zod-openapi";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import { PLATFORMS } from "../../schema";
import { DEFAULT_HOLDING_DAYS, MAX_HOLDING_DAYS } from "../../src/campaigns/enrolments";
import type { campaignSchema } from "../schemas/campaigns";
import type { promoCodeSchema } from "../schemas/codes";
import type { enrolmentSchema } from "../schemas/enrolments";
import type { influencerSchema } from "../schemas/influencers";
import type { linkSchema } from "../schemas/links";
import { type FormReader, shownDay } from "./form-input";
import { fill } from "./i18n";
import {
  control,
  Field,
  FieldError,
  type FieldProps,
  Form,
  FormMessage,
  type FormState,
  Layout,
  Select,
  type Ui,
} from "./layout";
import { ArchiveButton, about } from "./list-controls";

// The dashboard's edit pages: one per kind of thing, each its form pre-filled from the API's own
// serialization and validated by the API's PATCH schema, then archive or restore.

type Campaign = z.infer<typeof campaignSchema>;
type Influencer = z.infer<typeof influencerSchema>;
type Enrolment = z.infer<typeof enrolmentSchema>;
type Link = z.infer<typeof linkSchema>;
type Code = z.infer<typeof promoCodeSchema>;

const OBJECTIVES = ["sales", "leads", "awareness"] as const;
// A campaign's dates, and its promo codes', are days of its zone; a link's expiry the last day it
// works there (see shownDay: an unchanged day sends back the stored instant).
const DateFields = ({
  ui,
  f,
  dates,
  timezone,
}: {
  ui: Ui;
  f: { form: string; state: FormState | undefined };
  dates: { starts_at: string | null; ends_at: string | null };
  timezone: string;
}) => (
  <>
    <Field
      {...f}
      name="starts_at"
      label={ui.t.startsAt}
      type="date"
      value={shownDay(dates.starts_at, timezone)}
    />
    <Field {...f} name="ends_at" label={ui.t.endsAt} type="date" value={shownDay(dates.ends_at, timezone)} />
  </>
);

// A checkbox that shows what was sent after a refusal, else the stored value.
const Check: FC<{
  form: string;
  state: FormState | undefined;
  name: string;
  label: string;
  checked: boolean;
}> = ({ form, state, name, label, checked }) => {
  const { id } = control(form, state, name);
  const on = state?.form === form ? state.values[name] === "on" : checked;
  return (
    <label class="check" for={id}>
      <input id={id} name={name} type="checkbox" value="on" checked={on} />
      {label}
    </label>
  );
};

const EditLayout: FC<
  PropsWithChildren<{
    ui: Ui;
    title: string;
    back: { href: string; label: string };
    archivedAt: string | null;
    archive: { action: string; hint: string; label: string };
  }>
> = ({ ui, title, back, archivedAt, archive, children }) => (
  <Layout ui={ui} title={title} nav={<a href={back.href}>{back.label}</a>}>
    <p>
      <a href={back.href}>← {back.label}</a>
    </p>
    <h1>{title}</h1>
    {archivedAt ? (
      <p class="notice" role="status" data-archived>
        {fill(ui.t.manage.archivedOn, { date: ui.fmt.date(archivedAt) })}
      </p>
    ) : null}
    {children}
    <section class="card" aria-label={archivedAt ? ui.t.manage.restore : ui.t.manage.archive}>
      <p class="muted">{archive.hint}</p>
      <ArchiveButton
        ui={ui}
        action={archive.action}
        archived={archivedAt !== null}
        back={back.href}
        label={archive.label}
      />
    </section>
  </Layout>
);

export const CampaignEditPage: FC<{
  ui: Ui;
  campaign: Campaign;
  zoneLocked: boolean;
  state?: FormState | undefined;
}> = ({ ui, campaign, zoneLocked, state }) => {
  const m = ui.t.manage;
  const base = `/dashboard/campaigns/${campaign.id}`;
  const f = { form: "campaign-edit", state };
  const amount = (minor: number | null) =>
    minor === null ? "" : ui.fmt.typedAmount(minor, campaign.currency);
  return (
    <EditLayout
      ui={ui}
      title={about(ui, m.editCampaign, campaign.name)}
      back={{ href: base, label: campaign.name }}
      archivedAt={campaign.archived_at}
      archive={{ action: `${base}/archive`, hint: m.archiveHint, label: campaign.name }}
    >
      <Form ui={ui} action={`${base}/edit`} label={m.editCampaign}>
        <FormMessage ui={ui} state={state} form={f.form} />
        <Field {...f} name="name" label={ui.t.name} value={campaign.name} required />
        <Select
          {...f}
          name="objective"
          label={ui.t.objective}
          value={campaign.objective}
          options={OBJECTIVES.map((value) => ({ value, label: ui.t.objectives[value] }))}
        />
        <p class="muted">
          {ui.t.currency}: {campaign.currency}
        </p>
        {zoneLocked ? (
          <p class="muted" data-zone-locked>
            {ui.t.timeZone}
            {ui.t.colon}
            {campaign.timezone} ({m.timezoneFixed})
            {/* A zone sent by a form shown before the first event: its refusal. */}
            <FieldError id={`${f.form}-timezone`} error={control(f.form, state, "timezone").error} />
          </p>
        ) : (
          <Field {...f} name="timezone" label={ui.t.timeZone} value={campaign.timezone} required />
        )}
        <Field
          {...f}
          name="budget"
          label={`${ui.t.budget} (${campaign.currency})`}
          value={amount(campaign.budget)}
          placeholder={ui.fmt.typedAmount(500_000, campaign.currency)}
        />
        <DateFields ui={ui} f={f} dates={campaign} timezone={campaign.timezone} />
        <Field
          {...f}
          name="attribution_window_days"
          label={m.attributionWindow}
          type="number"
          min="1"
          max="365"
          value={String(campaign.attribution_window_days)}
          required
        />
        <Field
          {...f}
          name="emv_cpm"
          label={`${ui.t.emvCpm} (${campaign.currency})`}
          value={amount(campaign.emv_cpm)}
        />
        <button type="submit">{ui.t.save}</button>
      </Form>
    </EditLayout>
  );
};

export const InfluencerEditPage: FC<{ ui: Ui; influencer: Influencer; state?: FormState | undefined }> = ({
  ui,
  influencer,
  state,
}) => {
  const m = ui.t.manage;
  const f = { form: "influencer-edit", state };
  const handle = `@${influencer.handle}`;
  return (
    <EditLayout
      ui={ui}
      title={about(ui, m.editInfluencer, handle)}
      back={{ href: "/dashboard/influencers", label: m.allInfluencers }}
      archivedAt={influencer.archived_at}
      archive={{
        action: `/dashboard/influencers/${influencer.id}/archive`,
        hint: m.archiveHint,
        label: handle,
      }}
    >
      <Form ui={ui} action={`/dashboard/influencers/${influencer.id}/edit`} label={m.editInfluencer}>
        <FormMessage ui={ui} state={state} form={f.form} />
        <Field {...f} name="handle" label={ui.t.handle} value={influencer.handle} required />
        <Select
          {...f}
          name="platform"
          label={ui.t.platform}
          value={influencer.platform}
          options={PLATFORMS}
        />
        <Field {...f} name="name" label={ui.t.name} value={influencer.name ?? ""} />
        <Field
          {...f}
          name="followers"
          label={ui.t.followers}
          type="number"
          min="0"
          value={influencer.followers === null ? "" : String(influencer.followers)}
        />
        <button type="submit">{ui.t.save}</button>
      </Form>
    </EditLayout>
  );
};

// An enrolment's terms, on the campaign page's enrol form and on the edit page alike. (Terms
// added to the API's enrolment body get their field here and their reading in enrolmentFromForm.)
export function enrolmentFields(
  ui: Ui,
  currency: string,
  enrolment?: Enrolment,
): Omit<FieldProps, "form" | "state">[] {
  const amount = (minor: number | undefined) =>
    minor === undefined ? {} : { value: ui.fmt.typedAmount(minor, currency) };
  return [
    {
      name: "fee",
      label: `${ui.t.fee} (${currency})`,
      placeholder: ui.fmt.typedAmount(50_000, currency),
      ...amount(enrolment?.fee),
    },
    {
      name: "commission_rate",
      label: ui.t.commissionRate,
      type: "number",
      min: "0",
      max: "100",
      step: "0.1",
      ...(enrolment ? { value: String(Math.round(enrolment.commission_rate * 1e6) / 1e4) } : {}),
    },
    {
      name: "other_costs",
      label: `${ui.t.otherCosts} (${currency})`,
      placeholder: ui.fmt.typedAmount(0, currency),
      ...amount(enrolment?.other_costs),
    },
    {
      name: "commission_per_sale",
      label: `${ui.t.commissionPerSale} (${currency})`,
      placeholder: ui.fmt.typedAmount(0, currency),
      ...amount(enrolment?.commission_per_sale),
    },
    {
      name: "commission_per_lead",
      label: `${ui.t.commissionPerLead} (${currency})`,
      placeholder: ui.fmt.typedAmount(0, currency),
      ...amount(enrolment?.commission_per_lead),
    },
    {
      name: "holding_days",
      label: ui.t.holdingDays,
      type: "number",
      min: "0",
      max: String(MAX_HOLDING_DAYS),
      placeholder: String(DEFAULT_HOLDING_DAYS),
      ...(enrolment ? { value: String(enrolment.holding_days) } : {}),
    },
  ];
}

// The enrolment form's fields as the API's PUT body takes them (minor units, a 0–1 rate).
export function enrolmentFromForm(form: FormReader, currency: string) {
  return {
    fee: form.money("fee", currency),
    commission_rate: form.percent("commission_rate"),
    other_costs: form.money("other_costs", currency),
    commission_per_sale: form.money("commission_per_sale", currency),
    commission_per_lead: form.money("commission_per_lead", currency),
    holding_days: form.number("holding_days"),
  };
}

export const EnrolmentEditPage: FC<{
  ui: Ui;
  campaign: Campaign;
  influencer: Influencer;
  enrolment: Enrolment;
  state?: FormState | undefined;
}> = ({ ui, campaign, influencer, enrolment, state }) => {
  const m = ui.t.manage;
  const base = `/dashboard/campaigns/${campaign.id}/enrolments/${influencer.id}`;
  const handle = `@${influencer.handle}`;
  return (
    <EditLayout
      ui={ui}
      title={about(ui, m.editEnrolment, `${handle} · ${campaign.name}`)}
      back={{ href: `/dashboard/campaigns/${campaign.id}#enrolments`, label: campaign.name }}
      archivedAt={enrolment.archived_at}
      archive={{ action: `${base}/archive`, hint: m.archiveHint, label: handle }}
    >
      <Form ui={ui} action={`${base}/edit`} label={m.editEnrolment}>
        <FormMessage ui={ui} state={state} form="enrolment-edit" />
        {enrolmentFields(ui, campaign.currency, enrolment).map((field) => (
          <Field form="enrolment-edit" state={state} {...field} />
        ))}
        <button type="submit">{ui.t.save}</button>
      </Form>
    </EditLayout>
  );
};

export const LinkEditPage: FC<{
  ui: Ui;
  link: Link;
  campaignName: string;
  // The campaign's zone, whose day the expiry is.
  timezone: string;
  state?: FormState | undefined;
}> = ({ ui, link, campaignName, timezone, state }) => {
  const m = ui.t.manage;
  const f = { form: "link-edit", state };
  return (
    <EditLayout
      ui={ui}
      title={about(ui, m.editLink, link.slug)}
      back={{ href: `/dashboard/campaigns/${link.campaign_id}#links`, label: campaignName }}
      archivedAt={link.archived_at}
      archive={{ action: `/dashboard/links/${link.id}/archive`, hint: m.linkArchiveHint, label: link.slug }}
    >
      <p class="mono">{link.short_url}</p>
      <Form ui={ui} action={`/dashboard/links/${link.id}/edit`} label={m.editLink}>
        <FormMessage ui={ui} state={state} form={f.form} />
        <Field {...f} name="url" label={ui.t.destination} type="url" value={link.url} required />
        <Field
          {...f}
          name="expires_at"
          label={m.expiresOn}
          type="date"
          value={shownDay(link.expires_at, timezone, "last_day_before")}
        />
        <Field {...f} name="expired_url" label={m.expiredUrl} type="url" value={link.expired_url ?? ""} />
        <Check {...f} name="disabled" label={m.linkDisabled} checked={link.disabled} />
        <button type="submit">{ui.t.save}</button>
      </Form>
    </EditLayout>
  );
};

export const CodeEditPage: FC<{
  ui: Ui;
  code: Code;
  campaignName: string;
  // The campaign's zone, whose days the code's dates are.
  timezone: string;
  state?: FormState | undefined;
}> = ({ ui, code, campaignName, timezone, state }) => {
  const m = ui.t.manage;
  const f = { form: "code-edit", state };
  return (
    <EditLayout
      ui={ui}
      title={about(ui, m.editCode, code.code)}
      back={{ href: `/dashboard/campaigns/${code.campaign_id}#codes`, label: campaignName }}
      archivedAt={code.archived_at}
      archive={{ action: `/dashboard/codes/${code.id}/archive`, hint: m.codeArchiveHint, label: code.code }}
    >
      <Form ui={ui} action={`/dashboard/codes/${code.id}/edit`} label={m.editCode}>
        <FormMessage ui={ui} state={state} form={f.form} />
        <Field
          {...f}
          name="max_redemptions"
          label={ui.t.maxRedemptions}
          type="number"
          min="1"
          value={code.max_redemptions === null ? "" : String(code.max_redemptions)}
        />
        <DateFields ui={ui} f={f} dates={code} timezone={timezone} />
        <Check {...f} name="active" label={m.codeActive} checked={code.active} />
        <button type="submit">{ui.t.save}</button>
      </Form>
    </EditLayout>
  );
};

export const StatusBadge: FC<{ text: Child }> = ({ text }) => <span class="badge">{text}</span>;
