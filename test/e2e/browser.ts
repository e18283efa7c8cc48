import { mkdirSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

// Debian's chromium (apt), driven by playwright-core: Playwright's own browser download cannot
// work on machines without internet. The flags keep it from reaching for the network.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ARTEFACTS = "test-results/e2e";

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTEFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
