import { defineConfig } from "vitest/config";

// Browser tests: plain Node (not workerd), driving Debian's chromium against `wrangler dev`.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
