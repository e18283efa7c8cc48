import { Hono } from "hono";
import { findCampaign, updateCampaign } from "../../src/campaigns/campaigns";
import { DEFAULT_HOLDING_DAYS, enrol, findEnrolment } from "../../src/campaigns/enrolments";
import { canonicalTimeZone } from "../../src/campaigns/time-zones";
import { findPromoCode, updatePromoCode } from "../../src/codes/promo-codes";
import { DomainError } from "../../src/errors";
import { findInfluencer, listInfluencers, updateInfluencer } from "../../src/influencers/influencers";
import { linkCache } from "../../src/links/link-cache-instance";
import { findLink, updateLink } from "../../src/links/links";
import { mapPage } from "../../src/pagination";
import { toIso } from "../../src/time";
import { patchCampaignBody, serializeCampaign, toCampaignInput } from "../schemas/campaigns";
import { patchCodeBody, serializePromoCode } from "../schemas/codes";
import { enrolBody, enrolmentTerms, serializeEnrolment } from "../schemas/enrolments";
import { patchInfluencerBody, serializeInfluencer } from "../schemas/influencers";
import { patchLinkBody, serializeLink } from "../schemas/links";
import { handleForm, uiAt } from "./dashboard-routes";
import {
  CampaignEditPage,
  CodeEditPage,
  EnrolmentEditPage,
  enrolmentFromForm,
  InfluencerEditPage,
  LinkEditPage,
} from "./edit-pages";
import { type FormReader, formValues } from "./form-input";
import { PICKER_ENDPOINT, PICKER_MATCHES, pickerOptions } from "./influencer-picker";
import { InfluencersPage } from "./influencers-page";
import type { FormState } from "./layout";
import { filterOf, listView } from "./list-controls";
import { type PageContext, type PageEnv, render, requireSession } from "./page-context";

// Editing, archiving and pausing from the dashboard, and the influencer list and picker search.
// Every form is validated by the API's own PATCH (or PUT) schema and calls the same domain
// function as the API.

const INFLUENCERS_PAGE = 50;

// Back to the page a button was pressed on (its query and anchor too), only ever on the dashboard.
function backTo(value: string | undefined, fallback: string): string {
  if (!value?.startsWith("/dashboard")) return fallback;
  const base = "https://pages.invalid";
  const url = new URL(value, base);
  return url.origin === base && url.pathname.startsWith("/dashboard")
    ? `${url.pathname}${url.search}${url.hash}`
    : fallback;
}

// A one-field button (archive, restore, pause, disable): "true" or "false", else a 422 page.
async function setFlag(
  c: PageContext,
  field: string,
  fallback: string,
  apply: (value: boolean) => Promise<unknown>,
): Promise<Response> {
  const body = formValues(await c.req.parseBody());
  const value = body[field];
  if (value !== "true" && value !== "false") {
    throw new DomainError("validation_failed", `${field}: true or false.`);
  }
  await apply(value === "true");
  return c.redirect(backTo(body.back, fallback), 303);
}

// An edit form: blank optional fields clear the value (the form shows every field pre-filled, so
// a blank one was emptied on purpose); blank required ones are refused, not kept.
function required(form: FormReader, ...names: string[]) {
  for (const name of names) if (form.text(name) === undefined) form.errors[name] = form.words.required;
}

async function showCampaignEdit(c: PageContext, id: string, state?: FormState) {
  const row = await findCampaign(c.var.ctx.db, id);
  return render(
    c,
    <CampaignEditPage
      ui={uiAt(c, `/dashboard/campaigns/${id}/edit`)}
      campaign={serializeCampaign(row)}
      zoneLocked={row.firstEventAt !== null}
      state={state}
    />,
    state ? 422 : 200,
  );
}

async function showInfluencerEdit(c: PageContext, id: string, state?: FormState) {
  const influencer = serializeInfluencer(await findInfluencer(c.var.ctx.db, id));
  return render(
    c,
    <InfluencerEditPage
      ui={uiAt(c, `/dashboard/influencers/${id}/edit`)}
      influencer={influencer}
      state={state}
    />,
    state ? 422 : 200,
  );
}

async function showEnrolmentEdit(
  c: PageContext,
  campaignId: string,
  influencerId: string,
  state?: FormState,
) {
  const db = c.var.ctx.db;
  const [campaign, influencer, enrolment] = await Promise.all([
    findCampaign(db, campaignId),
    findInfluencer(db, influencerId),
    findEnrolment(db, campaignId, influencerId),
  ]);
  return render(
    c,
    <EnrolmentEditPage
      ui={uiAt(c, `/dashboard/campaigns/${campaignId}/enrolments/${influencerId}/edit`)}
      campaign={serializeCampaign(campaign)}
      influencer={serializeInfluencer(influencer)}
      enrolment={serializeEnrolment(enrolment)}
      state={state}
    />,
    state ? 422 : 200,
  );
}

async function showLinkEdit(c: PageContext, id: string, state?: FormState) {
  const db = c.var.ctx.db;
  const link = await findLink(db, id);
  const campaign = await findCampaign(db, link.campaignId);
  return render(
    c,
    <LinkEditPage
      ui={uiAt(c, `/dashboard/links/${id}/edit`)}
      link={serializeLink(link, c.var.ctx.shortLinkBase)}
      campaignName={campaign.name}
      timezone={campaign.timezone}
      state={state}
    />,
    state ? 422 : 200,
  );
}

async function showCodeEdit(c: PageContext, id: string, state?: FormState) {
  const db = c.var.ctx.db;
  const code = await findPromoCode(db, id);
  const campaign = await findCampaign(db, code.campaignId);
  return render(
    c,
    <CodeEditPage
      ui={uiAt(c, `/dashboard/codes/${id}/edit`)}
      code={serializePromoCode(code)}
      campaignName={campaign.name}
      timezone={campaign.timezone}
      state={state}
    />,
    state ? 422 : 200,
  );
}

// The redirect reads links through a per-isolate cache: drop the edited one at once here (the
// other isolates' copies expire within LINK_CACHE_TTL_SECONDS, as after an API PATCH).
async function changeLink(c: PageContext, id: string, patch: Parameters<typeof updateLink>[2]) {
  const row = await updateLink(c.var.ctx.db, id, patch, c.var.ctx.clock);
  linkCache(c.env).delete(row.slug);
  return row;
}

export const manageRoutes = new Hono<PageEnv>()
  .use("/dashboard/*", requireSession("admin"))
  .get("/dashboard/influencers", async (c) => {
    const view = listView((name) => c.req.query(name));
    const page = await listInfluencers(
      c.var.ctx.db,
      { limit: INFLUENCERS_PAGE, cursor: view.cursor },
      filterOf(view),
    );
    return render(
      c,
      <InfluencersPage
        ui={c.get("ui")}
        influencers={mapPage(page, serializeInfluencer).data}
        view={view}
        nextCursor={page.next_cursor}
      />,
    );
  })
  // The pickers' search (influencer-picker.tsx): for this session only, like every dashboard page.
  .get(PICKER_ENDPOINT, async (c) => {
    const data = await pickerOptions(c.var.ctx.db, c.get("ui"), {
      campaignId: c.req.query("campaign_id")?.slice(0, 64),
      q: c.req.query("q"),
      limit: PICKER_MATCHES,
    });
    return c.json({ data }, 200, { "Cache-Control": "no-store" });
  })
  .get("/dashboard/influencers/:id/edit", (c) => showInfluencerEdit(c, c.req.param("id")))
  .post("/dashboard/influencers/:id/edit", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "influencer-edit",
      async (form) => {
        required(form, "handle");
        const body = form.parse(patchInfluencerBody, {
          handle: form.text("handle"),
          platform: form.text("platform"),
          name: form.text("name") ?? null,
          followers: form.number("followers") ?? null,
        });
        if (!body) return null;
        await updateInfluencer(c.var.ctx.db, id, body, c.var.ctx.clock);
        return c.redirect("/dashboard/influencers", 303);
      },
      (state) => showInfluencerEdit(c, id, state),
    );
  })
  .post("/dashboard/influencers/:id/archive", (c) =>
    setFlag(c, "archived", "/dashboard/influencers", (archived) =>
      updateInfluencer(c.var.ctx.db, c.req.param("id"), { archived }, c.var.ctx.clock),
    ),
  )
  .get("/dashboard/campaigns/:id/edit", (c) => showCampaignEdit(c, c.req.param("id")))
  .post("/dashboard/campaigns/:id/edit", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "campaign-edit",
      async (form) => {
        const db = c.var.ctx.db;
        const campaign = await findCampaign(db, id);
        const { currency } = campaign;
        required(form, "name", "attribution_window_days");
        // Days of the campaign's zone, as the page shows them. With a new zone, the days are read
        // in it: the stored instants were shown in the old one.
        const typedZone = form.text("timezone");
        const zoneKept = typedZone === undefined || canonicalTimeZone(typedZone) === campaign.timezone;
        const stored = (at: Date | null) => ({ at: zoneKept ? toIso(at) : null, zone: campaign.timezone });
        const body = form.parse(patchCampaignBody, {
          name: form.text("name"),
          objective: form.text("objective"),
          budget: form.money("budget", currency) ?? null,
          starts_at: form.editedDay("starts_at", stored(campaign.startsAt)),
          ends_at: form.editedDay("ends_at", stored(campaign.endsAt)),
          attribution_window_days: form.number("attribution_window_days"),
          emv_cpm: form.money("emv_cpm", currency) ?? null,
          timezone: form.text("timezone"),
        });
        if (!body) return null;
        await updateCampaign(db, id, toCampaignInput(body), c.var.ctx.clock);
        return c.redirect(`/dashboard/campaigns/${id}`, 303);
      },
      (state) => showCampaignEdit(c, id, state),
    );
  })
  .post("/dashboard/campaigns/:id/archive", (c) => {
    const id = c.req.param("id");
    return setFlag(c, "archived", `/dashboard/campaigns/${id}`, (archived) =>
      updateCampaign(c.var.ctx.db, id, { archived }, c.var.ctx.clock),
    );
  })
  .get("/dashboard/campaigns/:id/enrolments/:influencer_id/edit", (c) =>
    showEnrolmentEdit(c, c.req.param("id"), c.req.param("influencer_id")),
  )
  .post("/dashboard/campaigns/:id/enrolments/:influencer_id/edit", (c) => {
    const { id, influencer_id: influencerId } = c.req.param();
    return handleForm(
      c,
      "enrolment-edit",
      async (form) => {
        const db = c.var.ctx.db;
        const [campaign] = await Promise.all([findCampaign(db, id), findEnrolment(db, id, influencerId)]);
        const typed = enrolmentFromForm(form, campaign.currency);
        // A blank amount is none (0); blank holding days are the default.
        const body = form.parse(enrolBody, {
          fee: typed.fee ?? 0,
          commission_rate: typed.commission_rate ?? 0,
          other_costs: typed.other_costs ?? 0,
          commission_per_sale: typed.commission_per_sale ?? 0,
          commission_per_lead: typed.commission_per_lead ?? 0,
          holding_days: typed.holding_days ?? DEFAULT_HOLDING_DAYS,
        });
        if (!body) return null;
        await enrol(db, id, influencerId, enrolmentTerms(body), c.var.ctx.clock);
        return c.redirect(`/dashboard/campaigns/${id}#enrolments`, 303);
      },
      (state) => showEnrolmentEdit(c, id, influencerId, state),
    );
  })
  .post("/dashboard/campaigns/:id/enrolments/:influencer_id/archive", async (c) => {
    const { id, influencer_id: influencerId } = c.req.param();
    const db = c.var.ctx.db;
    return setFlag(c, "archived", `/dashboard/campaigns/${id}#enrolments`, async (archived) => {
      // Only an existing enrolment: archiving must not enrol anyone.
      await findEnrolment(db, id, influencerId);
      return enrol(db, id, influencerId, { archived }, c.var.ctx.clock);
    });
  })
  .get("/dashboard/links/:id/edit", (c) => showLinkEdit(c, c.req.param("id")))
  .post("/dashboard/links/:id/edit", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "link-edit",
      async (form) => {
        required(form, "url");
        const db = c.var.ctx.db;
        const link = await findLink(db, id);
        const { timezone } = await findCampaign(db, link.campaignId);
        const body = form.parse(patchLinkBody, {
          url: form.text("url"),
          // The last day of the campaign's zone the link works, as the page shows it.
          expires_at: form.editedExpiry("expires_at", { at: toIso(link.expiresAt), zone: timezone }),
          expired_url: form.text("expired_url") ?? null,
          disabled: form.values.disabled === "on",
        });
        if (!body) return null;
        const row = await changeLink(c, id, {
          url: body.url,
          expiresAt: body.expires_at,
          expiredUrl: body.expired_url,
          disabled: body.disabled,
        });
        return c.redirect(`/dashboard/campaigns/${row.campaignId}#links`, 303);
      },
      (state) => showLinkEdit(c, id, state),
    );
  })
  .post("/dashboard/links/:id/archive", (c) =>
    setFlag(c, "archived", "/dashboard", (archived) => changeLink(c, c.req.param("id"), { archived })),
  )
  .post("/dashboard/links/:id/disabled", (c) =>
    setFlag(c, "disabled", "/dashboard", (disabled) => changeLink(c, c.req.param("id"), { disabled })),
  )
  .get("/dashboard/codes/:id/edit", (c) => showCodeEdit(c, c.req.param("id")))
  .post("/dashboard/codes/:id/edit", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "code-edit",
      async (form) => {
        const db = c.var.ctx.db;
        const code = await findPromoCode(db, id);
        const { timezone: zone } = await findCampaign(db, code.campaignId);
        const body = form.parse(patchCodeBody, {
          max_redemptions: form.number("max_redemptions") ?? null,
          // Days of the campaign's zone, as the page shows them.
          starts_at: form.editedDay("starts_at", { at: toIso(code.startsAt), zone }),
          ends_at: form.editedDay("ends_at", { at: toIso(code.endsAt), zone }),
          active: form.values.active === "on",
        });
        if (!body) return null;
        const row = await updatePromoCode(
          db,
          id,
          {
            maxRedemptions: body.max_redemptions,
            startsAt: body.starts_at,
            endsAt: body.ends_at,
            active: body.active,
          },
          c.var.ctx.clock,
        );
        return c.redirect(`/dashboard/campaigns/${row.campaignId}#codes`, 303);
      },
      (state) => showCodeEdit(c, id, state),
    );
  })
  .post("/dashboard/codes/:id/archive", (c) =>
    setFlag(c, "archived", "/dashboard", (archived) =>
      updatePromoCode(c.var.ctx.db, c.req.param("id"), { archived }, c.var.ctx.clock),
    ),
  )
  .post("/dashboard/codes/:id/active", (c) =>
    setFlag(c, "active", "/dashboard", (active) =>
      updatePromoCode(c.var.ctx.db, c.req.param("id"), { active }, c.var.ctx.clock),
    ),
  );
