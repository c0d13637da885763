// Lifecycle under faults, in every isolation (issue 10): create/initialize and cleanup have
// timeouts, each plugin's lifecycle runs on its own, and a plugin that crashes too often is
// failed with its reason until reloaded.
import type { JsonObject, ToolResult } from '@toolhost/plugin-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Manifest } from '../host/src/manifests/Manifest.js';
import type { PluginStatus } from '../host/src/plugins/PluginStatus.js';
import { bearer, keysEnv, type TestKey } from './support/apiKeys.js';
import { startTestHost, type TestHost } from './support/testHost.js';

const eventually = { timeout: 10_000, interval: 20 };
const OPERATOR: TestKey = {
  name: 'operator',
  key: 'lifecycle-operator-key-0123456789',
  scopes: ['tools', 'admin'],
};

function manifest(name: string, extra: Partial<Manifest> = {}): Manifest {
  return { name, enabled: true, source: { path: name }, ...extra };
}

function statusOf(t: TestHost, name: string): PluginStatus | undefined {
  return t.host.registry.statuses().find((s) => s.name === name);
}

async function invoke(
  t: TestHost,
  tool: string,
  input: JsonObject = {},
  auth: Record<string, string> = {},
) {
  return t.request(`/v1/tools/${tool}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ input }),
  });
}

describe('lifecycle timeouts, each plugin on its own', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost((dirs) => {
      for (const copy of [
        'never-starts',
        'never-starts-worker',
        'never-starts-slow',
        'never-starts-slow-worker',
      ]) {
        dirs.addPlugin('never-starts', copy);
      }
      dirs.addPlugin('faulty', 'faulty-inline');
      dirs.addPlugin('greeter');
      dirs.writeManifest(manifest('never-starts', { limits: { startTimeoutMs: 300 } }));
      dirs.writeManifest(
        manifest('never-starts-worker', { isolation: 'worker', limits: { startTimeoutMs: 300 } }),
      );
      dirs.writeManifest(manifest('faulty-inline', { policy: { timeoutMs: 100 } }));
      dirs.writeManifest(manifest('greeter'));
    });
  });
  afterAll(() => t?.stop());

  it('a plugin whose initialize never resolves is failed after its start timeout; start-up went on', async () => {
    expect(statusOf(t, 'never-starts')).toMatchObject({
      state: 'failed',
      isolation: 'inline',
      error: "Plugin 'never-starts' did not finish starting (create, initialize) within 300 ms",
    });
    expect(statusOf(t, 'never-starts-worker')).toMatchObject({
      state: 'failed',
      isolation: 'worker',
      error:
        "Plugin 'never-starts-worker' did not finish starting (import, create, initialize) within 300 ms",
    });
    expect((await invoke(t, 'greeter.greet', { name: 'Ada' })).body).toMatchObject({
      success: true,
    });
    const tools = await t.request('/v1/tools');
    expect((tools.body as { failed: PluginStatus[] }).failed.map((s) => [s.name, s.error])).toEqual(
      [
        ['never-starts', statusOf(t, 'never-starts')?.error],
        ['never-starts-worker', statusOf(t, 'never-starts-worker')?.error],
      ],
    );
    const ready = await t.request('/readyz');
    expect((ready.body as { plugins: PluginStatus[] }).plugins).toContainEqual(
      expect.objectContaining({ name: 'never-starts-worker', state: 'failed' }),
    );
  });

  it('a start in progress holds up no other plugin, no manifest change and no admin action', async () => {
    // These starts would never end (their timeout is ten minutes): everything below must
    // go on beside them, and disabling them must not wait for them.
    t.dirs.writeManifest(manifest('never-starts-slow', { limits: { startTimeoutMs: 600_000 } }));
    t.dirs.writeManifest(
      manifest('never-starts-slow-worker', {
        isolation: 'worker',
        limits: { startTimeoutMs: 600_000 },
      }),
    );
    await vi.waitFor(() => {
      expect(statusOf(t, 'never-starts-slow')?.state).toBe('loading');
      expect(statusOf(t, 'never-starts-slow-worker')?.state).toBe('loading');
    }, eventually);

    t.dirs.writeManifest(manifest('greeter', { config: { greeting: 'hey' } }));
    await vi.waitFor(
      async () =>
        expect((await invoke(t, 'greeter.greet', { name: 'Ada' })).body).toMatchObject({
          data: { greeting: 'hey Ada' },
        }),
      eventually,
    );
    const plugins = t.host.plugins!;
    await expect(plugins.disable('greeter')).resolves.toMatchObject({ state: 'disabled' });
    await expect(plugins.enable('greeter')).resolves.toMatchObject({ state: 'enabled' });

    await expect(plugins.disable('never-starts-slow')).resolves.toMatchObject({
      state: 'disabled',
    });
    await expect(plugins.disable('never-starts-slow-worker')).resolves.toMatchObject({
      state: 'disabled',
    });
  });

  it('an inline tool that answers after its deadline answers timeout, not its late result', async () => {
    const { body } = await invoke(t, 'faulty-inline.block', { ms: 300 });
    expect(body).toMatchObject({ success: false, errorCode: 'timeout' });
  });
});

describe('a plugin that crashes too often', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost(
      (dirs) => {
        dirs.addPlugin('faulty');
        dirs.writeManifest(manifest('faulty', { isolation: 'worker' }));
      },
      { TOOLHOST_PLUGIN_CRASH_LIMIT: '2', ...keysEnv(OPERATOR) },
    );
  });
  afterAll(() => t?.stop());

  it('is failed with its reason in /v1/tools, /readyz and the admin API until it is reloaded', async () => {
    const auth = bearer(OPERATOR);
    for (let i = 0; i < 2; i++) {
      expect((await invoke(t, 'faulty.exit', {}, auth)).body).toMatchObject({
        errorCode: 'crashed',
      });
    }
    const reason =
      "Plugin 'faulty' was stopped after 2 crashes within 60 s (the last: its worker exited with code 3); reload it to try again";
    await vi.waitFor(
      () => expect(statusOf(t, 'faulty')).toMatchObject({ state: 'failed', error: reason }),
      eventually,
    );

    expect((await invoke(t, 'faulty.whoami', {}, auth)).status).toBe(404);
    const tools = (await t.request('/v1/tools', { headers: auth })).body as {
      tools: unknown[];
      failed: PluginStatus[];
    };
    expect(tools.tools).toEqual([]);
    expect(tools.failed).toEqual([expect.objectContaining({ name: 'faulty', error: reason })]);
    const ready = (await t.request('/readyz')).body as { plugins: PluginStatus[] };
    expect(ready.plugins).toEqual([
      expect.objectContaining({ name: 'faulty', state: 'failed', error: reason }),
    ]);
    const admin = (await t.request('/v1/admin/plugins', { headers: auth })).body as {
      plugins: PluginStatus[];
    };
    expect(admin.plugins).toEqual([
      expect.objectContaining({ name: 'faulty', state: 'failed', error: reason }),
    ]);

    const reloaded = await t.request('/v1/admin/plugins/faulty/reload', {
      method: 'POST',
      headers: auth,
    });
    expect(reloaded).toMatchObject({ status: 200, body: { state: 'enabled', error: null } });
    expect(((await invoke(t, 'faulty.whoami', {}, auth)).body as ToolResult).success).toBe(true);
  });
});
