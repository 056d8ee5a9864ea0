/**
 * Launches Debian's Chromium with playwright-core. Never `npx playwright install`: there is no
 * internet here and CI installs the `chromium` package instead (.ci/run).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The last flag stops mDNS `.local` host candidates and their multicast. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

export interface LaunchOptions {
  /** Extra Chromium flags, e.g. `--enable-precise-memory-info` for heap figures. */
  extraArgs?: string[];
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_EXECUTABLE)) {
    throw new Error(`Chromium not found at ${CHROMIUM_EXECUTABLE}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.extraArgs ?? [])],
    timeout: 30_000,
  });
}

export interface PeerPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, so a test can show them when it fails. */
  errors: string[];
}

/**
 * One page in its own browser context: two of them behave like two people's browsers (separate
 * storage, separate renderer processes) while sharing one Chromium.
 */
export async function openPeerPage(browser: Browser, name: string): Promise<PeerPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`[${name}] console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`[${name}] pageerror: ${error.message}`));
  return { context, page, errors };
}
