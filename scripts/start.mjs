#!/usr/bin/env node
// `npm start`: local secrets, migrated local D1, then `wrangler dev` (extra arguments pass through).
import { applyMigrations, ensureDevVars, runWrangler } from "./local-dev.mjs";

ensureDevVars();
applyMigrations();
runWrangler(["dev", ...process.argv.slice(2)]);
