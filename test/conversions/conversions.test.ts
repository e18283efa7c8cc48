import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newClickId } from "../../src/clicks/click-id";
import {
  api,
  clickRows,
  createKey,
  createLink,
  expectError,
  follow,
  unique,
  waitForClicks,
} from "../support/helpers";
import { capturedClick, clicksMessage, deliver } from "../support/queue-helpers";

const DAY = 86_400_000;
const MINUTE = 60_000;

// A click id as the redirect issues it, for a click at `at`.
const issued = (linkId: string, at: number) => newClickId(env.SIGNING_SECRET, linkId, at);

async function clickedLink(overrides: Record<string, unknown> = {}) {
  const link = await createLink(overrides);
  const res = await follow(link.slug);
  const clickId = new URL(res.headers.get("Location") as string).searchParams.get("sl_cid") as string;
  return { link, clickId };
}

// A click issued two days ago, on a link of a campaign whose attribution window is one day.
async function clickOutsideWindow() {
  const checkout = (await createKey("checkout")).key;
  const link = await createLink();
  await api("PATCH", `/campaigns/${link.campaign_id}`, { body: { attribution_window_days: 1 } });
  const old = issued(link.id, Date.now() - 2 * DAY);
  expectError(
    await api("POST", "/conversions", { key: checkout, body: sale({ click_id: old }) }),
    422,
    "unattributed",
  );
  return { checkout, link, old };
}

const sale = (overrides: Record<string, unknown> = {}) => ({
  type: "sale",
  customer_id: unique("cus_"),
  order_id: `ord_${crypto.randomUUID()}`,
  amount: 12_000,
  currency: "EUR",
  ...overrides,
});

describe("POST /conversions", () => {
  it("attributes a sale to a click that the queue has not written yet", async () => {
    const checkout = (await createKey("checkout")).key;
    const { link, clickId } = await clickedLink();
    // The click is still in the isolate's buffer or the queue: no row yet.
    expect(await clickRows(link.id)).toHaveLength(0);
    const res = await api("POST", "/conversions", { key: checkout, body: sale({ click_id: clickId }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: "sale",
      attribution: "click",
      campaign_id: link.campaign_id,
      influencer_id: link.influencer_id,
      link_id: link.id,
      click_id: clickId,
      amount: 12_000,
      currency: "EUR",
    });
    expect(res.body.id).toMatch(/^cnv_/);
    // And once the click lands, it is the same click.
    const [row] = await waitForClicks(link.id, 1);
    expect(row?.id).toBe(clickId);
  });

  it("refuses a click outside the campaign's attribution window, and an id that is no click id", async () => {
    const { checkout, link } = await clickOutsideWindow();
    const future = issued(link.id, Date.now() + DAY);
    expectError(
      await api("POST", "/conversions", { key: checkout, body: sale({ click_id: future }) }),
      422,
      "unattributed",
    );
    for (const clickId of ["clk_nonsense", "lnk_x", "x".repeat(200)]) {
      expectError(
        await api("POST", "/conversions", { key: checkout, body: sale({ click_id: clickId }) }),
        422,
        "invalid_click_id",
      );
    }
    const inside = issued(link.id, Date.now() - DAY / 2);
    expect(
      (await api("POST", "/conversions", { key: checkout, body: sale({ click_id: inside }) })).status,
    ).toBe(201);
  });

  it("attributes a click exactly window_days old, to the millisecond, and none a millisecond older", async () => {
    const checkout = (await createKey("checkout")).key;
    const link = await createLink();
    await api("PATCH", `/campaigns/${link.campaign_id}`, { body: { attribution_window_days: 7 } });
    const at = Date.now() - 30 * DAY;
    // The click as an id only (its row not written yet), then as a row the queue has written.
    const unwritten = issued(link.id, at);
    const written = issued(link.id, at);
    await deliver([
      clicksMessage(
        capturedClick({
          id: written,
          link_id: link.id,
          campaign_id: link.campaign_id,
          influencer_id: link.influencer_id,
          clicked_at: at,
        }),
      ),
    ]);
    await waitForClicks(link.id, 1);
    const saleAt = (clickId: string, occurred: number) =>
      api("POST", "/conversions", {
        key: checkout,
        body: sale({ click_id: clickId, occurred_at: new Date(occurred).toISOString() }),
      });
    for (const clickId of [unwritten, written]) {
      const last = await saleAt(clickId, at + 7 * DAY);
      expect(last.status, JSON.stringify(last.body)).toBe(201);
      expect(last.body).toMatchObject({
        attribution: "click",
        click_id: clickId,
        influencer_id: link.influencer_id,
      });
      expectError(await saleAt(clickId, at + 7 * DAY + 1), 422, "unattributed");
      // A click a little after the sale is allowed for (the shop's clock and the edge's differ), so far.
      expect((await saleAt(clickId, at - 5 * MINUTE)).status).toBe(201);
      expectError(await saleAt(clickId, at - 5 * MINUTE - 1), 422, "unattributed");
    }
  });

  it("counts a lead once per customer and campaign, and attributes the customer's later sales to it", async () => {
    const checkout = (await createKey("checkout")).key;
    const { link, clickId } = await clickedLink();
    const customer = unique("cus_");
    const lead = await api("POST", "/conversions", {
      key: checkout,
      body: { type: "lead", customer_id: customer, click_id: clickId },
    });
    expect(lead.status).toBe(201);
    expect(lead.body).toMatchObject({
      type: "lead",
      attribution: "click",
      influencer_id: link.influencer_id,
    });
    const again = await api("POST", "/conversions", {
      key: checkout,
      body: { type: "lead", customer_id: customer },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(lead.body);

    // Attributed by the lead, a sale is in the lead's campaign's currency too.
    expectError(
      await api("POST", "/conversions", {
        key: checkout,
        body: sale({ customer_id: customer, currency: "USD" }),
      }),
      422,
      "currency_mismatch",
    );
    const later = await api("POST", "/conversions", { key: checkout, body: sale({ customer_id: customer }) });
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({
      attribution: "customer",
      influencer_id: link.influencer_id,
      campaign_id: link.campaign_id,
    });
    expectError(
      await api("POST", "/conversions", { key: checkout, body: sale({ customer_id: unique("stranger_") }) }),
      422,
      "unattributed",
    );
  });

  it("counts a sale once per order_id, also under concurrency; another body is 409", async () => {
    const checkout = (await createKey("checkout")).key;
    const { clickId } = await clickedLink();
    const body = sale({ click_id: clickId });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api("POST", "/conversions", { key: checkout, body })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    expectError(
      await api("POST", "/conversions", { key: checkout, body: { ...body, amount: 1 } }),
      409,
      "order_conflict",
    );
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversions WHERE order_id = ?")
      .bind(body.order_id)
      .first<{ n: number }>();
    expect(row?.n).toBe(1);
  });

  it("leaves an order attributed through a promo code with the code's influencer", async () => {
    const checkout = (await createKey("checkout")).key;
    const codeLink = await createLink();
    const code = await api("POST", "/codes", {
      body: {
        code: unique("PREC").slice(0, 32),
        campaign_id: codeLink.campaign_id,
        influencer_id: codeLink.influencer_id,
      },
    });
    const orderId = `ord_${crypto.randomUUID()}`;
    const redeemed = await api("POST", "/redemptions", {
      key: checkout,
      body: { code: code.body.code, order_id: orderId, amount: 5_000, currency: "EUR" },
    });
    expect(redeemed.status).toBe(201);
    const { link: other, clickId } = await clickedLink();
    expect(other.influencer_id).not.toBe(codeLink.influencer_id);
    const res = await api("POST", "/conversions", {
      key: checkout,
      body: sale({ order_id: orderId, amount: 5_000, click_id: clickId }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: redeemed.body.id,
      attribution: "code",
      influencer_id: codeLink.influencer_id,
    });
  });

  it("validates: a sale needs order_id, amount and currency; currency must be the campaign's", async () => {
    const checkout = (await createKey("checkout")).key;
    const { clickId } = await clickedLink();
    const res = await api("POST", "/conversions", {
      key: checkout,
      body: { type: "sale", customer_id: "c1", click_id: clickId },
    });
    expectError(res, 422, "validation_failed");
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      "amount",
      "currency",
      "order_id",
    ]);
    expectError(
      await api("POST", "/conversions", { key: checkout, body: { type: "refund", customer_id: "c1" } }),
      422,
      "validation_failed",
    );
    expectError(
      await api("POST", "/conversions", {
        key: checkout,
        body: sale({ click_id: clickId, currency: "USD" }),
      }),
      422,
      "currency_mismatch",
    );
  });
});

// What someone who has seen one sl_cid can write: its parts rearranged, without a MAC or with a
// made-up one. Click ids are `clk_` + 9 digits of time + the link id's 16 characters + 6
// random ones, then the MAC.
const TIME = [4, 13] as const;
const LINK = [13, 29] as const;
const base36Time = (at: number) => at.toString(36).padStart(9, "0");
const withTime = (clickId: string, at: number) =>
  clickId.slice(0, TIME[0]) + base36Time(at) + clickId.slice(TIME[1]);
const withLink = (clickId: string, linkId: string) =>
  clickId.slice(0, LINK[0]) + linkId.slice("lnk_".length) + clickId.slice(LINK[1]);

async function conversionsOfCustomer(customerId: string) {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversions WHERE customer_id = ?")
    .bind(customerId)
    .first<{ n: number }>();
  return row?.n;
}

describe("signed click ids", () => {
  it("refuses an id the redirect never issued, for a sale and for a lead, and records nothing", async () => {
    const checkout = (await createKey("checkout")).key;
    const { link } = await clickedLink();
    const unsigned = `clk_${base36Time(Date.now())}${link.id.slice("lnk_".length)}AbCdEf`;
    for (const clickId of [unsigned, `${unsigned}0123456789abcdef`]) {
      const buyer = unique("cus_");
      expectError(
        await api("POST", "/conversions", {
          key: checkout,
          body: sale({ customer_id: buyer, click_id: clickId }),
        }),
        422,
        "invalid_click_id",
      );
      expectError(
        await api("POST", "/conversions", {
          key: checkout,
          body: { type: "lead", customer_id: buyer, click_id: clickId },
        }),
        422,
        "invalid_click_id",
      );
      expect(await conversionsOfCustomer(buyer)).toBe(0);
    }
  });

  it("refuses a real click whose time was moved to now, out of an expired window", async () => {
    const { checkout, old } = await clickOutsideWindow();
    expectError(
      await api("POST", "/conversions", {
        key: checkout,
        body: sale({ click_id: withTime(old, Date.now()) }),
      }),
      422,
      "invalid_click_id",
    );
  });

  it("refuses a real click id given another link's id", async () => {
    const checkout = (await createKey("checkout")).key;
    const { link, clickId } = await clickedLink();
    const other = await createLink();
    const moved = withLink(clickId, other.id);
    expect(moved).not.toBe(clickId);
    expectError(
      await api("POST", "/conversions", { key: checkout, body: sale({ click_id: moved }) }),
      422,
      "invalid_click_id",
    );
    // The real one still attributes, to its own link.
    const real = await api("POST", "/conversions", { key: checkout, body: sale({ click_id: clickId }) });
    expect(real.status).toBe(201);
    expect(real.body.link_id).toBe(link.id);
  });

  it("attributes a real click of a link that was disabled after the click", async () => {
    const checkout = (await createKey("checkout")).key;
    const { link, clickId } = await clickedLink();
    expect((await api("PATCH", `/links/${link.id}`, { body: { disabled: true } })).status).toBe(200);
    expect((await follow(link.slug)).status).toBe(410);
    const res = await api("POST", "/conversions", { key: checkout, body: sale({ click_id: clickId }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ attribution: "click", link_id: link.id, click_id: clickId });
  });
});
