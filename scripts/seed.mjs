#!/usr/bin/env node
// `npm run seed`: fills the local database with a demo (a French skincare brand's two campaigns,
// seven creators on Instagram, TikTok and YouTube, their links, codes, posts, six weeks of clicks,
// the visits on the shop they led to, orders and refunds) through the public API, then runs the
// rollup. See docs/development.md "Demo data".
//
// It uses the Worker at SEED_URL (default http://localhost:8787) when one answers, else starts its
// own `wrangler dev` on the same local state as `npm start`, with SWAYLINE_DEMO_IMPORT=true: past
// clicks cannot go through the redirect (it stamps clicks "now"), so they go through
// POST /api/v1/demo/clicks, which only that var enables, to the same queue consumer as any click.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { answers, applyMigrations, devVar, ensureDevVars, root, startWranglerDev } from "./local-dev.mjs";
import { MAIN_CAMPAIGN, SHOP } from "./seed/cast.mjs";
import { ApiFailure, apiClient, inPool, progressLine } from "./seed/client.mjs";
import { buildPlan } from "./seed/plan.mjs";

const USAGE = `Usage: npm run seed [-- --scale N] [-- --reset] [-- --persist-to DIR]

  --scale N         how much traffic, 0.01 to 10 (default 1: about 4,400 clicks, 300 orders)
  --reset           delete the local D1 database first (every local campaign, not only the demo),
                    then seed; only when no Worker is running on it
  --persist-to DIR  the local state directory (default .wrangler/state, the one npm start uses)
  --seed N          the PRNG seed (default 2027)

Environment: SEED_URL (default http://localhost:8787), SEED_ADMIN_KEY (default: ADMIN_API_KEY
from .dev.vars).`;

const { values: options } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    reset: { type: "boolean", default: false },
    "persist-to": { type: "string" },
    seed: { type: "string", default: "2027" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const scale = Number(options.scale);
if (!(scale >= 0.01 && scale <= 10)) fail(`--scale must be a number from 0.01 to 10.\n\n${USAGE}`);

function fail(message) {
  console.error(message);
  process.exit(1);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The seed's own `wrangler dev`: migrations applied the way `npm start` applies them, the demo
// import switched on; stopped when the seed ends, also on Ctrl-C.
async function startOwnWorker(persistArgs) {
  ensureDevVars();
  applyMigrations(persistArgs);
  try {
    const worker = await startWranglerDev({ args: persistArgs, vars: { SWAYLINE_DEMO_IMPORT: "true" } });
    process.on("exit", worker.kill);
    process.on("SIGINT", () => process.exit(130));
    return worker;
  } catch (error) {
    fail(error.message);
  }
}

const percent = (ratio) => (ratio === null ? "n/a" : `${Math.round(ratio * 100)} %`);
const euros = (cents) =>
  `${(cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;

async function seed(api, baseUrl, plan) {
  const ids = { campaign: {}, influencer: {}, link: {} };

  // The shop's key: orders come in as a checkout would send them.
  const checkout = await api.call("POST", "/keys", { scope: "checkout", name: "Maison Solène shop (demo)" });
  const shopKey = checkout.body.key;
  // The shop script's key: visits are reported from the shop's pages, as sl.js reports them.
  const script = await api.call("POST", "/keys", {
    scope: "publishable",
    name: "Maison Solène shop script (demo)",
    allowed_origins: [SHOP],
  });

  // One at a time: lists show records by creation time, so the same order on every run.
  await inPool("influencers", plan.influencers, 1, async (inf) => {
    const created = await api.call("POST", "/influencers", inf.body, { accept: [201, 409] });
    // Already there (from an interrupted run): the same creator, found by handle.
    ids.influencer[inf.key] =
      created.status === 201
        ? created.body.id
        : (await api.all(`/influencers?platform=${inf.body.platform}`)).find(
            (i) => i.handle === inf.body.handle,
          ).id;
  });
  const snapshots = plan.influencers.flatMap((inf) => inf.followers.map((body) => ({ inf, body })));
  await inPool("follower snapshots", snapshots, 6, ({ inf, body }) =>
    api.call("POST", `/influencers/${ids.influencer[inf.key]}/followers`, body),
  );

  for (const campaign of plan.campaigns) {
    ids.campaign[campaign.key] = (await api.call("POST", "/campaigns", campaign.body)).body.id;
  }
  await inPool("costs", plan.enrolments, 1, (e) =>
    api.call(
      "PUT",
      `/campaigns/${ids.campaign[e.campaign]}/influencers/${ids.influencer[e.influencer]}`,
      e.body,
    ),
  );
  const owners = (item) => ({
    campaign_id: ids.campaign[item.campaign],
    influencer_id: ids.influencer[item.influencer],
  });
  await inPool("links", plan.links, 1, async (link) => {
    ids.link[link.key] = (await api.call("POST", "/links", { ...owners(link), ...link.body })).body;
  });
  await inPool("codes", plan.codes, 1, (code) =>
    api.call("POST", "/codes", { ...owners(code), ...code.body }),
  );
  await inPool("posts", plan.posts, 1, async (post) => {
    const created = await api.call("POST", "/posts", { ...owners(post), ...post.body });
    for (const snapshot of post.snapshots)
      await api.call("POST", `/posts/${created.body.id}/metrics`, snapshot);
  });

  // Past clicks, 100 to a request (one queue message each), in time order.
  const chunks = [];
  for (let i = 0; i < plan.pastClicks.length; i += 100) chunks.push(plan.pastClicks.slice(i, i + 100));
  await inPool(
    "past clicks (demo import)",
    chunks,
    3,
    async (chunk) => {
      const res = await api.call("POST", "/demo/clicks", {
        clicks: chunk.map((click) => ({
          link_id: ids.link[click.link].id,
          clicked_at: new Date(click.at).toISOString(),
          user_agent: click.visitor.userAgent,
          referer: click.visitor.referer,
          country: click.visitor.country,
          region: click.visitor.region,
          city: click.visitor.city,
          visitor: click.visitor.id,
        })),
      });
      chunk.forEach((click, index) => {
        click.id = res.body.click_ids[index];
      });
    },
    (chunk) => chunk.length,
  );

  // Today's clicks through the real redirect, as phones, desktops and link checkers.
  await inPool("today's clicks (redirect)", plan.todayClicks, 8, async (click) => {
    const headers = { "User-Agent": click.visitor.userAgent };
    if (click.visitor.referer) headers.Referer = click.visitor.referer;
    const response = await fetch(`${baseUrl}/${ids.link[click.link].slug}`, {
      method: click.head ? "HEAD" : "GET",
      headers,
      redirect: "manual",
    });
    if (response.status !== 302) throw new ApiFailure(`the redirect answered ${response.status}`);
    click.redirectedAt = Date.now();
    click.id = new URL(response.headers.get("Location")).searchParams.get("sl_cid");
  });

  const clicks = [...plan.pastClicks, ...plan.todayClicks];
  await reportVisits(api, script.body.key, clicks);
  // Minutes after the click, but never after now (a click late last night, a seed just after midnight).
  const at = (click, after) =>
    click.at === undefined
      ? {}
      : { occurred_at: new Date(Math.min(click.at + after, plan.now - 1000)).toISOString() };
  const fromClicks = clicks
    .filter((click) => click.outcome)
    .map(({ outcome, ...click }) =>
      outcome.type === "sale"
        ? {
            type: "sale",
            customer_id: outcome.customer_id,
            click_id: click.id,
            order_id: outcome.order_id,
            amount: outcome.amount,
            currency: "EUR",
            ...at(click, outcome.after),
          }
        : { type: "lead", customer_id: outcome.customer_id, click_id: click.id, ...at(click, outcome.after) },
    );
  const checkoutCall = (path) => (body) => api.call("POST", path, body, { key: shopKey });
  await inPool("leads and sales by click", fromClicks, 6, checkoutCall("/conversions"));
  await inPool("orders with a promo code", plan.codeOrders, 6, async (order) => {
    const res = await checkoutCall("/redemptions")({
      ...order.body,
      occurred_at: new Date(order.at).toISOString(),
    });
    if (order === plan.paidThenRefunded) ids.paidThenRefunded = res.body.id;
  });
  // Sign-ups who came back days later and bought without the link: attributed by customer.
  const later = clicks
    .filter((click) => click.outcome?.later && click.at !== undefined)
    .map(({ at: clickedAt, outcome }) => ({ clickedAt, outcome }))
    .filter(({ clickedAt, outcome }) => clickedAt + outcome.later.after < plan.now)
    .map(({ clickedAt, outcome }) => ({
      type: "sale",
      customer_id: outcome.customer_id,
      order_id: outcome.later.order_id,
      amount: outcome.later.amount,
      currency: "EUR",
      occurred_at: new Date(clickedAt + outcome.later.after).toISOString(),
    }));
  await inPool("returning customers' sales", later, 6, checkoutCall("/conversions"));
  await inPool("refunds", plan.refunds, 4, checkoutCall("/refunds"));
  const payout = await payOutThenClawBack(api, plan, ids, checkoutCall("/refunds"));
  return { ids, clicks, payout };
}

// Each visit through the shop script's route, from the shop's origin with its publishable key in
// the body, as sl.js sends it: a report per page, with the page's view and its engaged time (sl.js
// sends the two apart, when the page loads and when it is left; one report a page halves the
// requests, which are most of the seed's time, and the figures are the same). A page's time is the
// click's plus the time the visit took to reach it, never later than now (today's visits are
// happening as the seed runs).
async function reportVisits(api, key, clicks) {
  const visits = clicks.filter((click) => click.visit);
  await inPool("visits (shop script)", visits, 16, async (click) => {
    const { session_id, returning, pages } = click.visit;
    for (const { view_id, path, after, seconds } of pages) {
      const at = new Date(Math.min((click.at ?? click.redirectedAt) + after, Date.now())).toISOString();
      await api.beacon(
        "/track/events",
        {
          key,
          click_id: click.id,
          session_id,
          returning,
          events: [
            { type: "page_view", view_id, path, at },
            { type: "engagement", view_id, seconds },
          ],
        },
        { origin: SHOP, userAgent: click.visitor.userAgent },
      );
    }
  });
}

// Waits (a little) until the ledger holds an entry the test accepts: entries are derived from the
// queue's events, within seconds of the sale or refund.
async function untilEntry(api, influencerId, what, test) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const entry = (await api.all(`/commissions?influencer_id=${influencerId}`)).find(test);
    if (entry) return entry;
    if (Date.now() > deadline) fail(`\nThe ledger did not derive ${what} within a minute.`);
    await sleep(500);
  }
}

// The commission program's history: a payout of everything payable, marked paid, then a refund
// of a sale that payout paid, whose clawback comes off the influencer's next payout.
async function payOutThenClawBack(api, plan, ids, refund) {
  const sale = plan.paidThenRefunded;
  const influencerId = ids.influencer[sale.influencer];
  await untilEntry(
    api,
    influencerId,
    "the sale's commission",
    (e) => e.conversion_id === ids.paidThenRefunded,
  );
  // A payout takes everything payable in its currency: with other influencers' money payable in
  // this database (not the demo's), it would pay them too. The demo then makes none.
  const demo = new Set(Object.values(ids.influencer));
  const others = (await api.all("/commissions?status=payable")).filter((e) => !demo.has(e.influencer_id));
  if (others.some((e) => e.currency === "EUR")) return null;
  const made = await api.call(
    "POST",
    "/payouts",
    { currency: "EUR" },
    { headers: { "Idempotency-Key": "demo-payout-1" } },
  );
  const payout = (await api.call("POST", `/payouts/${made.body.id}/paid`, { reference: "VIR-DEMO-0001" }))
    .body;
  const refunded = await refund({
    order_id: sale.body.order_id,
    refund_id: `RF-${sale.body.order_id}`,
    amount: sale.body.amount,
  });
  const clawback = await untilEntry(
    api,
    influencerId,
    "the clawback",
    (e) => e.refund_id === refunded.body.id,
  );
  return { payout, clawback };
}

// The queue writes clicks and visits a little after they are sent: roll up until every demo
// click and every visit is counted in the campaigns' summaries (the rollup's own report says when
// it has caught up).
async function rollUpWhenDrained(api, plan, ids, clicks) {
  const expected = Object.fromEntries(plan.campaigns.map((c) => [c.key, { clicks: 0, sessions: 0 }]));
  for (const click of clicks) {
    const campaign = expected[click.link.split(":")[0]];
    campaign.clicks += 1;
    if (click.visit) campaign.sessions += 1;
  }
  const total = Object.values(expected).reduce((sum, e) => sum + e.clicks + e.sessions, 0);
  const progress = progressLine("clicks and visits written and rolled up", total);
  const deadline = Date.now() + 180_000;
  for (;;) {
    for (;;) {
      const report = (await api.call("POST", "/rollup")).body;
      if (report.caught_up) break;
      // Another run (the cron) holds the rollup's lease: let it finish.
      if (report.skipped) await sleep(500);
    }
    const summaries = {};
    let counted = 0;
    for (const campaign of plan.campaigns) {
      const summary = (await api.call("GET", `/campaigns/${ids.campaign[campaign.key]}/summary`)).body;
      summaries[campaign.key] = summary;
      const { clicks: want, sessions } = expected[campaign.key];
      counted += Math.min(want, summary.totals.clicks + summary.totals.bot_clicks);
      counted += Math.min(sessions, summary.totals.sessions);
    }
    progress(counted);
    if (counted === total) {
      progress(counted, true);
      return summaries;
    }
    if (Date.now() > deadline)
      fail(`\nOnly ${counted} of ${total} clicks and visits reached the summaries in 3 minutes.`);
    await sleep(1000);
  }
}

async function main() {
  const persistArgs = options["persist-to"] ? ["--persist-to", options["persist-to"]] : [];
  const key = process.env.SEED_ADMIN_KEY ?? devVar("ADMIN_API_KEY") ?? "dev-admin-key";
  const seedUrl = (process.env.SEED_URL ?? "http://localhost:8787").replace(/\/$/, "");

  let worker = null;
  let baseUrl = seedUrl;
  if (await answers(seedUrl)) {
    if (options.reset) {
      fail(`--reset deletes the local database, and a Worker is running on it at ${seedUrl}: stop it first.`);
    }
    console.log(`Seeding the Worker at ${seedUrl}.`);
  } else {
    if (options.reset) {
      const d1State = join(options["persist-to"] ?? join(root, ".wrangler", "state"), "v3", "d1");
      if (existsSync(d1State)) {
        console.log(`--reset: deleting the local D1 database (${d1State}).`);
        rmSync(d1State, { recursive: true, force: true });
      }
    }
    console.log(
      `No Worker answers at ${seedUrl}: starting one for the seed (wrangler dev, same local state)…`,
    );
    worker = await startOwnWorker(persistArgs);
    baseUrl = worker.url;
  }
  const api = apiClient(baseUrl, key);

  try {
    const existing = (await api.all("/campaigns")).find((c) => c.name === MAIN_CAMPAIGN.name);
    if (existing) {
      console.log(
        `Already seeded: the demo campaign "${existing.name}" (${existing.id}) is there; nothing changed.\n` +
          "To seed it afresh: stop `npm start` and run `npm run seed -- --reset` (it deletes the whole local database).",
      );
      return;
    }
    const probe = await api.call("POST", "/demo/clicks", { clicks: [] }, { accept: [404, 422] });
    if (probe.status === 404) {
      fail(
        `The Worker at ${baseUrl} does not take past clicks (its SWAYLINE_DEMO_IMPORT is not "true"), and six weeks\n` +
          "of clicks cannot go through the redirect today. Either stop it and run `npm run seed` on its own\n" +
          "(it starts a Worker of its own on the same local database), or restart it with `npm start`\n" +
          "(which sets it) or `wrangler dev --var SWAYLINE_DEMO_IMPORT:true`. Nothing was written.",
      );
    }

    const started = Date.now();
    const plan = buildPlan({ seed: Number(options.seed), scale });
    console.log(
      `Seeding: ${plan.campaigns.length} campaigns, ${plan.influencers.length} influencers, ` +
        `${plan.pastClicks.length + plan.todayClicks.length} clicks, ${plan.visits} visits, ` +
        `${plan.codeOrders.length} orders with a code, ` +
        `${plan.refunds.length} refunds (scale ${scale}).`,
    );
    const { ids, clicks, payout } = await seed(api, baseUrl, plan);
    const summaries = await rollUpWhenDrained(api, plan, ids, clicks);

    console.log(`\nDone in ${Math.round((Date.now() - started) / 1000)} s.`);
    for (const campaign of plan.campaigns) {
      const t = summaries[campaign.key].totals;
      console.log(
        `  ${campaign.body.name} (${ids.campaign[campaign.key]}): ${t.clicks} clicks (${t.unique_clicks} unique, ` +
          `${t.bot_clicks} bots), ${t.leads} leads, ${t.conversions} orders, revenue ${euros(t.revenue)}, ` +
          `refunds ${euros(t.refunds)}, ROI ${percent(t.roi)}`,
      );
      console.log(
        `    on the shop: ${t.sessions} visits (${t.engaged_sessions} engaged, bounce rate ${percent(t.bounce_rate)}, ` +
          `${t.returning_sessions} returning), ${t.pages_per_session?.toFixed(1) ?? "n/a"} pages and ` +
          `${t.avg_engaged_seconds === null ? "n/a" : Math.round(t.avg_engaged_seconds)} s engaged per visit`,
      );
    }
    console.log(
      payout
        ? `  Payout ${payout.payout.id}: ${euros(payout.payout.total)} to ${payout.payout.lines.length} influencers, paid; ` +
            `then a refund of a sale it paid took back ${euros(-payout.clawback.amount)} (a clawback, off the next payout).`
        : "  No demo payout: this database holds payable euros of influencers outside the demo, and a payout would pay them too.",
    );
    const url = worker ? seedUrl : baseUrl;
    console.log(
      `\nSee it at ${url}/dashboard${worker ? " once `npm start` runs" : ""}, signed in with the admin key, or:`,
    );
    console.log(
      `  curl -s ${url}/api/v1/campaigns/${ids.campaign.main}/summary -H 'Authorization: Bearer ${key === "dev-admin-key" ? key : "<admin key>"}'`,
    );
  } catch (error) {
    if (error instanceof ApiFailure) fail(`\nSeeding stopped: ${error.message}`);
    throw error;
  } finally {
    await worker?.stop();
  }
}

await main();
