// What the shop's script (sl.js) reports of the visits the demo's clicks lead to, worked out
// before anything is sent: a landing that runs the script is a session, of one or more pages,
// each with its path, when it loaded and the seconds it was engaged.
import { INFLUENCERS, PAGES, PRODUCTS } from "./cast.mjs";

const SECOND = 1000;
const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// Landings that never report: the in-app browser closed before the page loaded, a blocker, the
// cookie refused. A click that led to an order or a sign-up always reports: its visit happened.
const REPORTING = 0.8;
// One page seen for under ten seconds, by where the visitor came from: short videos send the
// least patient visitors, long videos the most. A returning visitor bounces less.
const BOUNCE = { instagram: 0.5, tiktok: 0.6, youtube: 0.36 };
const RETURNING_BOUNCE = 0.6;
// Followers who came through a link of the brand's earlier campaigns: their sl_cid cookie (kept
// 90 days) is still there, so their first visit in the demo is a returning one already.
const CAME_BEFORE = 0.06;
// Where a visit goes after the landing page: mostly products, as in the orders.
const BROWSED = [
  ...PRODUCTS.map((p) => [p.path, p.weight * 2]),
  [PAGES.collection, 4],
  [PAGES.story, 1],
  [PAGES.cart, 2],
];

// Each page's load time after the click: after the engaged time of the page before and a pause
// (not all reading is engaged: the tab loses the focus, the phone locks). With endAt, the last
// page loads then (an order's confirmation, a sign-up's thank-you) and the visit fits before it.
function timed(rng, pages, endAt) {
  let at = rng.int(2, 6) * SECOND;
  const out = pages.map(([path, seconds]) => {
    const page = { path, seconds, after: at };
    at += seconds * SECOND + rng.int(2, 20) * SECOND;
    return page;
  });
  const first = out[0].after;
  const last = out[out.length - 1].after;
  if (endAt === undefined || out.length === 1) return out;
  const stretch = (endAt - first) / (last - first);
  for (const page of out) {
    page.after = Math.round(first + (page.after - first) * stretch);
    // No more engaged time than the visit lasted.
    if (stretch < 1) page.seconds = Math.max(1, Math.round(page.seconds * stretch));
  }
  return out;
}

function browse(rng, landing, bounce) {
  if (rng.next() < bounce) return timed(rng, [[landing, rng.int(0, 9)]]);
  // Read, then left: one page, but engaged.
  if (rng.next() < 0.25) return timed(rng, [[landing, rng.int(10, 150)]]);
  const count = rng.weighted([
    [2, 35],
    [3, 30],
    [4, 18],
    [5, 10],
    [6, 7],
  ]);
  const pages = [[landing, rng.int(6, 60)]];
  while (pages.length < count) pages.push([rng.weighted(BROWSED), rng.int(4, 75)]);
  return timed(rng, pages);
}

// An order through the click: products, the cart, the checkout, its confirmation when it was placed.
function purchase(rng, landing, orderedAfter) {
  const pages = [[landing, rng.int(20, 90)]];
  for (let i = rng.int(1, 2); i > 0; i--)
    pages.push([rng.weighted(PRODUCTS.map((p) => [p.path, p.weight])), rng.int(15, 90)]);
  pages.push(
    [PAGES.cart, rng.int(10, 40)],
    [PAGES.checkout, rng.int(40, 180)],
    [PAGES.thanks, rng.int(3, 15)],
  );
  return timed(rng, pages, orderedAfter);
}

// A newsletter sign-up through the click, its thank-you page when it was made.
function signUp(rng, landing, signedUpAfter) {
  const pages = [[landing, rng.int(15, 60)]];
  if (rng.next() < 0.5) pages.push([rng.weighted(BROWSED), rng.int(10, 60)]);
  pages.push([PAGES.signedUp, rng.int(2, 10)]);
  return timed(rng, pages, signedUpAfter);
}

// Gives each human click whose landing reported its visit: { session_id, returning, pages: [{
// view_id, path, after (ms after the click), seconds }] }, and says how many. clicks in
// the order they happen: a visitor is returning when an earlier visit left the sl_cid cookie.
export function planVisits(rng, clicks, campaigns) {
  const landing = Object.fromEntries(campaigns.map((c) => [c.key, new URL(c.landing).pathname]));
  const platform = Object.fromEntries(INFLUENCERS.map((i) => [i.key, i.platform]));
  const withCookie = new Set();
  let visits = 0;
  for (const click of clicks) {
    if (click.bot || (!click.outcome && rng.next() >= REPORTING)) continue;
    const [campaign, influencer] = click.link.split(":");
    const returning = withCookie.has(click.visitor.id) || rng.next() < CAME_BEFORE;
    withCookie.add(click.visitor.id);
    const pages =
      click.outcome?.type === "sale"
        ? purchase(rng, landing[campaign], click.outcome.after)
        : click.outcome
          ? signUp(rng, landing[campaign], click.outcome.after)
          : browse(rng, landing[campaign], BOUNCE[platform[influencer]] * (returning ? RETURNING_BOUNCE : 1));
    click.visit = {
      session_id: rng.id(24, ALPHANUMERIC),
      returning,
      pages: pages.map((page) => ({ view_id: rng.id(12, ALPHANUMERIC), ...page })),
    };
    visits += 1;
  }
  return visits;
}
