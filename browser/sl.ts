// sl.js: Swayline's first-party script for a shop's pages, served by the Worker at /sl.js (built
// by scripts/build-shop-script.mjs). It keeps the click id the short link added to the landing
// URL (sl_cid) in a first-party cookie, carries it into the shop's checkouts, and reports the
// visit's page views and engaged time. It depends on nothing and runs in any browser since 2020
// (ES2020).
//
//   <script src="https://<swayline>/sl.js" data-key="swl_pk_…" async></script>
//
// data-cookie-days (default 90), data-domain (a parent domain for the cookie), data-consent
// ("required": nothing is stored or sent until swayline.consent(true)).

export interface Swayline {
  clickId(): string | null;
  lead(input: { customer_id: string }): Promise<unknown>;
  consent(granted: boolean): void;
}

declare global {
  interface Window {
    swayline?: Swayline;
    Shopify?: unknown;
  }
}

const NAME = "sl_cid";
const CLICK_ID = /^clk_[0-9A-Za-z]{1,60}$/;
const SESSION_STORE = "sl_session";
// A visit ends after half an hour without a page of the shop, as analytics tools count visits.
const SESSION_IDLE_MS = 30 * 60_000;
const MAX_ENGAGED_SECONDS = 86_400;

const tag = document.currentScript as HTMLScriptElement | null;
const data = tag?.dataset ?? {};
const api = `${tag ? new URL(tag.src).origin : ""}/api/v1/track/`;
const key = data.key ?? "";
const cookieDays = Number(data.cookieDays) > 0 ? Number(data.cookieDays) : 90;

// The click id in the landing URL, read before anything else may change the address.
const landedWith = new URL(location.href).searchParams.get(NAME);
let active = false;
let session: { id: string; returning: boolean; at: number } | null = null;

// Ids for a visit and its page views, not secrets: the slight bias of `% 62` does not matter.
const randomId = (length: number) => {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  return Array.from(bytes, (byte) => alphabet[byte % 62]).join("");
};

function readCookie(): string | null {
  const found = document.cookie.split("; ").find((pair) => pair.startsWith(`${NAME}=`));
  const value = found?.slice(NAME.length + 1) ?? "";
  return CLICK_ID.test(value) ? value : null;
}

function writeCookie(value: string, days: number) {
  const domain = data.domain ? `; Domain=${data.domain}` : "";
  const secure = location.protocol === "https:" ? "; Secure" : "";
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from some browsers still in use.
  document.cookie = `${NAME}=${value}; Max-Age=${Math.round(days * 86_400)}; Path=/; SameSite=Lax${domain}${secure}`;
}

// Storage a browser may refuse (blocked cookies block it too): a refusal is the same as nothing kept.
function stored(): typeof session {
  try {
    const value = JSON.parse(sessionStorage.getItem(SESSION_STORE) ?? "null") as typeof session;
    return value && Date.now() - value.at < SESSION_IDLE_MS ? value : null;
  } catch {
    return null;
  }
}

function store(value: typeof session) {
  try {
    if (value) sessionStorage.setItem(SESSION_STORE, JSON.stringify(value));
    else sessionStorage.removeItem(SESSION_STORE);
  } catch {
    // Storage refused: the visit is not reported.
  }
}

function clickId(): string | null {
  return active ? readCookie() : null;
}

// A report of the visit. sendBeacon survives the page being closed and cannot set headers, so the
// key travels in the body, sent as text/plain (no preflight). Path only: the query string may
// carry personal data.
function send(events: object[]) {
  const id = clickId();
  if (!id || !session) return;
  const body = JSON.stringify({
    key,
    click_id: id,
    session_id: session.id,
    returning: session.returning,
    events,
  });
  if (!navigator.sendBeacon?.(`${api}events`, body)) {
    fetch(`${api}events`, { method: "POST", body, keepalive: true }).catch(() => {});
  }
}

// Engaged time: while the page is visible and has the focus, reported (cumulative, in seconds)
// each time the page is hidden or left.
const viewId = randomId(12);
let engagedMs = 0;
let engagedSince = 0;
let reported = -1;

function measure() {
  const now = Date.now();
  if (engagedSince) engagedMs += now - engagedSince;
  engagedSince = document.visibilityState === "visible" && document.hasFocus() ? now : 0;
}

function leave() {
  measure();
  const seconds = Math.min(MAX_ENGAGED_SECONDS, Math.round(engagedMs / 1000));
  if (!active || seconds === reported) return;
  reported = seconds;
  send([{ type: "engagement", view_id: viewId, seconds }]);
}

// Links to Stripe Payment Links (and Stripe's buy buttons and pricing tables) carry the click id
// as client_reference_id, which Stripe hands back in checkout.session.completed; forms marked
// data-swayline carry it in a hidden sl_cid field.
function decorate() {
  const id = clickId();
  if (!id) return;
  for (const link of Array.from(
    document.querySelectorAll<HTMLAnchorElement>('a[href^="https://buy.stripe.com/"]'),
  )) {
    const url = new URL(link.href);
    url.searchParams.set("client_reference_id", id);
    link.href = url.toString();
  }
  for (const button of Array.from(document.querySelectorAll("stripe-buy-button, stripe-pricing-table"))) {
    button.setAttribute("client-reference-id", id);
  }
  for (const form of Array.from(document.querySelectorAll<HTMLFormElement>("form[data-swayline]"))) {
    let input = form.querySelector<HTMLInputElement>(`input[name="${NAME}"]`);
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = NAME;
      form.appendChild(input);
    }
    input.value = id;
  }
}

function start() {
  if (active) return;
  active = true;
  const before = readCookie();
  if (landedWith && CLICK_ID.test(landedWith)) {
    writeCookie(landedWith, cookieDays);
    // Cookies refused: nothing is kept, so nothing is sent either.
    if (readCookie() !== landedWith) {
      active = false;
      return;
    }
    const url = new URL(location.href);
    url.searchParams.delete(NAME);
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    session = { id: randomId(24), returning: before !== null, at: 0 };
  } else {
    session = stored();
  }
  if (!readCookie()) session = null;
  if (session) {
    session.at = Date.now();
    store(session);
    send([{ type: "page_view", view_id: viewId, path: location.pathname, at: new Date().toISOString() }]);
  }
  const id = clickId();
  if (id && window.Shopify) {
    // The cart attribute reaches the order's note_attributes, which the Shopify webhook reads.
    fetch("/cart/update.js", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ attributes: { [NAME]: id } }),
    }).catch(() => {});
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => decorate());
  else decorate();
  measure();
}

// Links and forms added after load are decorated when used.
for (const type of ["click", "submit"]) document.addEventListener(type, () => decorate(), true);
for (const type of ["focus", "blur", "pageshow"]) addEventListener(type, measure);
document.addEventListener("visibilitychange", () =>
  document.visibilityState === "hidden" ? leave() : measure(),
);
addEventListener("pagehide", leave);

window.swayline = {
  clickId,
  // Records a lead for the visitor's click (once per customer and campaign); resolves to the
  // API's answer, or null when there is no click id (or no consent) to report it with.
  lead(input) {
    const id = clickId();
    if (!id) return Promise.resolve(null);
    return fetch(`${api}lead`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ click_id: id, customer_id: input.customer_id }),
    }).then((response) => response.json());
  },
  consent(granted) {
    if (granted) return start();
    writeCookie("", 0);
    active = false;
    session = null;
    store(null);
  },
};

if (data.consent !== "required") start();
