import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { buildShopScript } from "./scripts/build-shop-script.mjs";

// The secrets the Worker gets in tests. wrangler checks the required ones (wrangler.toml's
// [secrets]) in the environment before the plugin's bindings apply, and warns once per test file
// when they are missing there.
const TEST_SECRETS = {
  ADMIN_API_KEY: "test-admin-key",
  VISITOR_HASH_SECRET: "test-visitor-secret",
  SIGNING_SECRET: "test-signing-secret",
  STRIPE_WEBHOOK_SECRET: "whsec_test_secret",
  SHOPIFY_WEBHOOK_SECRET: "test-shopify-secret",
};
Object.assign(process.env, TEST_SECRETS);
// wrangler, read by the plugin, would otherwise say per test file where it found them.
process.env.WRANGLER_LOG ??= "warn";

// Tests run inside workerd with the real wrangler.toml bindings: D1 with the real migrations,
// the real EVENTS queue and its consumer, the real scheduled handler.
export default defineConfig(async () => {
  // The Worker serves sl.js from the module this builds (wrangler dev and deploy build it too).
  buildShopScript();
  const migrations = await readD1Migrations("./schema/migrations");
  return {
    // Vite's warnings about node_modules' source maps (stripe ships maps without their sources).
    logLevel: "error" as const,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ...TEST_SECRETS,
          },
          // Deliver queue batches quickly so tests need not wait the production batch timeout.
          queueConsumers: {
            "swayline-events": {
              maxBatchTimeout: 0.05,
              maxRetries: 2,
              deadLetterQueue: "swayline-events-dlq",
            },
            "swayline-events-dlq": { maxBatchTimeout: 0.05 },
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      // CI runs on two shared cores: a test that takes a second here may take ten there. The
      // default 5 s would fail a slow machine's tests, not a wrong answer.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      // The Worker's JSON log lines are shown for the tests that fail, not for the thousands that pass.
      silent: "passed-only" as const,
      setupFiles: ["./test/support/apply-migrations.ts"],
    },
  };
});
