import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, keysEnv, type TestKey } from '../support/apiKeys.js';
import { describeWithBrowser, launchBrowser, type Browser } from '../support/browser.js';
import { fixturePlugin } from '../support/pluginPackages.js';
import { startTestRegistry, type TestRegistry } from '../support/registry.js';
import { startTestHost, type TestHost } from '../support/testHost.js';

// Registry installs from the operator console (issue 17): install with its phases shown
// live, the registry source on the row, update, remove.

const OPERATOR: TestKey = {
  name: 'operator',
  key: 'operator-key-for-console-registry',
  scopes: ['admin'],
};

let registry: TestRegistry;
let host: TestHost;
let browser: Browser;
let page: Page;

/** Polls until the page shows it: generous, since a loaded CI machine is slow, never a sleep. */
const eventually = <T>(read: () => Promise<T>) =>
  expect.poll(read, { timeout: 20_000, interval: 50 });

const row = (plugin: string) => page.locator(`#plugins-table tr[data-plugin="${plugin}"]`);

describeWithBrowser('registry installs from the console', () => {
  beforeAll(async () => {
    registry = await startTestRegistry();
    [host, browser] = await Promise.all([
      startTestHost(() => {}, {
        TOOLHOST_REGISTRY_URL: registry.url,
        TOOLHOST_WATCH_MANIFESTS: 'false',
        ...keysEnv(OPERATOR),
      }),
      launchBrowser(),
    ]);
    page = browser.page;
    await registry.publishFiles(
      fixturePlugin({ package: '@acme/plugin-hello', version: '1.0.0', plugin: 'hello' }),
    );
    await page.goto(`${host.host.url}/console`);
    await page.getByLabel('Admin API key').fill(OPERATOR.key);
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-loaded="true"]');
    await page.waitForSelector('#live[data-state="live"]');
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await registry?.close();
  });

  it('installs from the form, showing each phase as the host reports it', async () => {
    await page.getByLabel('Install from the registry').fill('@acme/plugin-hello@^1');
    await page.getByRole('button', { name: 'Install', exact: true }).click();
    await eventually(() => row('hello').getAttribute('data-state')).toBe('enabled');
    await eventually(() => page.locator('#install-progress').textContent()).toContain(
      'done, hello is enabled',
    );
    // Phases may still be arriving over the stream after the install answered.
    await page.locator('#install-phases li[data-phase="verifying"]').waitFor();
    const phases = await page
      .locator('#install-phases li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-phase')));
    expect(phases).toEqual(expect.arrayContaining(['resolving', 'downloading', 'verifying']));
    const source = await row('hello').locator('td').nth(1).textContent();
    expect(source).toContain('registry');
    expect(source).toContain('@acme/plugin-hello@1.0.0');
    expect(source).toContain('sha512-');
    expect(source).toContain('unsigned');
    expect(await row('hello').locator('td').nth(2).textContent()).toContain('process');
    await browser.screenshot('registry-install');
  }, 60_000);

  it('updates to a newer release from the row; the new version shows live', async () => {
    await registry.publishFiles(
      fixturePlugin({ package: '@acme/plugin-hello', version: '1.1.0', plugin: 'hello' }),
    );
    await row('hello').getByRole('button', { name: 'Update hello' }).click();
    await eventually(() => page.locator('#install-progress').textContent()).toBe(
      'update hello: done',
    );
    expect(await page.locator('#plugins-message').textContent()).toBe('');
    await eventually(() => row('hello').locator('td').first().textContent()).toBe('1.1.0');
    const call = await host.request('/v1/admin/tools/hello.version/invoke', {
      method: 'POST',
      headers: { ...bearer(OPERATOR), 'content-type': 'application/json' },
      body: '{"input":{}}',
    });
    expect(call.body).toMatchObject({ result: { success: true, data: { version: '1.1.0' } } });
  }, 60_000);

  it('removes it after a confirmation; its row goes', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await row('hello').getByRole('button', { name: 'Remove hello' }).click();
    await row('hello').waitFor({ state: 'detached' });
    const { body } = await host.request('/v1/admin/plugins', { headers: bearer(OPERATOR) });
    expect((body as { plugins: unknown[] }).plugins).toEqual([]);
  });
});
