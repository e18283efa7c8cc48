// What `npm start` and `npm run seed` share: local secrets, the migrated local D1, wrangler itself.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const wrangler = fileURLToPath(new URL("../node_modules/.bin/wrangler", import.meta.url));
// No telemetry from a local run (and these machines have no network for it anyway). The project's
// own Node 22 first, as npm scripts have it, so running a script with an older `node` works too.
export const wranglerEnv = {
  ...process.env,
  PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
};

export function runWrangler(args) {
  const result = spawnSync(wrangler, args, { cwd: root, env: wranglerEnv, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

export function ensureDevVars() {
  if (existsSync(`${root}/.dev.vars`)) return;
  copyFileSync(`${root}/.dev.vars.example`, `${root}/.dev.vars`);
  console.log("Created .dev.vars from .dev.vars.example (ADMIN_API_KEY=dev-admin-key).");
}

// `persistArgs`: ["--persist-to", dir] for another local state than .wrangler/state.
export function applyMigrations(persistArgs = []) {
  console.log("Applying D1 migrations to the local database…");
  runWrangler(["d1", "migrations", "apply", "DB", "--local", ...persistArgs]);
}

export function devVar(name) {
  const file = `${root}/.dev.vars`;
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim();
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
