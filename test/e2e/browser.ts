import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../scripts/chromium.mjs";

export { CHROMIUM } from "../../scripts/chromium.mjs";
export const ARTEFACTS = "test-results/e2e";

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTEFACTS, { recursive: true });
  return launchChromium();
}
