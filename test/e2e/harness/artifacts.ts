/** Screenshots of every test's pages under test-artifacts/ (git-ignored), for people to look at. */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** Saves a full-page screenshot as test-artifacts/<test>/<step>.png and returns its path. */
export async function saveScreenshot(page: Page, testName: string, step: string): Promise<string> {
  const dir = `${ARTIFACTS_DIR}${slug(testName)}/`;
  mkdirSync(dir, { recursive: true });
  const path = `${dir}${slug(step)}.png`;
  await page.screenshot({ path, fullPage: true, timeout: 10_000 });
  return path;
}
