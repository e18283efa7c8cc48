import { sha256Hex } from "../../src/crypto";
import { PICKER_JS } from "./picker-script";

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
label small { display: block; }
form.search { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: flex-end; margin: .5rem 0; }
form.search label { margin: 0; } form.search input, form.search select { width: auto; }
.pager { display: flex; gap: 1rem; margin: .5rem 0; }
.actions { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; }
.badge { display: inline-block; font-size: .8rem; padding: 0 .4rem; border-radius: 3px; background: var(--soft); border: 1px solid var(--line); color: var(--muted); }
label.check { display: flex; gap: .5rem; align-items: center; } label.check input { width: auto; }
@media (max-width: 40rem) {
  main { padding: .6rem; }
  th, td { padding-right: .35rem; font-size: .9rem; }
  .tile dd { font-size: 1.05rem; }
}
`;

// Copy buttons: the one thing that needs a script. The pages work without it.
const JS = `
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

const named = (body: string, ext: string, type: string) => ({
  path: `/static/app.${sha256Hex(body).slice(0, 12)}.${ext}`,
  body,
  type,
});

export const STYLESHEET = named(CSS, "css", "text/css; charset=utf-8");
export const SCRIPT = named(JS, "js", "text/javascript; charset=utf-8");
export const PICKER_SCRIPT = named(PICKER_JS, "js", "text/javascript; charset=utf-8");
export const ASSETS = [STYLESHEET, SCRIPT, PICKER_SCRIPT];

export function assetResponse(path: string): Response | null {
  const asset = ASSETS.find((a) => a.path === path);
  if (!asset) return null;
  return new Response(asset.body, {
    headers: {
      "Content-Type": asset.type,
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
