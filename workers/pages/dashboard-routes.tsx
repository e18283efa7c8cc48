import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import { createCampaign, findCampaign, listCampaigns, updateCampaign } from "../../src/campaigns/campaigns";
import { enrol } from "../../src/campaigns/enrolments";
import { addGoal, MAX_GOALS, removeGoal, resolveGoal } from "../../src/campaigns/goals";
import { createPromoCode } from "../../src/codes/promo-codes";
import { balancesOf } from "../../src/commissions/entries";
import { createInfluencer } from "../../src/influencers/influencers";
import { createLinkAndRefreshCache } from "../../src/links/link-cache-instance";
import { isMetricField } from "../../src/metrics/metric-fields";
import { mapPage } from "../../src/pagination";
import {
  createShareLink,
  listShareLinks,
  revokeShareLink,
  SHARE_LINK_LABEL_MAX,
  SHARE_LINK_MAX_DAYS,
} from "../../src/reports/share-links";
import { runRollup } from "../../src/rollup/rollup";
import { campaignGlances } from "../../src/summaries/campaign-glance";
import { campaignReportCsv } from "../../src/summaries/campaign-report";
import { toIso } from "../../src/time";
import { createCampaignBody, goalSchema, serializeCampaign, toCampaignInput } from "../schemas/campaigns";
import { createCodeBody } from "../schemas/codes";
import { enrolBody, enrolmentTerms } from "../schemas/enrolments";
import { createInfluencerBody } from "../schemas/influencers";
import { createLinkBody } from "../schemas/links";
import { loadCampaignLists } from "./campaign-lists";
import { CampaignPage } from "./campaign-page";
import { loadCampaignReport } from "./campaign-report";
import { loadCampaignViews } from "./campaign-views";
import { CampaignsPage } from "./campaigns-page";
import { enrolmentFromForm } from "./edit-pages";
import { FormReader, formValues } from "./form-input";
import { metricKind } from "./format";
import { fill } from "./i18n";
import { influencerFromForm, PICKER_OPTIONS, pickerOptions } from "./influencer-picker";
import type { FormState } from "./layout";
import { filterOf, listView } from "./list-controls";
import { type PageContext, type PageEnv, render, requireSession } from "./page-context";
import { reportView, viewPeriod } from "./report-view";

const LIST = { limit: 100 };

// Shared reports have no API route: this is the form's schema, createShareLink's own rule restated
// so that a bad number of days is worded on its field like every other form's refusal.
const shareLinkForm = z.object({
  days: z.number().int().min(1).max(SHARE_LINK_MAX_DAYS).optional(),
  label: z.string().max(SHARE_LINK_LABEL_MAX).optional(),
});

// A page shown again after a form post keeps its own address for its links (language, sort),
// not the address the form posted to.
export function uiAt(c: PageContext, path: string) {
  const ui = c.get("ui");
  return c.req.method === "GET" ? ui : { ...ui, url: new URL(path, c.req.url) };
}

async function showCampaigns(c: PageContext, state?: FormState) {
  const view = listView((name) => c.req.query(name));
  const rows = await listCampaigns(c.var.ctx.db, { ...LIST, cursor: view.cursor }, filterOf(view));
  const page = mapPage(rows, serializeCampaign);
  return render(
    c,
    <CampaignsPage
      ui={uiAt(c, "/dashboard")}
      campaigns={page.data}
      glances={await campaignGlances(c.var.ctx.db.$client, rows.data)}
      view={view}
      nextCursor={page.next_cursor}
      state={state}
    />,
    state ? 422 : 200,
  );
}

export async function showCampaign(
  c: PageContext,
  campaignId: string,
  extra: { state?: FormState; newShareUrl?: string } = {},
) {
  const db = c.var.ctx.db;
  const report = await loadCampaignReport(
    db,
    campaignId,
    reportView((name) => c.req.query(name)),
    c.var.ctx.clock,
  );
  const ui = uiAt(c, `/dashboard/campaigns/${campaignId}`);
  const [lists, picker, shares, views, earnings] = await Promise.all([
    loadCampaignLists(db, campaignId, (name) => c.req.query(name), c.var.ctx.shortLinkBase),
    pickerOptions(db, ui, { campaignId, limit: PICKER_OPTIONS }),
    listShareLinks(db, campaignId),
    loadCampaignViews(db, report, c.var.ctx.clock, (name) => c.req.query(name)),
    balancesOf(db, { campaignId }, c.var.ctx.clock),
  ]);
  return render(
    c,
    <CampaignPage
      ui={ui}
      report={report}
      lists={lists}
      picker={picker}
      shareLinks={shares.map((s) => ({
        id: s.id,
        label: s.label,
        expires_at: toIso(s.expiresAt) as string,
        revoked_at: toIso(s.revokedAt),
      }))}
      newShareUrl={extra.newShareUrl}
      state={extra.state}
      now={c.var.ctx.clock()}
      views={views}
      earnings={earnings}
    />,
    extra.state ? 422 : extra.newShareUrl ? 201 : 200,
  );
}

// Runs a form: read it, validate it with the API's schema, call the domain function. On a
// refusal the page comes back with the message on the field (422), never a 500.
export async function handleForm(
  c: PageContext,
  form: string,
  act: (reader: FormReader) => Promise<Response | null>,
  again: (state: FormState) => Promise<Response>,
): Promise<Response> {
  const reader = new FormReader(formValues(await c.req.parseBody()), c.get("ui"));
  let message: string | undefined;
  try {
    const done = await act(reader);
    if (done) return done;
  } catch (error) {
    message = reader.fromApiError(error);
  }
  return again({ form, values: reader.values, errors: reader.errors, message });
}

// Where to go back after a form that several pages show: only somewhere on the dashboard.
function backTo(value: string | undefined, fallback: string): string {
  return value && /^\/dashboard(\/[\w/-]*)?$/.test(value) ? value : fallback;
}

export const dashboardRoutes = new Hono<PageEnv>()
  .use("/dashboard/*", requireSession("admin"))
  .get("/dashboard", (c) => showCampaigns(c))
  .post("/dashboard/campaigns", (c) =>
    handleForm(
      c,
      "campaign",
      async (form) => {
        const currency = (form.text("currency") ?? "EUR").toUpperCase();
        const body = form.parse(createCampaignBody, {
          name: form.text("name"),
          objective: form.text("objective"),
          currency: form.text("currency"),
          budget: form.money("budget", currency),
          // Days of the campaign's zone (the form's time zone field).
          starts_at: form.day("starts_at"),
          ends_at: form.day("ends_at"),
          emv_cpm: form.money("emv_cpm", currency),
          timezone: form.text("timezone"),
        });
        if (!body) return null;
        const row = await createCampaign(
          c.var.ctx.db,
          { ...toCampaignInput(body), name: body.name, objective: body.objective, currency: body.currency },
          c.var.ctx.clock,
        );
        return c.redirect(`/dashboard/campaigns/${row.id}`, 303);
      },
      (state) => showCampaigns(c, state),
    ),
  )
  .post("/dashboard/influencers", (c) => addInfluencer(c, "/dashboard", (state) => showCampaigns(c, state)))
  .get("/dashboard/campaigns/:id", (c) => showCampaign(c, c.req.param("id")))
  // The API's CSV report, for a signed-in browser (GET /api/v1/campaigns/:id/report.csv wants a key),
  // with its totals row: this file is opened by a person in a spreadsheet.
  .get("/dashboard/campaigns/:id/report.csv", async (c) => {
    const view = reportView((name) => c.req.query(name));
    const campaign = await findCampaign(c.var.ctx.db, c.req.param("id"));
    const report = await campaignReportCsv(
      c.var.ctx.db,
      campaign,
      viewPeriod(view, c.var.ctx.clock(), campaign.timezone),
      { sort: view.sort, totals: true },
      c.var.ctx.clock,
    );
    return c.body(report.csv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${report.filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
  })
  .post("/dashboard/campaigns/:id/influencers", (c) => {
    const id = c.req.param("id");
    return addInfluencer(c, `/dashboard/campaigns/${id}`, (state) => showCampaign(c, id, { state }));
  })
  .post("/dashboard/campaigns/:id/enrolments", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "enrolment",
      async (form) => {
        const campaign = await findCampaign(c.var.ctx.db, id);
        const influencerId = await influencerFromForm(c.var.ctx.db, form);
        const body = form.parse(enrolBody, enrolmentFromForm(form, campaign.currency));
        if (!body || !influencerId) return null;
        await enrol(c.var.ctx.db, id, influencerId, enrolmentTerms(body), c.var.ctx.clock);
        return c.redirect(`/dashboard/campaigns/${id}#leaderboard`, 303);
      },
      (state) => showCampaign(c, id, { state }),
    );
  })
  .post("/dashboard/campaigns/:id/links", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "link",
      async (form) => {
        const { timezone } = await findCampaign(c.var.ctx.db, id);
        const body = form.parse(createLinkBody, {
          campaign_id: id,
          influencer_id: await influencerFromForm(c.var.ctx.db, form),
          url: form.text("url"),
          slug: form.text("slug"),
          // The last day of the campaign's zone the link works.
          expires_at: form.dayEnd("expires_at", timezone),
        });
        if (!body) return null;
        await createLinkAndRefreshCache(
          c.var.ctx.db,
          c.env,
          {
            campaignId: id,
            influencerId: body.influencer_id,
            url: body.url,
            slug: body.slug,
            expiresAt: body.expires_at,
          },
          c.var.ctx.clock,
        );
        return c.redirect(`/dashboard/campaigns/${id}#links`, 303);
      },
      (state) => showCampaign(c, id, { state }),
    );
  })
  .post("/dashboard/campaigns/:id/codes", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "code",
      async (form) => {
        const body = form.parse(createCodeBody, {
          code: form.text("code"),
          campaign_id: id,
          influencer_id: await influencerFromForm(c.var.ctx.db, form),
          max_redemptions: form.number("max_redemptions"),
        });
        if (!body) return null;
        await createPromoCode(
          c.var.ctx.db,
          {
            code: body.code,
            campaignId: id,
            influencerId: body.influencer_id,
            maxRedemptions: body.max_redemptions,
          },
          c.var.ctx.clock,
        );
        return c.redirect(`/dashboard/campaigns/${id}#codes`, 303);
      },
      (state) => showCampaign(c, id, { state }),
    );
  })
  .post("/dashboard/campaigns/:id/share-links", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "share",
      async (form) => {
        const body = form.parse(shareLinkForm, { days: form.number("days"), label: form.text("label") });
        if (!body) return null;
        const { token } = await createShareLink(c.var.ctx.db, { campaignId: id, ...body }, c.var.ctx.clock);
        // The token exists only in this response: the page shows it once instead of redirecting.
        return showCampaign(c, id, { newShareUrl: `${new URL(c.req.url).origin}/r/${token}` });
      },
      (state) => showCampaign(c, id, { state }),
    );
  })
  .post("/dashboard/campaigns/:id/goals", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "goal",
      async (form) => {
        const db = c.var.ctx.db;
        const campaign = await findCampaign(db, id);
        // The target is typed as the page shows the metric: 12.50 in the currency, 2.5 for 2.5 %.
        const metric = form.text("metric");
        const kind = isMetricField(metric) ? metricKind(metric) : "number";
        const target =
          kind === "money"
            ? form.money("target", campaign.currency)
            : kind === "percent"
              ? form.percent("target")
              : form.number("target");
        // The due date is a day of the campaign's zone: due by its end.
        const body = form.parse(goalSchema, { metric, target, due: form.day("due") });
        if (!body) return null;
        const goal = resolveGoal({ ...body, due: body.due ?? null }, campaign.timezone);
        const added = addGoal(campaign.goals, goal);
        if (added.outcome === "too_many") {
          form.errors.metric = fill(form.words.maxGoals, { n: String(MAX_GOALS) });
          return null;
        }
        if (added.outcome === "added") await updateCampaign(db, id, { goals: added.goals }, c.var.ctx.clock);
        return c.redirect(`/dashboard/campaigns/${id}#goals`, 303);
      },
      (state) => showCampaign(c, id, { state }),
    );
  })
  .post("/dashboard/campaigns/:id/goals/remove", async (c) => {
    const id = c.req.param("id");
    const { goal } = formValues(await c.req.parseBody());
    const db = c.var.ctx.db;
    const campaign = await findCampaign(db, id);
    const goals = removeGoal(campaign.goals, goal ?? "");
    if (goals) await updateCampaign(db, id, { goals }, c.var.ctx.clock);
    return c.redirect(`/dashboard/campaigns/${id}#goals`, 303);
  })
  .post("/dashboard/share-links/:id/revoke", async (c) => {
    const row = await revokeShareLink(c.var.ctx.db, c.req.param("id"), c.var.ctx.clock);
    return c.redirect(`/dashboard/campaigns/${row.campaignId}#share`, 303);
  })
  .post("/dashboard/rollup", async (c) => {
    const body = await c.req.parseBody();
    // The same on-demand run as POST /api/v1/rollup.
    await runRollup(c.env.DB, c.var.ctx.clock, { trigger: "api" });
    return c.redirect(backTo(typeof body.back === "string" ? body.back : undefined, "/dashboard"), 303);
  });

function addInfluencer(c: PageContext, back: string, again: (state: FormState) => Promise<Response>) {
  return handleForm(
    c,
    "influencer",
    async (form) => {
      const body = form.parse(createInfluencerBody, {
        handle: form.text("handle"),
        platform: form.text("platform"),
        name: form.text("name"),
        followers: form.number("followers"),
      });
      if (!body) return null;
      await createInfluencer(c.var.ctx.db, body, c.var.ctx.clock);
      return c.redirect(back, 303);
    },
    again,
  );
}
