// What `npm start` and `npm run seed` share: local secrets, the migrated local D1, wrangler itself.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const wrangler = fileURLToPath(new URL("../node_modules/.bin/wrangler", import.meta.url));
// No telemetry from a local run (and these machines have no network for it anyway), and no fetch
// of Cloudflare's sample `Request.cf` (offline it fails with a stack trace at every start; the
// built-in placeholder is used either way). The project's own Node 22 first, as npm scripts have
// it, so running a script with an older `node` works too.
export const wranglerEnv = {
  ...process.env,
  PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

// `wrangler dev` in the foreground until it exits, which then ends this process with its code.
// wrangler runs in a process group of its own (with the workerd it starts), and whatever stops
// this process stops that whole group: Ctrl-C, a signal, or the end of its parent. (`kill` of
// npm start's process id ends npm and its shell but signals nothing further down, so this
// process notices its parent is gone by being handed to init.)
export function runWranglerForeground(args) {
  const child = spawn(wrangler, args, { cwd: root, env: wranglerEnv, stdio: "inherit", detached: true });
  const stop = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal));
  process.on("exit", () => stop("SIGTERM"));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop("SIGTERM");
  }, 500).unref();
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

export function ensureDevVars() {
  if (existsSync(`${root}/.dev.vars`)) return;
  copyFileSync(`${root}/.dev.vars.example`, `${root}/.dev.vars`);
  console.log("Created .dev.vars from .dev.vars.example (ADMIN_API_KEY=dev-admin-key).");
}

// `persistArgs`: ["--persist-to", dir] for another local state than .wrangler/state. wrangler
// prints the table of migrations several times over; one line says what happened, and the whole
// output is shown only when it failed.
export function applyMigrations(persistArgs = []) {
  const result = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", ...persistArgs], {
    cwd: root,
    env: wranglerEnv,
    encoding: "utf8",
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    process.stderr.write(output);
    console.error("Applying the D1 migrations to the local database failed (above).");
    process.exit(result.status ?? 1);
  }
  const applied = /About to apply (\d+) migration/.exec(output)?.[1];
  console.log(
    applied ? `Local D1: ${applied} migration(s) applied.` : "Local D1: up to date, no migrations to apply.",
  );
}

export function devVar(name) {
  const file = `${root}/.dev.vars`;
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim();
}

// Secrets a deployment may leave unset, so wrangler.toml's [secrets] does not list them. With that
// list present, wrangler dev loads from .dev.vars only the secrets it names (and the vars), so these
// are handed over as vars when .dev.vars has them: without this, every local webhook is a 401.
const OPTIONAL_SECRETS = ["STRIPE_WEBHOOK_SECRET", "SHOPIFY_WEBHOOK_SECRET"];

export function optionalSecretArgs() {
  return OPTIONAL_SECRETS.flatMap((name) => {
    const value = devVar(name);
    return value ? ["--var", `${name}:${value}`] : [];
  });
}

// Never a hard-coded port: ask the OS for one that is free now.
/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function answers(url) {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

// `wrangler dev` in the background on a free port, with Worker vars added (`--var NAME:value`),
// once it answers /healthz. stop() ends its whole process group (wrangler and workerd).
/** @param {{ args?: string[], vars?: Record<string, string> }} [options] */
export async function startWranglerDev({ args = [], vars = {} } = {}) {
  const port = await freePort();
  const child = spawn(
    wrangler,
    [
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--show-interactive-dev-session=false",
      ...optionalSecretArgs(),
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      ...args,
    ],
    { cwd: root, env: { ...wranglerEnv, CI: "true" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const kill = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (!(await answers(url))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      kill();
      throw new Error(`wrangler dev did not start:\n${output.slice(-3000)}`);
    }
    await sleep(250);
  }
  return {
    url,
    kill,
    async stop() {
      kill();
      await Promise.race([exited, sleep(10_000)]);
    },
  };
}
