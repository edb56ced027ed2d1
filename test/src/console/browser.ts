import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The Debian `chromium` package; `.ci/run` installs it with apt-get when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium, or a failure that says how to get it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the console end-to-end tests need Chromium at ${CHROMIUM}, which is missing: install it with ` +
        '`apt-get update && apt-get install -y chromium` (bash .ci/run does this), or set CHROMIUM_PATH',
    );
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
}
