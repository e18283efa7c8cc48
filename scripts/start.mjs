#!/usr/bin/env node
// `npm start`: local secrets, migrated local D1, then `wrangler dev` (extra arguments pass through).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const wrangler = fileURLToPath(new URL("../node_modules/.bin/wrangler", import.meta.url));
// No telemetry from a local run (and these machines have no network for it anyway).
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

function run(args) {
  const result = spawnSync(wrangler, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(`${root}/.dev.vars`)) {
  copyFileSync(`${root}/.dev.vars.example`, `${root}/.dev.vars`);
  console.log("Created .dev.vars from .dev.vars.example (ADMIN_API_KEY=dev-admin-key).");
}
console.log("Applying D1 migrations to the local database…");
run(["d1", "migrations", "apply", "DB", "--local"]);
run(["dev", ...process.argv.slice(2)]);
