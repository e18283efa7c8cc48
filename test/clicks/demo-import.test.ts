import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { verifyClickId } from "../../src/clicks/click-id";
import worker from "../../workers/index";
import {
  ADMIN,
  api,
  BASE,
  createCampaign,
  createKey,
  createLink,
  expectError,
  waitForClicks,
} from "../support/helpers";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const DAY = 86_400_000;

// The Worker as `npm run seed` runs it: the same env with SWAYLINE_DEMO_IMPORT set.
async function importClicks(body: unknown, key: string | null = ADMIN, enabled = "true") {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await worker.fetch(
    new Request(`${BASE}/api/v1/demo/clicks`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    }) as never,
    { ...env, SWAYLINE_DEMO_IMPORT: enabled },
    createExecutionContext(),
  );
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response fields and assert on them.
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function pastClick(linkId: string, clickedAt: number, extra: Record<string, unknown> = {}) {
  return {
    link_id: linkId,
    clicked_at: new Date(clickedAt).toISOString(),
    user_agent: IPHONE,
    referer: "https://www.instagram.com/",
    country: "FR",
    region: "Île-de-France",
    city: "Paris",
    visitor: "visitor-1",
    ...extra,
  };
}

describe("POST /demo/clicks", () => {
  it("does not exist unless SWAYLINE_DEMO_IMPORT is true, whatever the key", async () => {
    const link = await createLink();
    const body = { clicks: [pastClick(link.id, Date.now() - DAY)] };
    // The test env is wrangler.toml's, where the var is empty, as in a deployment.
    expect(env.SWAYLINE_DEMO_IMPORT).toBe("");
    expectError(await api("POST", "/demo/clicks", { body }), 404, "not_found");
    expectError(await api("POST", "/demo/clicks", { body, key: null }), 404, "not_found");
    for (const enabled of ["", "false", "1", "TRUE"]) {
      expectError(await importClicks(body, ADMIN, enabled), 404, "not_found");
    }
  });

  it("is refused to keys that are not admin, and to no key", async () => {
    const link = await createLink();
    const body = { clicks: [pastClick(link.id, Date.now() - DAY)] };
    expectError(await importClicks(body, null), 401, "unauthorized");
    expectError(await importClicks(body, "swl_not_a_real_key"), 401, "unauthorized");
    expectError(await importClicks(body, (await createKey("checkout")).key), 403, "forbidden");
    expect(await waitAWhileForNoClicks(link.id)).toBe(0);
  });

  it("queues past clicks that the consumer writes and the rollup counts on their own day", async () => {
    const campaign = await createCampaign();
    const link = await createLink({
      campaign_id: campaign.id,
      influencer_id: (await createLink()).influencer_id,
    });
    const tenDaysAgo = Date.now() - 10 * DAY;
    const res = await importClicks({
      clicks: [
        pastClick(link.id, tenDaysAgo),
        // The same visitor again that day: a click, not a unique one.
        pastClick(link.id, tenDaysAgo + 60_000),
        pastClick(link.id, tenDaysAgo + 120_000, {
          user_agent: GOOGLEBOT,
          country: "BE",
          visitor: "crawler",
        }),
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(3);
    const ids: string[] = res.body.click_ids;
    expect(ids.map((id) => verifyClickId(env.SIGNING_SECRET, id))).toEqual([
      { linkId: link.id, clickedAt: tenDaysAgo },
      { linkId: link.id, clickedAt: tenDaysAgo + 60_000 },
      { linkId: link.id, clickedAt: tenDaysAgo + 120_000 },
    ]);

    const rows = await waitForClicks(link.id, 3);
    expect(
      rows.map((r) => [r.id, r.clicked_at, r.country, r.city, r.device, r.is_bot, r.referer_host]),
    ).toEqual([
      [ids[0], tenDaysAgo, "FR", "Paris", "mobile", 0, "www.instagram.com"],
      [ids[1], tenDaysAgo + 60_000, "FR", "Paris", "mobile", 0, "www.instagram.com"],
      [ids[2], tenDaysAgo + 120_000, "BE", "Paris", "bot", 1, "www.instagram.com"],
    ]);
    // Nothing of the stand-in for the IP is kept.
    expect(JSON.stringify(rows)).not.toContain("visitor-1");

    expect((await api("POST", "/rollup")).status).toBe(200);
    const day = new Date(tenDaysAgo).toISOString().slice(0, 10);
    const rolled = await env.DB.prepare(
      "SELECT day, SUM(clicks) AS clicks, SUM(unique_clicks) AS uniques, SUM(bot_clicks) AS bots FROM rollup_daily WHERE link_id = ? GROUP BY day",
    )
      .bind(link.id)
      .all();
    expect(rolled.results).toEqual([{ day, clicks: 2, uniques: 1, bots: 1 }]);

    // A sale a day later is attributed to the past click, inside the campaign's window.
    const sale = await api("POST", "/conversions", {
      body: {
        type: "sale",
        customer_id: "cus-demo",
        click_id: ids[0],
        order_id: `order-${ids[0]}`,
        amount: 4200,
        currency: "EUR",
        occurred_at: new Date(tenDaysAgo + DAY).toISOString(),
      },
    });
    expect(sale.status).toBe(201);
    expect(sale.body).toMatchObject({ influencer_id: link.influencer_id, attribution: "click" });
  });

  it("refuses clicks in the future, unknown links and malformed bodies with 4xx", async () => {
    const link = await createLink();
    expectError(
      await importClicks({ clicks: [pastClick(link.id, Date.now() + 10 * 60_000)] }),
      422,
      "validation_failed",
    );
    expectError(
      await importClicks({ clicks: [pastClick("lnk_nope", Date.now() - DAY)] }),
      404,
      "link_not_found",
    );
    expectError(await importClicks({ clicks: [] }), 422, "validation_failed");
    const tooMany = Array.from({ length: 101 }, () => pastClick(link.id, Date.now() - DAY));
    expectError(await importClicks({ clicks: tooMany }), 422, "validation_failed");
    expectError(
      await importClicks({ clicks: [{ ...pastClick(link.id, Date.now() - DAY), ip: "1.2.3.4" }] }),
      422,
      "validation_failed",
    );
    expect(await waitAWhileForNoClicks(link.id)).toBe(0);
  });
});

// Nothing should arrive: give the queue the time it takes to deliver, then count.
async function waitAWhileForNoClicks(linkId: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM clicks WHERE link_id = ?")
    .bind(linkId)
    .first<{ n: number }>();
  return row?.n ?? -1;
}
