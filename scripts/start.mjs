#!/usr/bin/env node
// `npm start`: local secrets, migrated local D1, then `wrangler dev` (extra arguments pass through).
import { applyMigrations, ensureDevVars, optionalSecretArgs, runWranglerForeground } from "./local-dev.mjs";

ensureDevVars();
applyMigrations();
// Locally, `npm run seed` may fill this running Worker with the demo, whose past clicks come in
// through POST /api/v1/demo/clicks (admin only): enabled here, never in wrangler.toml.
runWranglerForeground([
  "dev",
  "--show-interactive-dev-session=false",
  "--var",
  "SWAYLINE_DEMO_IMPORT:true",
  ...optionalSecretArgs(),
  ...process.argv.slice(2),
]);
