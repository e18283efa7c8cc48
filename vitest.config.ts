import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with the real wrangler.toml bindings: D1 with the real migrations,
// the real EVENTS queue and its consumer, the real scheduled handler.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./schema/migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_API_KEY: "test-admin-key",
            VISITOR_HASH_SECRET: "test-visitor-secret",
            SIGNING_SECRET: "test-signing-secret",
            STRIPE_WEBHOOK_SECRET: "whsec_test_secret",
            SHOPIFY_WEBHOOK_SECRET: "test-shopify-secret",
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
      setupFiles: ["./test/setup/apply-migrations.ts"],
    },
  };
});
