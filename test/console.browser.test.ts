import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, keysEnv, type TestKey } from './support/apiKeys.js';
import { launchBrowser, describeWithBrowser, type Browser } from './support/browser.js';
import { REPO_PLUGINS_DIR, useBuiltinManifests } from './support/builtinPlugins.js';
import { startTestHost, type TestHost } from './support/testHost.js';

// The operator console in a real browser against a real host (issue 17).

const OPERATOR: TestKey = {
  name: 'operator',
  key: 'operator-key-for-console-tests-01',
  scopes: ['admin', 'messages'],
};
const HOSTILE =
  '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>';

let host: TestHost;
let browser: Browser;
let page: Page;

/** Polls until the page shows it: generous, since a loaded CI machine is slow, never a sleep. */
const eventually = <T>(read: () => Promise<T>) =>
  expect.poll(read, { timeout: 20_000, interval: 50 });

async function toolNames(): Promise<string[]> {
  const { body } = await host.request('/v1/tools', { headers: bearer(OPERATOR) });
  return (body as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
}

const row = (plugin: string) => page.locator(`#plugins-table tr[data-plugin="${plugin}"]`);

describeWithBrowser('the operator console', () => {
  beforeAll(async () => {
    [host, browser] = await Promise.all([
      startTestHost(
        (dirs) => {
          useBuiltinManifests(dirs, ['rag', 'memory', 'escalation']);
          dirs.addPlugin('hostile-text');
          // Refused by the schema: its row shows why, its manifest viewer shows where.
          writeFileSync(
            join(dirs.manifestsDir, 'broken.json'),
            JSON.stringify({
              name: 'broken',
              enabled: true,
              source: { path: 'rag' },
              policy: { timeoutMs: 0 },
            }),
          );
          dirs.writeManifest({
            name: 'hostile-text',
            enabled: true,
            source: { path: `${dirs.pluginsDir}/hostile-text` },
            // Two failures open its breakers, and they stay open for the whole file.
            policy: {
              retry: { maxAttempts: 1 },
              circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 600_000 },
            },
          });
        },
        {
          TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
          TOOLHOST_WATCH_MANIFESTS: 'false',
          // Every audit payload goes to the blob store, so the page fetches it on demand.
          AUDIT_INLINE_MAX_BYTES: '0',
          ...keysEnv(OPERATOR),
        },
      ),
      launchBrowser(),
    ]);
    page = browser.page;
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('serves the page with a strict CSP and no secret in it', async () => {
    const response = await fetch(`${host.host.url}/console`);
    const html = await response.text();
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html).not.toContain(OPERATOR.key);
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script
  });

  it('a wrong key is refused with a message, and nothing is stored', async () => {
    await page.goto(`${host.host.url}/console`);
    await page.getByLabel('Admin API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => page.locator('#sign-in-error').textContent()).toBe(
      'That key is not valid.',
    );
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await browser.screenshot('sign-in-error');
  });

  it('signs in from the keyboard with the admin key, kept in session storage and never in the URL', async () => {
    // The refused key left the focus in the key field, emptied.
    await page.keyboard.press('Control+A');
    await page.keyboard.type(OPERATOR.key);
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-loaded="true"]');
    expect(page.url()).not.toContain(OPERATOR.key);
    expect(await page.evaluate(() => sessionStorage.getItem('toolhost.console.key'))).toBe(
      OPERATOR.key,
    );
    await page.waitForSelector('#live[data-state="live"]');
  });

  it('shows every built-in plugin with its version, source, isolation, state and tools', async () => {
    for (const plugin of ['rag', 'memory', 'escalation', 'hostile-text']) {
      await eventually(() => row(plugin).getAttribute('data-state')).toBe('enabled');
    }
    const rag = row('rag');
    expect(await rag.locator('td').nth(1).textContent()).toContain('folder');
    expect(await rag.locator('td').nth(2).textContent()).toBe('inline');
    expect(await rag.textContent()).toContain('store');
    expect(
      await rag.locator('li[data-tool="rag.search"] [data-field="circuit"]').textContent(),
    ).toBe('circuit closed');
    await browser.screenshot('plugins');
  });

  it('shows a refused manifest with its reason on the row and its error on the field', async () => {
    await eventually(() => row('broken').getAttribute('data-state')).toBe('failed');
    expect(await row('broken').locator('[data-field="reason"]').textContent()).toContain(
      'policy.timeoutMs',
    );
    await row('broken').getByRole('button', { name: 'Manifest of broken' }).click();
    const dialog = page.locator('#manifest-dialog');
    await dialog.waitFor();
    const field = dialog.locator('tr[data-field="policy.timeoutMs"]');
    expect(await field.getAttribute('class')).toBe('invalid');
    expect(await field.locator('.error').textContent()).toContain('must be >= 1');
    expect(await dialog.locator('tr[data-field="source.path"]').getAttribute('class')).toBe('');
    await browser.screenshot('manifest');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('disabling a plugin from its row removes its tools from /v1/tools; an enable made elsewhere shows live', async () => {
    expect(await toolNames()).toContain('memory.remember');
    await row('memory').getByRole('button', { name: 'Disable memory' }).click();
    await eventually(() => row('memory').getAttribute('data-state')).toBe('disabled');
    expect((await toolNames()).filter((name) => name.startsWith('memory.'))).toEqual([]);
    expect(await row('memory').textContent()).toContain('no tools served');

    // Enabled through the API, not the page: only the event stream can tell the page.
    const answer = await host.request('/v1/admin/plugins/memory/enable', {
      method: 'POST',
      headers: bearer(OPERATOR),
    });
    expect(answer.status).toBe(200);
    await eventually(() => row('memory').getAttribute('data-state')).toBe('enabled');
    await page.waitForSelector('#plugins-table li[data-tool="memory.remember"]');
    expect(await toolNames()).toContain('memory.remember');
  });

  it('a breaker that opens shows on the row of its tool live', async () => {
    const circuit = row('hostile-text').locator(
      'li[data-tool="hostile-text.outage"] [data-field="circuit"]',
    );
    expect(await circuit.textContent()).toBe('circuit closed');
    for (let i = 0; i < 2; i += 1) {
      const call = await host.request('/v1/admin/tools/hostile-text.outage/invoke', {
        method: 'POST',
        headers: { ...bearer(OPERATOR), 'content-type': 'application/json' },
        body: '{"input":{}}',
      });
      expect((call.body as { record: { errorCode: string } }).record.errorCode).toBe(
        'upstream_error',
      );
    }
    await eventually(() => circuit.textContent()).toBe('circuit open');
  });

  it('tries a tool through the form generated from its input schema, showing the result and the call record', async () => {
    await page.getByRole('button', { name: 'Tools' }).click();
    const card = page.locator('details.tool[data-tool="rag.search"]');
    await card.locator('summary').click();
    await card.getByLabel(/^query/).fill('refund');
    await card.getByLabel(/^limit/).fill('2');
    await card.getByRole('button', { name: 'Call rag.search' }).click();
    await card.locator('dl.record').waitFor();
    expect(await card.locator('[data-field="outcome"]').textContent()).toBe('success');
    expect(await card.locator('[data-field="attempts"]').textContent()).toBe('1');
    expect(await card.locator('[data-field="errorCode"]').textContent()).toBe('none');
    expect(await card.locator('[data-field="result"] pre').textContent()).toContain('"results"');
    await browser.screenshot('tools');
  });

  it('renders a hostile plugin description and tool output as text: no element, no script', async () => {
    const card = page.locator('details.tool[data-tool="hostile-text.shout"]');
    expect(await card.locator('[data-field="description"]').textContent()).toBe(HOSTILE);
    await card.locator('summary').click();
    await card.getByLabel(/^words/).fill('<img src=z onerror="window.__pwned=5">');
    await card.getByRole('button', { name: 'Call hostile-text.shout' }).click();
    await card.locator('dl.record').waitFor();
    // Evaluated in the page (this file has no DOM types).
    const injected = await page.evaluate(`({
      pwned: window.__pwned ?? null,
      images: document.querySelectorAll('main img').length,
      scripts: document.querySelectorAll('main script').length,
      bold: document.querySelectorAll('main b').length,
    })`);
    expect(injected).toEqual({ pwned: null, images: 0, scripts: 0, bold: 0 });
    expect(await card.locator('.hint').first().textContent()).toContain('onerror');

    const outage = page.locator('details.tool[data-tool="hostile-text.outage"]');
    await outage.locator('summary').click();
    await outage.getByRole('button', { name: 'Call hostile-text.outage' }).click();
    await outage.locator('dl.record').waitFor();
    expect(await outage.locator('[data-field="errorCode"]').textContent()).toBe('circuit_open');
    expect(await page.evaluate(`window.__pwned ?? null`)).toBeNull();
  });

  it('sends a message as a session from the page, then shows its context and audit row', async () => {
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page.getByLabel('Session id').fill('console-session-1');
    await page
      .getByLabel('Message to send as this session')
      .fill('How do I get a refund? <img src=m onerror="window.__pwned=6">');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForSelector('#message-answer [data-field="reply"]');
    expect(await page.locator('#message-answer [data-field="reply"]').textContent()).not.toBe('');
    await page.waitForSelector('#audit-table tbody tr');
    expect(await page.locator('#session-context [data-field="messages"]').textContent()).toBe('1');
    const audit = page.locator('#audit-table tbody tr').first();
    expect(await audit.locator('[data-field="text"]').textContent()).toContain(
      'refund? <img src=m onerror=',
    );
    expect(await page.evaluate(`document.querySelectorAll('main img').length`)).toBe(0);
    await audit.getByRole('button', { name: /^Fetch the full payload/ }).click();
    const payload = audit.locator('pre.json');
    await payload.waitFor();
    expect(JSON.parse((await payload.textContent()) ?? '')).toMatchObject({
      request: { sessionId: 'console-session-1' },
      response: { reply: expect.any(String) },
    });
    expect(await audit.locator('li[data-tool="rag.search"]').textContent()).toContain('success');
    await browser.screenshot('conversations');
  });

  it('charts each tool’s calls and failures of the last hour from the host’s counters', async () => {
    await page.getByRole('button', { name: 'Plugins' }).click();
    const chart = page.locator('li[data-tool="rag.search"] svg.chart');
    // rag.search ran from the form and for the message: two calls at least.
    await eventually(async () =>
      Number(await chart.getAttribute('data-calls')),
    ).toBeGreaterThanOrEqual(2);
    expect(await chart.getAttribute('aria-label')).toMatch(/^rag\.search: \d+ calls, 0 failed/);
    expect(await chart.locator('rect.calls').count()).toBeGreaterThanOrEqual(1);
    const screenshot = await browser.screenshot('plugins-with-charts');
    // `TOOLHOST_CONSOLE_SCREENSHOT=docs/console.png` refreshes the README's picture.
    const target = process.env['TOOLHOST_CONSOLE_SCREENSHOT'];
    if (target) copyFileSync(screenshot, target);
  });
});
