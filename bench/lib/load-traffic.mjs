// The traffic of the load test (bench/load.mjs): a seeded mix of clicks from browsers, bots and
// link checkers, and orders with their duplicates, conflicts and refunds, each sent over its own
// pool of keep-alive connections (undici) while the load generator counts every answer itself.

import { Pool } from "undici";

// A small seeded generator (mulberry32): the same --seed sends the same clicks.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUMAN_AGENTS = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 320.0.0.34.109",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 musical_ly_2023405020",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
];
// All on isbot's list (checked when this was written), so the Worker must flag them.
const BOT_AGENTS = [
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
  "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
  "curl/8.5.0",
  "python-requests/2.31.0",
];
const HEAD_SHARE = 0.03;

// A visitor keeps their address and user agent: 85% browsers, 13% bots, 2% no user agent.
function visitor(v) {
  const ip = `10.${(v >> 16) & 255}.${(v >> 8) & 255}.${v & 255}`;
  const kind = v % 100;
  if (kind < 85) return { ip, agent: HUMAN_AGENTS[v % HUMAN_AGENTS.length], bot: false };
  if (kind < 98) return { ip, agent: BOT_AGENTS[v % BOT_AGENTS.length], bot: true };
  return { ip, agent: null, bot: true };
}

// The next click of a seeded mix: a few hot links and a long tail (index = floor(links × r²)),
// `visitors` visitors, 3% HEAD requests.
export function clickMix(seed, visitors) {
  const random = mulberry32(seed);
  return (links) => clickRequest(links, random, visitors);
}

function clickRequest(links, random, visitors) {
  const link = links[Math.floor(links.length * random() ** 2)];
  const head = random() < HEAD_SHARE;
  const who = visitor(Math.floor(random() * visitors));
  const headers = { "cf-connecting-ip": who.ip, referer: "https://l.instagram.com/" };
  if (who.agent) headers["user-agent"] = who.agent;
  return {
    link,
    bot: head || who.bot,
    request: { method: head ? "HEAD" : "GET", path: `/${link.slug}?fbclid=load`, headers },
  };
}

// ---------------------------------------------------------------------------------------------
// Click load

function newTally() {
  return {
    byKey: {},
    get302: 0,
    head302: 0,
    human302: 0,
    bot302: 0,
    serverErrors: 0,
    errors: 0,
    badLocation: 0,
  };
}
const bump = (map, key, n = 1) => {
  map[key] = (map[key] ?? 0) + n;
};

// `total` clicks from `nextClick` over `connections` keep-alive connections, until `deadline`;
// every answer tallied by method and status, per link, and the click ids handed out.
export async function clickLoad(origin, { links, total, connections, deadline, nextClick, progress }) {
  const pool = new Pool(origin.origin, { connections, pipelining: 1 });
  const tally = newTally();
  const perLink = new Map(links.map((l) => [l.id, 0]));
  const clickIds = [];
  let sent = 0;
  const errorSamples = [];
  async function connection() {
    while (sent < total && Date.now() < deadline) {
      sent++;
      const { link, bot, request } = nextClick(links);
      try {
        const res = await pool.request(request);
        await res.body.dump();
        bump(tally.byKey, `${request.method} ${res.statusCode}`);
        if (res.statusCode >= 500) tally.serverErrors++;
        if (res.statusCode !== 302) continue;
        perLink.set(link.id, perLink.get(link.id) + 1);
        if (bot) tally.bot302++;
        else tally.human302++;
        const location = String(res.headers.location ?? "");
        const clickId = /[?&]sl_cid=(clk_[A-Za-z0-9]+)/.exec(location)?.[1];
        if (request.method === "GET") {
          tally.get302++;
          if (clickId) clickIds.push(clickId);
          else tally.badLocation++;
        } else {
          tally.head302++;
          if (clickId) tally.badLocation++;
        }
      } catch (error) {
        // Whether the Worker answered (and logged a click) is unknown: the exact checks fail.
        tally.errors++;
        if (errorSamples.length < 5) errorSamples.push(String(error?.message ?? error));
      }
    }
  }
  const started = performance.now();
  const timer = setInterval(() => progress(sent, performance.now() - started), 5000);
  try {
    await Promise.all(Array.from({ length: connections }, connection));
  } finally {
    clearInterval(timer);
    await pool.close();
  }
  return { tally, perLink, clickIds, sent, seconds: (performance.now() - started) / 1000, errorSamples };
}

// ---------------------------------------------------------------------------------------------
// Redemption load

// Order o: its code (campaigns and influencers alternate), amount and customer; which follow-ups
// it gets is decided by o, so the expected answers are known in advance.
export function orderOf(o, tag, codes, key) {
  const code = codes[o % codes.length];
  return {
    o,
    code,
    key,
    orderId: `load-${tag}-${o}`,
    body: {
      code: code.code,
      order_id: `load-${tag}-${o}`,
      amount: 1000 + ((o * 7919) % 19_000),
      currency: code.currency,
      customer_id: `load-${tag}-c${o}`,
    },
    racing: o % 10 === 3,
    replay: o % 10 === 7,
    conflict: o % 50 === 11,
    refund: o % 10 === 5,
    refundReplay: o % 50 === 5,
  };
}
// Requests per order, on average: 1 + racing 0.1 + replay 0.1 + conflict 0.02 + refund 0.1 +
// replayed refund and over-refund 0.04.
export const requestsForOrders = (n) => Math.ceil(n * 1.36) + 1;

// The orders over `connections` connections until `deadline`, each with its duplicates and
// follow-ups; every answer checked against what it must be. `progress.requests` counts requests sent.
export async function redemptionLoad(origin, { orders, connections, deadline, progress }) {
  const pool = new Pool(origin.origin, { connections, pipelining: 1 });
  const answers = {}; // "what status" → n
  const problems = [];
  const created = new Map(); // order id → the record answered 201
  const createdAgain = [];
  const refunded = new Map(); // campaign id → refunds answered 201, summed
  let requests = 0;
  let serverErrors = 0;
  let errors = 0;

  async function post(order, what, path, body, expect) {
    requests++;
    progress.requests = requests;
    let status = 0;
    let json = null;
    try {
      const res = await pool.request({
        method: "POST",
        path: `/api/v1${path}`,
        headers: { authorization: `Bearer ${order.key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      status = res.statusCode;
      json = await res.body.json().catch(() => null);
    } catch (error) {
      errors++;
      if (problems.length < 20) problems.push(`${what} ${order.orderId}: ${error?.message ?? error}`);
      return { status: 0, json: null };
    }
    bump(answers, `${what} ${status}`);
    if (status >= 500) serverErrors++;
    if (status === 201 && path === "/redemptions") {
      if (created.has(order.orderId)) createdAgain.push(order.orderId);
      else created.set(order.orderId, json);
    }
    if (expect && !expect(status, json) && problems.length < 20)
      problems.push(`${what} ${order.orderId}: ${status} ${JSON.stringify(json).slice(0, 200)}`);
    return { status, json };
  }

  const sameRecord = (order) => (status, json) =>
    status === 200 && json?.id !== undefined && json.id === created.get(order.orderId)?.id;
  const errorCode = (code, status) => (s, json) => s === status && json?.error?.code === code;

  async function redeem(order) {
    const send = (what) => post(order, what, "/redemptions", order.body);
    if (order.racing) {
      // The same order twice at once, on two connections: one 201, one 200 (the same record).
      const both = await Promise.all([send("racing"), send("racing")]);
      const statuses = both.map((r) => r.status).sort();
      if ((statuses[0] !== 200 || statuses[1] !== 201) && problems.length < 20)
        problems.push(`racing ${order.orderId}: ${statuses.join(" and ")}, expected 200 and 201`);
    } else {
      const r = await send("new");
      if (r.status !== 201 && problems.length < 20)
        problems.push(`new ${order.orderId}: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
    }
  }

  // Follow-ups of an order answered: they join a queue that is served a little later.
  function followUps(order) {
    const jobs = [];
    if (order.replay) jobs.push(() => post(order, "replay", "/redemptions", order.body, sameRecord(order)));
    if (order.conflict)
      jobs.push(() =>
        post(
          order,
          "conflict",
          "/redemptions",
          { ...order.body, amount: order.body.amount + 1 },
          errorCode("order_conflict", 409),
        ),
      );
    if (order.refund) {
      const refundBody = {
        order_id: order.orderId,
        refund_id: `${order.orderId}-r1`,
        amount: Math.floor(order.body.amount / 2),
      };
      jobs.push(async () => {
        const r = await post(order, "refund", "/refunds", refundBody, (s) => s === 201);
        if (r.status === 201)
          refunded.set(order.code.campaignId, (refunded.get(order.code.campaignId) ?? 0) + refundBody.amount);
        if (!order.refundReplay) return;
        await post(
          order,
          "refund-replay",
          "/refunds",
          refundBody,
          (s, json) => s === 200 && json?.id === r.json?.id,
        );
        await post(
          order,
          "over-refund",
          "/refunds",
          { ...refundBody, refund_id: `${order.orderId}-r2`, amount: order.body.amount },
          errorCode("refund_exceeds_order", 422),
        );
      });
    }
    return jobs;
  }

  let next = 0;
  const later = [];
  const LAG = 4 * connections;
  async function connection() {
    while (Date.now() < deadline) {
      let job;
      if (later.length > LAG || (next >= orders.length && later.length > 0)) job = later.shift();
      else if (next < orders.length) {
        const order = orders[next++];
        job = async () => {
          await redeem(order);
          later.push(...followUps(order));
        };
      } else break;
      await job();
    }
  }
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: connections }, connection));
  } finally {
    await pool.close();
  }
  return {
    answers,
    problems,
    created,
    createdAgain,
    refunded,
    requests,
    ordersSent: next,
    serverErrors,
    errors,
    seconds: (performance.now() - started) / 1000,
  };
}
