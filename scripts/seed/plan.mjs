// The demo as a list of things to send, worked out before anything is sent: deterministic for a
// given PRNG seed, scale and day, so the figures (and the README's screenshot) come out the same.
import {
  BOTS,
  CITIES,
  CODE_DISCOUNT,
  INFLUENCERS,
  MAIN_CAMPAIGN,
  PRODUCTS,
  REFERERS,
  SUMMER_CAMPAIGN,
} from "./cast.mjs";
import { prng } from "./prng.mjs";
import { planVisits } from "./visits.mjs";

const HOUR = 3_600_000;
// The demo's commissions are held two weeks: the first weeks' are paid out, the last's pending.
export const HOLDING_DAYS = 14;
const DAY = 24 * HOUR;

// When people open links, by UTC hour (evenings in Paris and, later, Montreal).
const HOURLY = [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 7, 9, 10, 8, 7, 7, 8, 10, 13, 15, 14, 11, 7, 4].map((w, h) => [
  h,
  w,
]);

function userAgent(rng, platform) {
  const ios = `${rng.int(16, 18)}_${rng.int(0, 6)}`;
  const iphone = `iPhone${rng.int(12, 16)},${rng.int(1, 5)}`;
  const android = rng.pick(["SM-S911B", "SM-A546B", "Pixel 7", "Pixel 8", "M2101K6G", "CPH2449"]);
  const chrome = `${rng.int(120, 131)}.0.${rng.int(6000, 6800)}.${rng.int(40, 200)}`;
  const safariIphone = `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${ios.split("_")[0]}.0 Mobile/15E148 Safari/604.1`;
  const chromeAndroid = `Mozilla/5.0 (Linux; Android ${rng.int(12, 14)}; ${android}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome} Mobile Safari/537.36`;
  const inApp = {
    instagram: [
      [
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram ${rng.int(300, 330)}.0.0.${rng.int(10, 40)}.${rng.int(90, 120)} (${iphone}; iOS ${ios}; fr_FR; fr; scale=3.00; 1170x2532; ${rng.int(5e8, 6e8)})`,
        55,
      ],
      [
        `Mozilla/5.0 (Linux; Android ${rng.int(12, 14)}; ${android}; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/${chrome} Mobile Safari/537.36 Instagram ${rng.int(300, 330)}.0.0.${rng.int(10, 40)}.${rng.int(90, 120)} Android (34/14; 480dpi; 1080x2340; ${android}; fr_FR; ${rng.int(5e8, 6e8)})`,
        35,
      ],
      [safariIphone, 10],
    ],
    tiktok: [
      [
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_${rng.int(31, 34)}.${rng.int(0, 9)}.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/fr Region/FR`,
        55,
      ],
      [
        `Mozilla/5.0 (Linux; Android ${rng.int(12, 14)}; ${android}; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/${chrome} Mobile Safari/537.36 trill_${rng.int(310000, 340000)} JsSdk/1.0 NetType/4G Channel/googleplay AppName/musical_ly ByteLocale/fr`,
        40,
      ],
      [chromeAndroid, 5],
    ],
    youtube: [
      [
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome} Safari/537.36`,
        20,
      ],
      [
        `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${rng.int(16, 18)}.${rng.int(0, 5)} Safari/605.1.15`,
        12,
      ],
      [
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${rng.int(120, 133)}.0) Gecko/20100101 Firefox/${rng.int(120, 133)}.0`,
        6,
      ],
      [
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome} Safari/537.36 Edg/${rng.int(120, 131)}.0.0.0`,
        5,
      ],
      [safariIphone, 25],
      [chromeAndroid, 22],
      [
        `Mozilla/5.0 (iPad; CPU OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${ios.split("_")[0]}.0 Mobile/15E148 Safari/604.1`,
        10,
      ],
    ],
  };
  return rng.weighted(inApp[platform]);
}

function visitor(rng, influencer, serial) {
  const country = rng.weighted(Object.entries(influencer.audience));
  const [city, region] = rng.weighted(CITIES[country].map((c) => [c, c[2]]));
  return {
    id: `demo-visitor-${influencer.key}-${serial}`,
    userAgent: userAgent(rng, influencer.platform),
    referer: rng.weighted(REFERERS[influencer.platform]),
    country,
    region,
    city,
  };
}

function basket(rng, withCode) {
  const items = rng.weighted([
    [1, 6],
    [2, 3],
    [3, 1],
  ]);
  let total = 0;
  for (let i = 0; i < items; i++) total += rng.weighted(PRODUCTS.map((p) => [p, p.weight])).price;
  return withCode ? Math.round(total * (1 - CODE_DISCOUNT)) : total;
}

// A post's figures t days after it went out: most of its audience comes in the first days.
const POST_SHAPE = {
  instagram: { impressions: 1.3, reach: 0.78, likes: 0.055, comments: 0.003, shares: 0.004, saves: 0.012 },
  tiktok: { impressions: 1.15, reach: 0.85, likes: 0.07, comments: 0.002, shares: 0.008, saves: 0.005 },
  youtube: { impressions: 1.6, reach: 0.7, likes: 0.04, comments: 0.004, shares: 0.002, saves: 0 },
};
const SNAPSHOT_AGES = [1, 3, 7, 14, 28];

function postFigures(platform, views) {
  const shape = POST_SHAPE[platform];
  const out = { views: Math.round(views) };
  for (const [field, ratio] of Object.entries(shape)) out[field] = Math.round(views * ratio);
  return out;
}

function postUrl(rng, influencer) {
  if (influencer.platform === "instagram") return `https://www.instagram.com/reel/${rng.id(11)}/`;
  if (influencer.platform === "tiktok")
    return `https://www.tiktok.com/@${influencer.handle}/video/7${rng.id(18, "0123456789")}`;
  return `https://www.youtube.com/watch?v=${rng.id(11)}`;
}

export function buildPlan({ seed = 2027, scale = 1, now = Date.now() } = {}) {
  const rng = prng(seed);
  const today = Math.floor(now / DAY) * DAY;
  const dayStart = (day) => today + day * DAY;
  // A time on a day (before today) as people's hours make it likely; today's are "now".
  const timeOn = (day) => dayStart(day) + rng.weighted(HOURLY) * HOUR + Math.floor(rng.next() * HOUR);
  const notAfterNow = (at) => Math.min(at, now - 60_000);

  const campaigns = [MAIN_CAMPAIGN, SUMMER_CAMPAIGN].map((c) => ({
    key: c.key,
    days: { start: c.startDay, end: c.endDay },
    landing: c.landing,
    body: {
      name: c.name,
      objective: c.objective,
      currency: "EUR",
      // A brand in Paris: its days, periods and "last 7 days" are Paris days.
      timezone: "Europe/Paris",
      budget: c.budget,
      starts_at: new Date(dayStart(c.startDay)).toISOString(),
      ends_at: new Date(dayStart(c.endDay)).toISOString(),
      attribution_window_days: 30,
      emv_cpm: c.emv_cpm,
      goals: c.goals.map((g) => ({ ...g, due: new Date(dayStart(c.endDay)).toISOString() })),
    },
  }));

  const influencers = INFLUENCERS.map((inf) => {
    // Weekly follower counts over the last seven weeks, growing to today's.
    const followers = [-49, -42, -35, -28, -21, -14, -7, 0].map((day) => ({
      count: Math.round(
        inf.followers * (1 + inf.growth) ** (day / 7) * (day === 0 ? 1 : rng.between(0.997, 1.003)),
      ),
      captured_at: new Date(notAfterNow(dayStart(day) + 8 * HOUR)).toISOString(),
    }));
    // The marketer typed the audience in when signing the influencer, seven weeks ago: that is
    // the base growth counts from (today's count there would make the whole campaign gain nothing
    // while each of its weeks gains).
    const signed = {
      handle: inf.handle,
      platform: inf.platform,
      name: inf.name,
      followers: followers[0].count,
    };
    return { key: inf.key, body: signed, followers };
  });

  const enrolments = [];
  const links = [];
  const codes = [];
  const posts = [];
  const pastClicks = [];
  const todayClicks = [];
  const codeOrders = [];
  let visitors = 0;
  let customers = 0;
  let orders = 0;
  const nextCustomer = () => `demo-customer-${String(++customers).padStart(5, "0")}`;
  const nextOrder = () => `MS-${String(10_000 + ++orders)}`;

  for (const campaign of campaigns) {
    for (const inf of INFLUENCERS) {
      const deal = inf[campaign.key];
      if (!deal) continue;
      enrolments.push({
        campaign: campaign.key,
        influencer: inf.key,
        body: {
          fee: deal.fee,
          commission_rate: deal.commission_rate,
          other_costs: deal.other_costs,
          holding_days: HOLDING_DAYS,
        },
      });
      const link = `${campaign.key}:${inf.key}`;
      links.push({
        key: link,
        campaign: campaign.key,
        influencer: inf.key,
        body: { url: campaign.landing, slug: `${campaign.key === "main" ? "eclat" : "ete"}-${inf.key}` },
      });
      if (deal.code) codes.push({ campaign: campaign.key, influencer: inf.key, body: { code: deal.code } });

      // Posts: what each one reached, and the snapshots the influencer reported along the way.
      const published = deal.posts.map((day) => {
        const at = dayStart(day) + 17 * HOUR + rng.int(0, 120) * 60_000;
        const views = inf.followers * (1 + inf.growth) ** (day / 7) * inf.views * rng.between(0.75, 1.25);
        const snapshots = SNAPSHOT_AGES.map((age) => at + age * DAY)
          .filter((capturedAt) => capturedAt <= now)
          .map((capturedAt) => ({
            captured_at: new Date(capturedAt).toISOString(),
            ...postFigures(inf.platform, views * (1 - Math.exp(-(capturedAt - at) / DAY / 2.5))),
          }));
        posts.push({
          campaign: campaign.key,
          influencer: inf.key,
          body: { url: postUrl(rng, inf), published_at: new Date(at).toISOString() },
          snapshots,
        });
        return { day, clicks: views * inf.clickRate * scale };
      });

      // Clicks per day: a trickle from the bio link, and each post's clicks fading over days.
      const fade = Math.exp(-1 / inf.decay);
      for (let day = campaign.days.start; day <= 0; day++) {
        let expected = inf.followers * 0.00003 * scale;
        for (const post of published) {
          if (day >= post.day) expected += post.clicks * (1 - fade) * fade ** (day - post.day);
        }
        const count = rng.poisson(expected);
        const sameDay = [];
        for (let i = 0; i < count; i++) {
          const bot = rng.next() < 0.04;
          let who;
          if (bot) {
            const [userAgent, country] = rng.pick(BOTS);
            who = { id: `demo-bot-${country}`, userAgent, referer: null, country, region: null, city: null };
          } else if (sameDay.length > 0 && rng.next() < 0.12) {
            who = rng.pick(sameDay);
          } else {
            who = visitor(rng, inf, ++visitors);
            sameDay.push(who);
          }
          const click = { link, visitor: who, bot, outcome: null };
          if (day < 0) click.at = timeOn(day);
          // Link checkers ask with HEAD, which the redirect counts as a bot.
          else click.head = bot && rng.next() < 0.3;
          const roll = rng.next();
          if (!bot && roll < inf.saleRate) {
            click.outcome = {
              type: "sale",
              customer_id: nextCustomer(),
              order_id: nextOrder(),
              amount: basket(rng, false),
              after: Math.round(rng.between(2, 90) * 60_000),
            };
          } else if (!bot && roll < inf.saleRate + inf.leadRate) {
            // A newsletter sign-up; some buy days later without the link: attributed by customer.
            const later =
              rng.next() < 0.25
                ? { order_id: nextOrder(), amount: basket(rng, false), after: rng.between(2, 9) * DAY }
                : null;
            click.outcome = {
              type: "lead",
              customer_id: nextCustomer(),
              after: Math.round(rng.between(1, 15) * 60_000),
              later,
            };
          }
          (day < 0 ? pastClicks : todayClicks).push(click);
        }
        // Orders with the influencer's code: shoppers who type it in, clicked or not.
        const withCode = deal.code ? rng.poisson(expected * inf.codeRate) : 0;
        for (let i = 0; i < withCode; i++) {
          const at = day < 0 ? timeOn(day) : today + Math.floor(rng.next() * (now - 60_000 - today));
          codeOrders.push({
            code: deal.code,
            at,
            body: {
              code: deal.code,
              order_id: nextOrder(),
              amount: basket(rng, true),
              currency: "EUR",
              customer_id: nextCustomer(),
            },
          });
        }
      }
    }
  }
  pastClicks.sort((a, b) => a.at - b.at);
  // The visits draw from a PRNG of their own: the clicks, orders and refunds stay those of the
  // same seed without them.
  const visits = planVisits(prng(seed + 1), [...pastClicks, ...todayClicks], campaigns);

  // A sale with the first influencer's code, old enough to be in the demo's payout, refunded in
  // full after the payout was paid: the clawback comes off that influencer's next payout.
  const [first] = codes;
  const paidThenRefunded = {
    code: first.body.code,
    influencer: first.influencer,
    at: timeOn(-(HOLDING_DAYS + 11)),
    body: {
      code: first.body.code,
      order_id: nextOrder(),
      amount: basket(rng, true),
      currency: "EUR",
      customer_id: nextCustomer(),
    },
  };
  codeOrders.push(paidThenRefunded);

  // Refunds: a few orders from more than a week ago come back, most in full; at least one.
  const refundable = [
    ...codeOrders.map((o) => ({ order_id: o.body.order_id, amount: o.body.amount, at: o.at })),
    ...pastClicks
      .filter((c) => c.outcome?.type === "sale")
      .map((c) => ({ order_id: c.outcome.order_id, amount: c.outcome.amount, at: c.at + c.outcome.after })),
  ]
    .filter((o) => o.at < now - 7 * DAY && o.order_id !== paidThenRefunded.body.order_id)
    .sort((a, b) => a.at - b.at);
  const refunds = [];
  refundable.forEach((order, index) => {
    // The oldest always, so even a small demo has one.
    if (rng.next() >= 0.03 && index > 0) return;
    const partial = rng.next() < 0.3 && order.amount > 2000;
    refunds.push({
      order_id: order.order_id,
      refund_id: `RF-${order.order_id}`,
      amount: partial ? Math.round(order.amount / 2) : order.amount,
      occurred_at: new Date(notAfterNow(order.at + rng.between(2, 6) * DAY)).toISOString(),
    });
  });

  return {
    now,
    campaigns,
    influencers,
    enrolments,
    links,
    codes,
    posts,
    pastClicks,
    todayClicks,
    visits,
    codeOrders,
    refunds,
    paidThenRefunded,
  };
}
