import { env } from "cloudflare:workers";

export type Row = Record<string, number | string>;
const rowKey = (r: Row) => `${r.day}|${r.influencer_id}|${r.link_id}`;
const byKey = (a: Row, b: Row) => (rowKey(a) < rowKey(b) ? -1 : rowKey(a) > rowKey(b) ? 1 : 0);

// The test's own rule for bots, from the user agents it sends: none, or one naming itself a bot.
// Not isbot's list, which the code uses: a wrong flag in the code cannot agree with itself.
export const isBotAgent = (userAgent: string) => userAgent === "" || /bot|crawler|spider/i.test(userAgent);

const utcDayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// The figures a day has, per influencer and link, before any ratio.
export const DAILY_FIGURES = [
  "clicks",
  "unique_clicks",
  "bot_clicks",
  "leads",
  "conversions",
  "code_conversions",
  "click_conversions",
  "revenue",
  "refunds",
] as const;
export type DailyFigures = Record<(typeof DAILY_FIGURES)[number], number>;
export const noFigures = () => Object.fromEntries(DAILY_FIGURES.map((f) => [f, 0])) as DailyFigures;

type Link = { id: string; influencer_id: string };
// How the test sent a sale: with a promo code, or with a click id (its own, or its customer's lead's).
type Path = "code" | "click";
type Attributed = { influencerId: string; linkId: string };

// Everything a test sent, as it sent it, so that the rollup can be checked against a
// recomputation that reads nothing the code wrote: no `day`, no `is_bot`, no attribution. Days come
// from the times sent, bots from the user agents sent, and each sale's influencer from the link
// whose click it came with, the code it used, or the lead of its customer.
export class SentEvents {
  private readonly clicks: { id: string; link: Link; at: number; userAgent: string; visitor: string }[] = [];
  private readonly clickLinks = new Map<string, Link>();
  private readonly leads = new Map<string, Attributed>();
  private readonly orders = new Map<string, Attributed>();
  private readonly conversions: {
    type: "lead" | "sale";
    at: number;
    amount: number;
    to: Attributed;
    path: Path;
  }[] = [];
  private readonly refunds: { at: number; amount: number; to: Attributed }[] = [];

  // A click on `link` at `at`; `visitor` is who clicked as the test knows them (an address and a
  // user agent, or the visitor hash it sent).
  click(id: string, created: Record<string, unknown>, at: number, userAgent: string, visitor: string) {
    // The link as the test created it: its id, and the influencer the test made it for.
    const link = { id: String(created.id), influencer_id: String(created.influencer_id) };
    this.clicks.push({ id, link, at, userAgent, visitor });
    this.clickLinks.set(id, link);
  }

  private byClick(clickId: string): Attributed {
    const link = this.clickLinks.get(clickId);
    if (!link) throw new Error(`the test sent no click ${clickId}`);
    return { influencerId: link.influencer_id, linkId: link.id };
  }

  leadByClick(customer: string, clickId: string, at: number) {
    const to = this.byClick(clickId);
    this.leads.set(customer, to);
    this.conversions.push({ type: "lead", at, amount: 0, to, path: "click" });
  }

  saleByClick(orderId: string, clickId: string, amount: number, at: number) {
    this.sale(orderId, this.byClick(clickId), amount, at, "click");
  }

  saleByCustomer(orderId: string, customer: string, amount: number, at: number) {
    const to = this.leads.get(customer);
    if (!to) throw new Error(`the test sent no lead of ${customer}`);
    this.sale(orderId, to, amount, at, "click");
  }

  saleByCode(orderId: string, influencerId: string, amount: number, at: number) {
    this.sale(orderId, { influencerId, linkId: "" }, amount, at, "code");
  }

  private sale(orderId: string, to: Attributed, amount: number, at: number, path: Path) {
    this.orders.set(orderId, to);
    this.conversions.push({ type: "sale", at, amount, to, path });
  }

  refund(orderId: string, amount: number, at: number) {
    const to = this.orders.get(orderId);
    if (!to) throw new Error(`the test sent no order ${orderId}`);
    this.refunds.push({ at, amount, to });
  }

  // The rows rollup_daily should hold for what was sent.
  figures(): Row[] {
    const figures = new Map<string, Row>();
    const at = (day: string, influencer: string, link: string) => {
      const key = `${day}|${influencer}|${link}`;
      let row = figures.get(key);
      if (!row) {
        row = { day, influencer_id: influencer, link_id: link, ...noFigures() };
        figures.set(key, row);
      }
      return row;
    };
    const add = (row: Row, field: string, n: number) => {
      row[field] = Number(row[field]) + n;
    };
    const visits = new Set<string>();
    for (const c of this.clicks) {
      const day = utcDayOf(c.at);
      const row = at(day, c.link.influencer_id, c.link.id);
      if (isBotAgent(c.userAgent)) {
        add(row, "bot_clicks", 1);
        continue;
      }
      add(row, "clicks", 1);
      const visit = `${c.link.id}|${day}|${c.visitor}`;
      if (!visits.has(visit)) {
        visits.add(visit);
        add(row, "unique_clicks", 1);
      }
    }
    for (const c of this.conversions) {
      const row = at(utcDayOf(c.at), c.to.influencerId, c.to.linkId);
      if (c.type === "lead") add(row, "leads", 1);
      else {
        add(row, "conversions", 1);
        add(row, c.path === "code" ? "code_conversions" : "click_conversions", 1);
        add(row, "revenue", c.amount);
      }
    }
    for (const r of this.refunds)
      add(at(utcDayOf(r.at), r.to.influencerId, r.to.linkId), "refunds", r.amount);
    return [...figures.values()].sort(byKey);
  }
}

export async function rolledUp(campaignId: string) {
  const { results } = await env.DB.prepare(
    `SELECT day, influencer_id, link_id, clicks, bot_clicks, unique_clicks, leads, conversions, code_conversions,
            click_conversions, revenue, refunds
     FROM rollup_daily WHERE campaign_id = ?`,
  )
    .bind(campaignId)
    .all<Row>();
  return [...results].sort(byKey);
}
