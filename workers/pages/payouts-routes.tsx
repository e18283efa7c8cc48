import { Hono } from "hono";
import {
  createPayout,
  findPayout,
  listPayouts,
  markPayoutPaid,
  payableNow,
  payoutLinesCsv,
} from "../../src/commissions/payouts";
import { DomainError } from "../../src/errors";
import { paidBody, payoutBody } from "../schemas/commissions";
import { handleForm, uiAt } from "./dashboard-routes";
import type { FormState } from "./layout";
import { listView } from "./list-controls";
import { type PageContext, type PageEnv, render, requireSession } from "./page-context";
import { PayoutPage, PayoutsPage } from "./payouts-page";

// The payouts pages (issue 20, point 5): the API's payouts for a signed-in admin, through the same
// domain functions and request schemas as /api/v1/payouts.

const LIST = { limit: 50 };
const MAX_KEY = 200;

async function showPayouts(c: PageContext, state?: FormState) {
  const { db, clock } = c.var.ctx;
  const view = listView((name) => c.req.query(name));
  const [page, payable] = await Promise.all([
    listPayouts(db, { ...LIST, cursor: view.cursor }),
    payableNow(db, clock),
  ]);
  return render(
    c,
    <PayoutsPage
      ui={uiAt(c, "/dashboard/payouts")}
      payouts={page.data}
      payable={payable}
      view={view}
      nextCursor={page.next_cursor}
      // A refused form keeps its key: sent again as it was, it still makes one payout.
      formKey={state?.values.key ?? crypto.randomUUID()}
      state={state}
    />,
    state ? 422 : 200,
  );
}

async function showPayout(c: PageContext, id: string, state?: FormState) {
  const payout = await findPayout(c.var.ctx.db, id);
  return render(
    c,
    <PayoutPage ui={uiAt(c, `/dashboard/payouts/${id}`)} payout={payout} state={state} />,
    state ? 422 : 200,
  );
}

export const payoutsRoutes = new Hono<PageEnv>()
  .use("/dashboard/*", requireSession("admin"))
  .get("/dashboard/payouts", (c) => showPayouts(c))
  .post("/dashboard/payouts", (c) =>
    handleForm(
      c,
      "payout",
      async (form) => {
        const currency = (form.text("currency") ?? "").toUpperCase();
        const body = form.parse(payoutBody, {
          currency: form.text("currency"),
          min_amount: form.money("min_amount", currency),
        });
        if (!body) return null;
        const key = form.text("key")?.slice(0, MAX_KEY);
        try {
          const { payout } = await createPayout(
            c.var.ctx.db,
            { currency: body.currency, minAmount: body.min_amount ?? 1, idempotencyKey: key },
            c.var.ctx.clock,
          );
          return c.redirect(`/dashboard/payouts/${payout.id}`, 303);
        } catch (error) {
          // The two refusals a payout's form can meet, worded on it in the page's language.
          if (!(error instanceof DomainError)) throw error;
          const e = c.get("ui").t.earnings;
          if (error.code === "nothing_payable") form.errors.min_amount = e.nothingPayable;
          else if (error.code === "idempotency_conflict") form.errors.min_amount = e.idempotencyConflict;
          else throw error;
          return null;
        }
      },
      (state) => showPayouts(c, state),
    ),
  )
  .get("/dashboard/payouts/:id", (c) => showPayout(c, c.req.param("id")))
  // The API's file for the bank (GET /api/v1/payouts/:id/lines.csv wants a key), for a signed-in browser.
  .get("/dashboard/payouts/:id/lines.csv", async (c) => {
    const id = c.req.param("id");
    const csv = await payoutLinesCsv(c.var.ctx.db, id);
    return c.body(csv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="payout-${id.replace(/[^A-Za-z0-9_-]/g, "")}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
  })
  .post("/dashboard/payouts/:id/paid", (c) => {
    const id = c.req.param("id");
    return handleForm(
      c,
      "paid",
      async (form) => {
        const body = form.parse(paidBody, { reference: form.text("reference") });
        if (!body) return null;
        await markPayoutPaid(c.var.ctx.db, id, body.reference, c.var.ctx.clock);
        return c.redirect(`/dashboard/payouts/${id}`, 303);
      },
      (state) => showPayout(c, id, state),
    );
  });
