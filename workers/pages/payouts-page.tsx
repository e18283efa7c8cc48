import type { FC } from "hono/jsx";
import type { PayableLine, Payout } from "../../src/commissions/payouts";
import { HandleLink } from "./handle-link";
import { fill } from "./i18n";
import { DataTable, Field, Form, FormMessage, type FormState, Layout, type Ui } from "./layout";
import { type ListView, Pager } from "./list-controls";

const payoutPath = (id: string) => `/dashboard/payouts/${id}`;

const PayoutLines: FC<{ ui: Ui; payout: Payout }> = ({ ui, payout }) => {
  const e = ui.t.earnings;
  return (
    <DataTable
      caption={e.linesCaption}
      columns={[{ label: ui.t.influencer }, { label: e.amount, num: true }, { label: e.entries, num: true }]}
    >
      {payout.lines.map((line) => (
        <tr data-payout-line={line.influencerId}>
          <th scope="row">
            <HandleLink ui={ui} id={line.influencerId} handle={line.handle} />
          </th>
          <td class="num" data-amount>
            {ui.fmt.money(line.amount, payout.currency)}
          </td>
          <td class="num">{ui.fmt.integer(line.entries)}</td>
        </tr>
      ))}
      <tr class="total">
        <th scope="row">{e.total}</th>
        <td class="num" data-total>
          {ui.fmt.money(payout.total, payout.currency)}
        </td>
        <td class="num">{ui.fmt.integer(payout.lines.reduce((n, line) => n + line.entries, 0))}</td>
      </tr>
    </DataTable>
  );
};

// The payouts page: what is payable now (what a payout would hold), the form that makes one, and
// the payouts made, newest first.
export const PayoutsPage: FC<{
  ui: Ui;
  payouts: Payout[];
  payable: PayableLine[];
  view: ListView;
  nextCursor: string | null;
  formKey: string;
  state?: FormState | undefined;
}> = ({ ui, payouts, payable, view, nextCursor, formKey, state }) => {
  const e = ui.t.earnings;
  const currencies = [...new Set(payable.map((line) => line.currency))];
  return (
    <Layout ui={ui} title={e.payouts} nav={<a href="/dashboard">{ui.t.campaigns}</a>}>
      <h1>{e.payouts}</h1>
      <section aria-labelledby="payable-now">
        <h2 id="payable-now">{e.payableNow}</h2>
        {payable.length === 0 ? (
          <p class="muted">{e.nothingPayableNow}</p>
        ) : (
          <DataTable
            caption={e.payableNowCaption}
            columns={[
              { label: ui.t.influencer },
              { label: ui.t.currency },
              { label: e.amount, num: true },
              { label: e.entries, num: true },
            ]}
          >
            {payable.map((line) => (
              <tr data-payable={`${line.influencerId}:${line.currency}`}>
                <th scope="row">
                  <HandleLink ui={ui} id={line.influencerId} handle={line.handle} />
                </th>
                <td>{line.currency}</td>
                <td class="num" data-amount>
                  {ui.fmt.money(line.amount, line.currency)}
                </td>
                <td class="num">{ui.fmt.integer(line.entries)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <Form ui={ui} action="/dashboard/payouts" label={e.create}>
        <h2>{e.create}</h2>
        <p class="muted">{e.createIntro}</p>
        <FormMessage ui={ui} state={state} form="payout" />
        {/* A second send of this form (a double click, a reload) answers the payout the first made. */}
        <input type="hidden" name="key" value={formKey} />
        <Field
          form="payout"
          state={state}
          name="currency"
          label={ui.t.currency}
          required
          value={currencies[0] ?? "EUR"}
        />
        <Field form="payout" state={state} name="min_amount" label={e.minAmount} placeholder="0.01" />
        <button type="submit">{e.create}</button>
      </Form>
      <section aria-labelledby="payouts-list">
        <h2 id="payouts-list">{e.allPayouts}</h2>
        {payouts.length === 0 ? (
          <p class="muted">{ui.t.earnings.noPayouts}</p>
        ) : (
          <DataTable
            columns={[
              { label: e.payout },
              { label: e.created },
              { label: e.status },
              { label: ui.t.currency },
              { label: e.total, num: true },
              { label: e.lines, num: true },
            ]}
          >
            {payouts.map((payout) => (
              <tr data-payout={payout.id}>
                <th scope="row">
                  <a href={payoutPath(payout.id)} class="mono">
                    {payout.id}
                  </a>
                </th>
                <td>{ui.fmt.dateTime(payout.createdAt)}</td>
                <td>{e.statuses[payout.status]}</td>
                <td>{payout.currency}</td>
                <td class="num">{ui.fmt.money(payout.total, payout.currency)}</td>
                <td class="num">{ui.fmt.integer(payout.lines.length)}</td>
              </tr>
            ))}
          </DataTable>
        )}
        <Pager ui={ui} view={view} label={e.payouts} nextCursor={nextCursor} empty={payouts.length === 0} />
      </section>
    </Layout>
  );
};

// One payout: its lines, the file for the bank, and (while a draft) the form that marks it paid.
export const PayoutPage: FC<{ ui: Ui; payout: Payout; state?: FormState | undefined }> = ({
  ui,
  payout,
  state,
}) => {
  const e = ui.t.earnings;
  const title = fill(e.payoutTitle, { id: payout.id });
  return (
    <Layout ui={ui} title={title} nav={<a href="/dashboard/payouts">{e.payouts}</a>}>
      <h1 data-payout-page={payout.id}>{title}</h1>
      <dl class="facts">
        <dt>{e.status}</dt>
        <dd data-payout-status={payout.status}>{e.statuses[payout.status]}</dd>
        <dt>{e.created}</dt>
        <dd>{ui.fmt.dateTime(payout.createdAt)}</dd>
        <dt>{e.total}</dt>
        <dd>{ui.fmt.money(payout.total, payout.currency)}</dd>
        {payout.paidAt ? (
          <>
            <dt>{e.paidAt}</dt>
            <dd>{ui.fmt.dateTime(payout.paidAt)}</dd>
          </>
        ) : null}
        {payout.reference ? (
          <>
            <dt>{e.reference}</dt>
            <dd class="mono" data-reference>
              {payout.reference}
            </dd>
          </>
        ) : null}
      </dl>
      <div class="row">
        <a class="button secondary" href={`${payoutPath(payout.id)}/lines.csv`} download>
          {e.downloadLines}
        </a>
      </div>
      <section aria-labelledby="lines">
        <h2 id="lines">{e.lines}</h2>
        <PayoutLines ui={ui} payout={payout} />
      </section>
      {payout.status === "draft" ? (
        <Form ui={ui} action={`${payoutPath(payout.id)}/paid`} label={e.markPaid}>
          <h2>{e.markPaid}</h2>
          <p class="muted">{e.markPaidIntro}</p>
          <FormMessage ui={ui} state={state} form="paid" />
          <Field form="paid" state={state} name="reference" label={e.referenceOptional} />
          <button type="submit">{e.markPaid}</button>
        </Form>
      ) : null}
    </Layout>
  );
};
