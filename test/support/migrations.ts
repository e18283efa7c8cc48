import { env } from "cloudflare:workers";
import { expect } from "vitest";

// The hand-written data statements (backfills) of the migration whose name holds `name`, as
// wrangler applies them, without its comments: for a test that puts rows back as they were before
// the migration and runs its backfill on them.
export function backfillStatements(name: string): string[] {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.includes(name));
  expect(migration, `the migration ${name}`).toBeDefined();
  return (migration?.queries ?? [])
    .map((q) =>
      q
        .split("\n")
        .filter((line) => !line.trimStart().startsWith("--"))
        .join("\n")
        .trim(),
    )
    .filter((q) => /^(UPDATE|INSERT|DELETE)\b/i.test(q));
}
