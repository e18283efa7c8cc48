import { env } from "cloudflare:workers";

export type Row = Record<string, number | string>;
const rowKey = (r: Row) => `${r.day}|${r.influencer_id}|${r.link_id}`;
const byKey = (a: Row, b: Row) => (rowKey(a) < rowKey(b) ? -1 : rowKey(a) > rowKey(b) ? 1 : 0);

// The figures recomputed straight from the raw tables, written here rather than borrowed from
// the rollup, so a wrong rollup cannot agree with itself.
export async function fromRawEvents(campaignId: string) {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const figures = new Map<string, Row>();
  const at = (d: string, influencer: string, link: string) => {
    const key = `${d}|${influencer}|${link}`;
    let row = figures.get(key);
    if (!row) {
      row = {
        day: d,
        influencer_id: influencer,
        link_id: link,
        clicks: 0,
        bot_clicks: 0,
        unique_clicks: 0,
        leads: 0,
        conversions: 0,
        revenue: 0,
        refunds: 0,
      };
      figures.set(key, row);
    }
    return row;
  };
  const clicks = await env.DB.prepare("SELECT * FROM clicks WHERE campaign_id = ?")
    .bind(campaignId)
    .all<Row>();
  const firsts = new Set<string>();
  for (const c of [...clicks.results].sort((a, b) => Number(a.clicked_at) - Number(b.clicked_at))) {
    const row = at(String(c.day), String(c.influencer_id), String(c.link_id));
    if (c.is_bot) row.bot_clicks = Number(row.bot_clicks) + 1;
    else {
      row.clicks = Number(row.clicks) + 1;
      const visit = `${c.link_id}|${c.day}|${c.visitor_hash}`;
      if (!firsts.has(visit)) {
        firsts.add(visit);
        row.unique_clicks = Number(row.unique_clicks) + 1;
      }
    }
  }
  const conversions = await env.DB.prepare("SELECT * FROM conversions WHERE campaign_id = ?")
    .bind(campaignId)
    .all<Row>();
  for (const c of conversions.results) {
    const row = at(day(Number(c.occurred_at)), String(c.influencer_id), String(c.link_id ?? ""));
    if (c.type === "lead") row.leads = Number(row.leads) + 1;
    else {
      row.conversions = Number(row.conversions) + 1;
      row.revenue = Number(row.revenue) + Number(c.amount);
    }
  }
  const refunds = await env.DB.prepare(
    "SELECT r.*, c.link_id FROM refunds r JOIN conversions c ON c.id = r.conversion_id WHERE r.campaign_id = ?",
  )
    .bind(campaignId)
    .all<Row>();
  for (const r of refunds.results) {
    const row = at(day(Number(r.occurred_at)), String(r.influencer_id), String(r.link_id ?? ""));
    row.refunds = Number(row.refunds) + Number(r.amount);
  }
  return [...figures.values()].sort(byKey);
}

export async function rolledUp(campaignId: string) {
  const { results } = await env.DB.prepare(
    `SELECT day, influencer_id, link_id, clicks, bot_clicks, unique_clicks, leads, conversions, revenue, refunds
     FROM rollup_daily WHERE campaign_id = ?`,
  )
    .bind(campaignId)
    .all<Row>();
  return [...results].sort(byKey);
}
