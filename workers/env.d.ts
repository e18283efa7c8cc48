// Secrets that a deployment may leave unset, so wrangler.toml does not list them as required
// (and `wrangler types` does not type them): a provider whose webhook secret is unset has its
// webhooks refused.
declare global {
  interface Env {
    STRIPE_WEBHOOK_SECRET?: string;
    SHOPIFY_WEBHOOK_SECRET?: string;
  }
}

export {};
