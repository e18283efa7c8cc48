import type { FC } from "hono/jsx";
import type { Balance, InfluencerBalance } from "../../src/commissions/entries";
import type { OwnPayout } from "../../src/commissions/payouts";
import { HandleLink } from "./handle-link";
import { DataTable, type Ui } from "./layout";

// Earnings (the commission ledger's balances) as the campaign, influencer and portal pages show
// them: per currency, since money never adds across currencies. With handles, one row per
// influencer and currency (the campaign page); without, one influencer's rows.
export const EarningsSection: FC<{
  ui: Ui;
  rows: (Balance | InfluencerBalance)[];
  title?: string;
}> = ({ ui, rows, title }) => {
  const e = ui.t.earnings;
  const byInfluencer = rows.some((row) => "handle" in row);
  return (
    <section aria-labelledby="earnings">
      <h2 id="earnings">{title ?? e.title}</h2>
      {rows.length === 0 ? (
        <p class="muted">{e.none}</p>
      ) : (
        <DataTable
          caption={e.caption}
          columns={[
            ...(byInfluencer ? [{ label: ui.t.influencer }] : []),
            { label: ui.t.currency },
            { label: e.pending, num: true },
            { label: e.payable, num: true },
            { label: e.paid, num: true },
          ]}
        >
          {rows.map((row) => (
            <tr data-earnings={"handle" in row ? `${row.influencerId}:${row.currency}` : row.currency}>
              {"handle" in row ? (
                <th scope="row">
                  <HandleLink ui={ui} id={row.influencerId} handle={row.handle} />
                </th>
              ) : null}
              {"handle" in row ? <td>{row.currency}</td> : <th scope="row">{row.currency}</th>}
              <td class="num" data-status="pending">
                {ui.fmt.money(row.pending, row.currency)}
              </td>
              <td class="num" data-status="payable">
                {ui.fmt.money(row.payable, row.currency)}
              </td>
              <td class="num" data-status="paid">
                {ui.fmt.money(row.paid, row.currency)}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
};

// An influencer's own payouts (the portal): only their own line of each.
export const OwnPayouts: FC<{ ui: Ui; payouts: OwnPayout[] }> = ({ ui, payouts }) => {
  const e = ui.t.earnings;
  return (
    <section aria-labelledby="own-payouts">
      <h2 id="own-payouts">{e.yourPayouts}</h2>
      {payouts.length === 0 ? (
        <p class="muted">{e.noPayouts}</p>
      ) : (
        <DataTable
          columns={[
            { label: e.created },
            { label: e.status },
            { label: e.amount, num: true },
            { label: e.entries, num: true },
            { label: e.paidAt },
            { label: e.reference },
          ]}
        >
          {payouts.map((payout) => (
            <tr data-own-payout={payout.id}>
              <th scope="row">{ui.fmt.dateTime(payout.createdAt)}</th>
              <td>{e.statuses[payout.status]}</td>
              <td class="num" data-amount>
                {ui.fmt.money(payout.amount, payout.currency)}
              </td>
              <td class="num">{ui.fmt.integer(payout.entries)}</td>
              <td>{payout.paidAt ? ui.fmt.dateTime(payout.paidAt) : "–"}</td>
              <td class="mono">{payout.reference ?? "–"}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
};
