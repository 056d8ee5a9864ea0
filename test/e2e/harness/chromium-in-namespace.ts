/**
 * Chromium inside another network namespace (a home of the NAT lab): playwright-core starts a
 * small wrapper script as the browser's executable, which enters the namespace with `nsenter`
 * and execs Chromium with playwright's arguments. The DevTools pipe (file descriptors 3 and 4)
 * passes through exec unchanged; every Chromium process (the network service included) then
 * lives in the namespace, so its sockets, addresses and ICE candidates are the home's.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_EXECUTABLE, CHROMIUM_FLAGS } from './chromium.ts';

/** Single quotes for sh, with any single quote inside closed, escaped and reopened. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Launches Chromium in the network namespace at `namespace` (a `/proc/<pid>/ns/net` path). */
export async function launchChromiumIn(namespace: string): Promise<Browser> {
  if (!existsSync(CHROMIUM_EXECUTABLE)) {
    throw new Error(`Chromium not found at ${CHROMIUM_EXECUTABLE}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pixeldrop-chromium-'));
  const wrapper = join(dir, 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec nsenter --net=${shellQuote(namespace)} ${shellQuote(CHROMIUM_EXECUTABLE)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  try {
    const browser = await chromium.launch({ executablePath: wrapper, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
    browser.on('disconnected', () => rmSync(dir, { recursive: true, force: true }));
    return browser;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
