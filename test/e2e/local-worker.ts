import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { ensureDevVars, startWranglerDev, wrangler, wranglerEnv } from "../../scripts/local-dev.mjs";

// The Worker as a user runs it: `wrangler dev` in workerd, with its own empty local D1 migrated
// through `wrangler d1 migrations apply` (the one migration path), on a free port.
export const E2E_ADMIN_KEY = "e2e-admin-key";

export type LocalWorker = {
  url: string;
  persistDir: string;
  query: (sql: string) => unknown[];
  stop: () => Promise<void>;
};

// vars: more Worker vars, e.g. { SWAYLINE_DEMO_IMPORT: "true" } as `npm run seed` sets it; args:
// more `wrangler dev` arguments, e.g. ["--test-scheduled"] as `npm start` passes it.
// Like `npm start`, it takes the optional secrets (the webhooks') from .dev.vars, made from
// .dev.vars.example when missing.
export async function startLocalWorker(
  vars: Record<string, string> = {},
  args: string[] = [],
): Promise<LocalWorker> {
  ensureDevVars();
  const persistDir = mkdtempSync(join(tmpdir(), "swayline-e2e-"));
  const persist = ["--persist-to", persistDir];
  execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", ...persist], {
    env: wranglerEnv,
    stdio: "pipe",
  });
  const worker = await startWranglerDev({
    args: [...persist, ...args],
    vars: {
      ADMIN_API_KEY: E2E_ADMIN_KEY,
      VISITOR_HASH_SECRET: "e2e-visitor-secret",
      SIGNING_SECRET: "e2e-signing-secret",
      ...vars,
    },
  });
  return {
    url: worker.url,
    persistDir,
    query(sql: string) {
      const out = execFileSync(
        wrangler,
        ["d1", "execute", "DB", "--local", ...persist, "--json", "--command", sql],
        { env: wranglerEnv, stdio: "pipe" },
      ).toString();
      return (JSON.parse(out) as { results: unknown[] }[])[0]?.results ?? [];
    },
    async stop() {
      await worker.stop();
      rmSync(persistDir, { recursive: true, force: true });
    },
  };
}

// An admin's POST to the Worker's API that must create something (201): its answer.
export async function adminPost(worker: LocalWorker, path: string, body: unknown) {
  const res = await fetch(`${worker.url}/api/v1${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${E2E_ADMIN_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Record<string, string>;
}
