#!/usr/bin/env node
// `npm start`: local secrets, migrated local D1, then `wrangler dev` (extra arguments pass through),
// with the cron triggers of wrangler.toml fired on their schedule (scripts/local-cron.mjs).
import { join } from "node:path";
import { cronsOf, devUrl, parseCron, startLocalCron } from "./local-cron.mjs";
import {
  applyMigrations,
  ensureDevVars,
  optionalSecretArgs,
  root,
  runWranglerForeground,
} from "./local-dev.mjs";

const args = process.argv.slice(2);
ensureDevVars();
// Migrate the state wrangler dev will use: another one when `--persist-to DIR` is passed through.
applyMigrations(persistArgsOf(args));
// SWAYLINE_LOCAL_CRON=off: no scheduled runs, the figures move only on "Refresh now". The
// schedule is read (and an expression it cannot follow refused) before wrangler starts.
const cron = process.env.SWAYLINE_LOCAL_CRON !== "off";
const crons = cron ? cronsOf(join(root, "wrangler.toml")) : [];
for (const expression of crons) parseCron(expression);
// Locally, `npm run seed` may fill this running Worker with the demo, whose past clicks come in
// through POST /api/v1/demo/clicks (admin only): enabled here, never in wrangler.toml.
runWranglerForeground([
  "dev",
  "--show-interactive-dev-session=false",
  "--var",
  "SWAYLINE_DEMO_IMPORT:true",
  ...(cron ? ["--test-scheduled"] : []),
  ...optionalSecretArgs(),
  ...args,
]);
if (cron) {
  startLocalCron({ url: devUrl(args), crons });
  console.log(`Local cron: ${crons.join(", ")} (UTC), as on Cloudflare. SWAYLINE_LOCAL_CRON=off to stop it.`);
}

function persistArgsOf(argv) {
  const at = argv.findIndex((arg) => arg === "--persist-to" || arg.startsWith("--persist-to="));
  if (at === -1) return [];
  return argv[at].includes("=") ? [argv[at]] : argv.slice(at, at + 2);
}
