import { sha256Hex } from "../../src/crypto";
import { PICKER_JS } from "./picker-script";
import { VIEWS_CSS } from "./views-styles";

// The pages' one stylesheet and one script, served by the Worker under a name that carries a hash
// of their content: cached for a year, and a new version is a new name. Nothing inline, so the
// Content-Security-Policy can refuse every inline script and style.
const CSS = `
:root { --fg: #1d1d1f; --muted: #5b5b66; --line: #dcdce3; --bg: #fff; --soft: #f4f4f8; --accent: #3949ab; --ok: #2e7d32; --bad: #c62828; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 700; color: var(--accent); text-decoration: none; }
header.top nav { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
main.narrow { max-width: 28rem; }
h1 { font-size: 1.5rem; margin: .5rem 0; } h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; } h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.row { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .5rem; margin: 0; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; background: var(--soft); }
.tile dt { font-size: .8rem; color: var(--muted); } .tile dd { margin: 0; font-size: 1.2rem; font-weight: 600; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem .3rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
form.card, section.card { border: 1px solid var(--line); border-radius: 6px; padding: .75rem; margin: .5rem 0; }
form.inline { display: inline; }
label { display: block; margin: .35rem 0; font-size: .9rem; }
label span { display: block; color: var(--muted); }
input, select { font: inherit; padding: .35rem .5rem; border: 1px solid #b9b9c6; border-radius: 4px; width: 100%; max-width: 24rem; }
button, .button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--accent); border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
.field-error { color: var(--bad); font-size: .85rem; }
.alert { border: 1px solid var(--bad); color: var(--bad); padding: .5rem .75rem; border-radius: 4px; }
.notice { border: 1px solid var(--ok); padding: .5rem .75rem; border-radius: 4px; word-break: break-all; }
table.links td { word-break: break-all; }
table.links td:first-child { width: 104px; }
.qr { width: 96px; height: 96px; display: block; }
.chart { width: 100%; height: auto; max-height: 16rem; }
.chart .axis { stroke: var(--line); } .chart text { font-size: 11px; fill: var(--muted); }
.s-clicks { stroke: var(--accent); fill: none; stroke-width: 2; } .s-orders { stroke: #ef6c00; fill: none; stroke-width: 2; }
.d-clicks { fill: var(--accent); } .d-orders { fill: #ef6c00; }
.k-clicks { color: var(--accent); } .k-orders { color: #ef6c00; }
.bar { fill: var(--accent); } .bar-label { fill: var(--fg); }
meter, progress { width: 100%; max-width: 16rem; height: 1rem; }
.ok { color: var(--ok); } .bad { color: var(--bad); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
details > summary { cursor: pointer; color: var(--accent); }
code, .mono { font-family: ui-monospace, monospace; background: var(--soft); padding: 0 .2rem; border-radius: 3px; }
.method { display: inline-block; min-width: 4.5rem; font-weight: 600; }
main.docs { max-width: 60rem; }
main.docs section { border-top: 1px solid var(--line); padding: .5rem 0; }
main.docs table { width: auto; }
main.message { max-width: 32rem; margin-top: 3rem; }
.chart-figure { margin: 0 0 .5rem; }
.chart .grid { stroke: var(--soft); stroke-width: 1; } .chart .axis-title { font-size: 10px; fill: var(--muted); }
.chart .hit { fill: transparent; } .chart .pt:focus { outline: none; } .chart .pt:focus .hit { stroke: var(--fg); stroke-width: 1; }
.chart .tip { display: none; font-weight: 600; fill: var(--fg); paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.chart .pt:hover .tip, .chart .pt:focus .tip { display: inline; }
.chart .rate { font-size: 10px; fill: var(--muted); }
.funnel { max-height: none; }
.small { font-size: .85rem; }
.breakdowns { grid-template-columns: repeat(auto-fit, minmax(min(27rem, 100%), 1fr)); }
/* A referrer's host may break anywhere, so its table fits its column instead of scrolling. */
.breakdowns tbody th { overflow-wrap: anywhere; }
.goals li { margin: .25rem 0; } .goals form.inline { margin-left: .5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 10.5pt; }
  header.top, nav.period, form, button, .button, details > summary, .no-print { display: none !important; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section, figure, svg, table, tr, .tile, dl.facts, li { break-inside: avoid; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  .grid2 { display: block; }
  .tiles { grid-template-columns: repeat(4, minmax(0, 1fr)); } .tile { min-width: 0; overflow-wrap: anywhere; } .tile dd { font-size: 1rem; }
  .chart { max-height: 12rem; }
  details { display: none !important; }
  a { color: inherit; text-decoration: none; }
  main a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; color: var(--muted); word-break: break-all; }
}
label small { display: block; }
form.search { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: flex-end; margin: .5rem 0; }
form.search label { margin: 0; } form.search input, form.search select { width: auto; }
.pager { display: flex; gap: 1rem; margin: .5rem 0; }
.actions { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; }
.badge { display: inline-block; font-size: .8rem; padding: 0 .4rem; border-radius: 3px; background: var(--soft); border: 1px solid var(--line); color: var(--muted); }
label.check { display: flex; gap: .5rem; align-items: center; } label.check input { width: auto; }
@media (max-width: 40rem) {
  main { padding: .6rem; }
  /* A phone draws the 480-unit chart at about 360 px: larger text keeps it readable. */
  .chart-figure .chart text { font-size: 14px; } .chart-figure .chart .axis-title { font-size: 12px; }
  th, td { padding-right: .35rem; font-size: .9rem; }
  .tile dd { font-size: 1.05rem; }
}
`;

// Copy and print buttons: the only things that need a script. The pages work without it (a
// browser's own Print does what the print button does).
const JS = `
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-print]") : null;
  if (button) window.print();
});
document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
  if (!button) return;
  try {
    await navigator.clipboard.writeText(button.getAttribute("data-copy") || "");
    const label = button.textContent;
    button.textContent = button.getAttribute("data-copied") || "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  } catch (error) {
    button.setAttribute("title", String(error));
  }
});
`;

type Asset = { path: string; body: string; type: string; cache: string; csp?: string };

// Named by their content, so cached for a year.
const named = (body: string, ext: string, type: string): Asset => ({
  path: `/static/app.${sha256Hex(body).slice(0, 12)}.${ext}`,
  body,
  type,
  cache: "public, max-age=31536000, immutable",
});

export const STYLESHEET = named(CSS + VIEWS_CSS, "css", "text/css; charset=utf-8");
export const SCRIPT = named(JS, "js", "text/javascript; charset=utf-8");
export const PICKER_SCRIPT = named(PICKER_JS, "js", "text/javascript; charset=utf-8");
export const ASSETS = [STYLESHEET, SCRIPT, PICKER_SCRIPT];

// The tab's icon: a browser asks every page for one, at /favicon.ico unless a page names another,
// so both addresses answer (a 404 on every page otherwise). An SVG: one small text, no binary.
const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3949ab"/><path d="M7 22 13 14l5 5 7-10" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
export const FAVICON_PATHS = ["/favicon.svg", "/favicon.ico"] as const;
// Not content-hashed (its addresses are fixed), so cached a day rather than a year. An SVG opened
// on its own is a document: its policy allows nothing to run in it.
const FAVICONS = FAVICON_PATHS.map(
  (path): Asset => ({
    path,
    body: FAVICON_SVG,
    type: "image/svg+xml",
    cache: "public, max-age=86400",
    csp: "default-src 'none'",
  }),
);

export function assetResponse(path: string): Response | null {
  const asset = [...ASSETS, ...FAVICONS].find((a) => a.path === path);
  if (!asset) return null;
  return new Response(asset.body, {
    headers: {
      "Content-Type": asset.type,
      "Cache-Control": asset.cache,
      "X-Content-Type-Options": "nosniff",
      ...(asset.csp ? { "Content-Security-Policy": asset.csp } : {}),
    },
  });
}
