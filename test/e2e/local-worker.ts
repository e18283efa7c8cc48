import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The Worker as a user runs it: `wrangler dev` in workerd, with its own empty local D1 migrated
// through `wrangler d1 migrations apply` (the one migration path), on a free port.
const wrangler = join(process.cwd(), "node_modules", ".bin", "wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

export const E2E_ADMIN_KEY = "e2e-admin-key";

async function freePort(): Promise<number> {
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

export type LocalWorker = {
  url: string;
  persistDir: string;
  query: (sql: string) => unknown[];
  stop: () => void;
};

export async function startLocalWorker(): Promise<LocalWorker> {
  const persistDir = mkdtempSync(join(tmpdir(), "swayline-e2e-"));
  execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], {
    env,
    stdio: "pipe",
  });
  const port = await freePort();
  const child: ChildProcess = spawn(
    wrangler,
    [
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      persistDir,
      "--show-interactive-dev-session=false",
      "--var",
      `ADMIN_API_KEY:${E2E_ADMIN_KEY}`,
      "--var",
      "VISITOR_HASH_SECRET:e2e-visitor-secret",
    ],
    { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`wrangler dev did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    persistDir,
    query(sql: string) {
      const out = execFileSync(
        wrangler,
        ["d1", "execute", "DB", "--local", "--persist-to", persistDir, "--json", "--command", sql],
        { env, stdio: "pipe" },
      ).toString();
      return (JSON.parse(out) as { results: unknown[] }[])[0]?.results ?? [];
    },
    stop() {
      if (child.pid) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
      rmSync(persistDir, { recursive: true, force: true });
    },
  };
}
