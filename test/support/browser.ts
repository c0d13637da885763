import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

/** Debian's chromium; never a downloaded browser. */
export const CHROMIUM = process.env['TOOLHOST_CHROMIUM'] ?? '/usr/bin/chromium';

/** Screenshots of the console's views land here (git-ignored; CI keeps them). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/', import.meta.url));

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot as `test/artifacts/<name>.png`; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Headless chromium on a fresh profile, with nothing that reaches outside. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'toolhost-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async screenshot(name) {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const path = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** `describe` when chromium is installed; else one loud skip, or a failure under TOOLHOST_REQUIRE_SERVICES=1. */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
  } else if (process.env['TOOLHOST_REQUIRE_SERVICES'] === '1') {
    describe(name, () => {
      it('needs chromium', () => {
        throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
      });
    });
  } else {
    console.warn(`SKIPPED ${name}: ${CHROMIUM} is missing (apt-get install chromium)`);
    describe.skip(`${name} (skipped: ${CHROMIUM} is missing)`, fn);
  }
}
