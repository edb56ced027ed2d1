import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The Debian `chromium` package; `.ci/run` installs it with apt-get when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails at once, saying how to get it, when Chromium is not installed. */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the console end-to-end tests need Chromium at ${CHROMIUM}, which is missing: install it with ` +
        '`apt-get update && apt-get install -y chromium` (bash .ci/run does this), or set CHROMIUM_PATH',
    );
  }
}

/** Headless Chromium (see assertChromium). */
export async function launchChromium(): Promise<Browser> {
  assertChromium();
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
}
