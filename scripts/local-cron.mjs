// The production cron, locally. `wrangler dev` never fires a Worker's cron triggers by itself; with
// `--test-scheduled` it runs the `scheduled` handler on a GET of /__scheduled?cron=<expression>.
// `npm start` asks for that page on the schedule `wrangler.toml` gives the cron triggers, so the
// rollup (and the retention) run locally as often as they do on Cloudflare, and the figures move
// without "Refresh now".
import { readFileSync } from "node:fs";

// The cron expressions of `[triggers] crons = [...]` in wrangler.toml. (A regular expression, not a
// TOML parser: the project writes that one line itself, and a dependency for it would be more.)
/** @returns {string[]} */
export function cronsFromWranglerToml(text) {
  const triggers = /^\[triggers\][^[]*?^crons\s*=\s*\[([^\]]*)\]/ms.exec(text);
  if (!triggers) return [];
  return [...(triggers[1] ?? "").matchAll(/"([^"]+)"|'([^']+)'/g)].map((m) => (m[1] ?? m[2] ?? "").trim());
}

export function cronsOf(wranglerTomlPath) {
  return cronsFromWranglerToml(readFileSync(wranglerTomlPath, "utf8"));
}

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 },
];
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function fieldValue(text, index) {
  const upper = text.toUpperCase();
  if (index === 3 && MONTHS.includes(upper)) return MONTHS.indexOf(upper) + 1;
  if (index === 4 && DAYS.includes(upper)) return DAYS.indexOf(upper);
  if (!/^\d+$/.test(text)) throw new Error(`"${text}" is not a value of the cron's ${FIELDS[index]?.name}`);
  return Number(text);
}

// The values one field of a cron expression allows: `*`, `a`, `a-b`, `a,b`, `*/n`, `a-b/n`, and the
// names of months and days. What Cloudflare adds beyond these (L, W, #) is refused with a message,
// so an expression this cannot follow is said, not silently never fired.
function fieldSet(text, index) {
  const { min, max } = FIELDS[index];
  const allowed = new Set();
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : fieldValue(stepText, index);
    if (step < 1) throw new Error(`A step of ${step} in "${text}"`);
    const [from, to] =
      range === "*"
        ? [min, max]
        : range.includes("-")
          ? range.split("-").map((v) => fieldValue(v, index))
          : [fieldValue(range, index), stepText === undefined ? fieldValue(range, index) : max];
    if (from < min || to > max || from > to)
      throw new Error(`"${part}" is out of range for ${FIELDS[index]?.name}`);
    for (let v = from; v <= to; v += step) allowed.add(index === 4 && v === 7 ? 0 : v);
  }
  return allowed;
}

/** A cron expression as a test of a minute (UTC, as Cloudflare runs cron triggers). */
export function parseCron(expression) {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`"${expression}" is not a five-field cron expression`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((part, i) => fieldSet(part, i));
  const anyDay = { dom: parts[2] === "*", dow: parts[4] === "*" };
  return (/** @type {Date} */ date) => {
    if (!minute.has(date.getUTCMinutes()) || !hour.has(date.getUTCHours())) return false;
    if (!month.has(date.getUTCMonth() + 1)) return false;
    const dom = dayOfMonth.has(date.getUTCDate());
    const dow = dayOfWeek.has(date.getUTCDay());
    // Cron's old rule: with both day fields restricted, either one matching is enough.
    if (!anyDay.dom && !anyDay.dow) return dom || dow;
    return dom && dow;
  };
}

// Where wrangler dev listens, read from the arguments it is given (its defaults otherwise).
export function devUrl(args) {
  const option = (name) => {
    const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (at === -1) return undefined;
    const arg = args[at] ?? "";
    return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[at + 1];
  };
  const ip = option("ip") ?? "localhost";
  const host = ip === "0.0.0.0" || ip === "*" ? "localhost" : ip.includes(":") ? `[${ip}]` : ip;
  return `http://${host}:${option("port") ?? "8787"}`;
}

const MINUTE = 60_000;

/**
 * Fires each cron on its schedule against a `wrangler dev --test-scheduled` at `url`, at the
 * start of each minute that matches. A tick that fails (the Worker restarting after an edit) is
 * logged and the next one tried: the rollup catches up on whatever it missed.
 * @param {{ url: string, crons: string[], log?: (line: string) => void, now?: () => number,
 *   fetchImpl?: typeof fetch }} options
 */
export function startLocalCron({ url, crons, log = console.log, now = Date.now, fetchImpl = fetch }) {
  const schedules = crons.map((cron) => ({ cron, matches: parseCron(cron) }));
  let timer;
  let stopped = false;
  async function tick(minute) {
    for (const { cron, matches } of schedules) {
      if (!matches(new Date(minute))) continue;
      try {
        const res = await fetchImpl(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`, {
          signal: AbortSignal.timeout(55_000),
        });
        await res.text();
        log(res.ok ? `[local cron] ${cron}: ran` : `[local cron] ${cron}: HTTP ${res.status}`);
      } catch (error) {
        log(`[local cron] ${cron}: not run (${error instanceof Error ? error.message : error})`);
      }
    }
  }
  function schedule() {
    if (stopped) return;
    const next = Math.floor(now() / MINUTE) * MINUTE + MINUTE;
    timer = setTimeout(
      () => {
        tick(next).finally(schedule);
      },
      Math.max(0, next - now()),
    );
    timer.unref?.();
  }
  schedule();
  return {
    tick,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
