// For vitest.config.ts, which builds sl.js before the tests.
export const SHOP_SCRIPT_MODULE: string;
export function buildShopScript(): string;
