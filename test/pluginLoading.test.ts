import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PluginStatus, ToolDescription } from '../host/src/plugins/PluginStatus.js';
import { REPO_PLUGINS_DIR } from './support/builtinPlugins.js';
import { startTestHost, type TestHost } from './support/testHost.js';

const ADMIN = { authorization: 'Bearer admin-token-for-tests-0001' };
const adminEnv = { TOOLHOST_ADMIN_TOKEN: 'admin-token-for-tests-0001' };

const greeterManifest = {
  name: 'greeter',
  enabled: true,
  source: { path: 'greeter' },
  config: { greeting: 'hi' },
};

let running: TestHost | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function toolNames(t: TestHost): Promise<string[]> {
  // The admin key lists every tool; in protected mode the header is not needed, nor looked at.
  const { body } = await t.request('/v1/tools', { headers: ADMIN });
  return (body as { tools: ToolDescription[] }).tools.map((tool) => tool.name);
}

function statusOf(t: TestHost, name: string): PluginStatus | undefined {
  return t.host.registry.statuses().find((s) => s.name === name);
}

const eventually = { timeout: 5_000, interval: 20 };

describe('plugin loading from manifests', () => {
  it('serves a plugin dropped into a running host, and stops serving it when disabled', async () => {
    running = await startTestHost();
    const t = running;
    expect(await toolNames(t)).toEqual([]);

    t.dirs.addPlugin('greeter');
    t.dirs.writeManifest(greeterManifest);
    await vi.waitFor(
      async () => expect(await toolNames(t)).toEqual(['greeter.greet', 'greeter.wait']),
      eventually,
    );

    const invoked = await t.request('/v1/tools/greeter.greet/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: { name: 'Ada' } }),
    });
    expect(invoked.body).toMatchObject({ success: true, data: { greeting: 'hi Ada' } });

    t.dirs.writeManifest({ ...greeterManifest, enabled: false });
    await vi.waitFor(async () => expect(await toolNames(t)).toEqual([]), eventually);
    expect(statusOf(t, 'greeter')?.state).toBe('disabled');
    expect(t.lines.some((l) => l.message === 'greeter cleanup')).toBe(true);
  });

  it('applies an edited manifest without restart, and forgets a removed one', async () => {
    running = await startTestHost((dirs) => {
      dirs.addPlugin('greeter');
      dirs.writeManifest(greeterManifest);
    });
    const t = running;
    const greet = () =>
      t.host.invoker.invoke('greeter.greet', { name: 'Bo' }, { requestId: 'r', sessionId: null });
    expect((await greet()).result.data).toEqual({ greeting: 'hi Bo' });

    t.dirs.writeManifest({ ...greeterManifest, config: { greeting: 'welcome' } });
    await vi.waitFor(
      async () => expect((await greet()).result.data).toEqual({ greeting: 'welcome Bo' }),
      eventually,
    );

    rmSync(join(t.dirs.manifestsDir, 'greeter.json'));
    await vi.waitFor(() => expect(statusOf(t, 'greeter')).toBeUndefined(), eventually);
    expect((await greet()).result).toMatchObject({ success: false, errorCode: 'not_found' });
  });

  it('reports each broken plugin with a clear message while the others keep serving', async () => {
    running = await startTestHost((dirs) => {
      dirs.addPlugin('greeter');
      dirs.addPlugin('init-throws');
      dirs.addPlugin('sdk-too-new');
      dirs.addPlugin('not-a-plugin');
      dirs.writeManifest(greeterManifest);
      dirs.writeManifest({ name: 'init-throws', enabled: true, source: { path: 'init-throws' } });
      dirs.writeManifest({ name: 'sdk-too-new', enabled: true, source: { path: 'sdk-too-new' } });
      dirs.writeManifest({ name: 'not-a-plugin', enabled: true, source: { path: 'not-a-plugin' } });
      dirs.writeManifest({ name: 'missing', enabled: true, source: { path: 'missing' } });
      dirs.writeManifest({
        name: 'bad-policy',
        enabled: true,
        source: { path: 'x' },
        policy: { timeoutMs: -1 },
      } as never);
    });
    const t = running;
    expect(await toolNames(t)).toEqual(['greeter.greet', 'greeter.wait']);

    const errors = Object.fromEntries(t.host.registry.statuses().map((s) => [s.name, s.error]));
    expect(errors['init-throws']).toBe(
      "Plugin 'init-throws' could not be loaded: create/initialize threw: cannot reach the billing database",
    );
    expect(errors['sdk-too-new']).toBe(
      "Plugin 'sdk-too-new' requires @toolhost/plugin-sdk ^2.0.0, but the host provides 1.1.0",
    );
    expect(errors['not-a-plugin']).toContain('is not a definePlugin(...) result');
    expect(errors['missing']).toContain(
      `source folder ${join(t.dirs.pluginsDir, 'missing')} does not exist`,
    );
    expect(errors['bad-policy']).toBe(
      `Manifest ${join(t.dirs.manifestsDir, 'bad-policy.json')} is invalid: field "policy.timeoutMs" must be >= 1`,
    );
    for (const name of ['init-throws', 'sdk-too-new', 'not-a-plugin', 'missing', 'bad-policy']) {
      expect(statusOf(t, name)?.state).toBe('failed');
    }

    const ready = await t.request('/readyz');
    expect(ready.status).toBe(200);
    expect((ready.body as { plugins: PluginStatus[] }).plugins).toHaveLength(6);
    expect(
      t.lines.filter((l) => l.level === 'error' && l.message === 'plugin failed to start'),
    ).toHaveLength(4);
  });

  it('keeps serving the running version when its manifest is edited into an invalid one', async () => {
    running = await startTestHost((dirs) => {
      dirs.addPlugin('greeter');
      dirs.writeManifest(greeterManifest);
    });
    const t = running;
    t.dirs.writeManifest({ ...greeterManifest, isolation: 'vm' } as never);
    await vi.waitFor(
      () => expect(statusOf(t, 'greeter')?.error).toContain('field "isolation"'),
      eventually,
    );
    expect(statusOf(t, 'greeter')?.state).toBe('enabled');
    expect(await toolNames(t)).toEqual(['greeter.greet', 'greeter.wait']);
  });

  it('an ENABLE_* flag forces a plugin off whatever its manifest says', async () => {
    running = await startTestHost(
      (dirs) => {
        dirs.addPlugin('greeter', 'crm');
        dirs.writeManifest({ ...greeterManifest, name: 'crm', source: { path: 'crm' } });
      },
      { ENABLE_CRM_TOOL: 'false' },
    );
    expect(statusOf(running, 'crm')).toMatchObject({
      state: 'disabled',
      error: 'forced off by ENABLE_CRM_TOOL=false',
    });
    expect(await toolNames(running)).toEqual([]);
  });

  it('legacy mode ignores the manifests dir and wires the built-ins', async () => {
    running = await startTestHost(
      (dirs) => dirs.writeManifest({ name: 'greeter', enabled: true, source: { path: 'greeter' } }),
      {
        AGENT_TOOL_REGISTRY_MODE: 'legacy',
        TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
        ENABLE_MEMORY: 'false',
      },
    );
    expect(await toolNames(running)).toEqual([
      'escalation.create_ticket',
      'escalation.get_ticket',
      'rag.add_documents',
      'rag.search',
    ]);
    expect(statusOf(running, 'memory')).toMatchObject({
      state: 'disabled',
      error: 'forced off by ENABLE_MEMORY=false',
    });
    expect(statusOf(running, 'greeter')).toBeUndefined();
    expect(running.host.plugins).toBeNull();
  });
});

describe('admin enable and reload of a plugin that cannot start', () => {
  it.each([
    [
      'its create/initialize throws',
      { name: 'init-throws', enabled: false, source: { path: 'init-throws' } },
      "Plugin 'init-throws' could not be loaded: create/initialize threw: cannot reach the billing database",
    ],
    [
      'its manifest is invalid',
      { name: 'init-throws', enabled: false, source: { path: 'init-throws' }, colour: 'red' },
      'is invalid: field "colour" is not allowed',
    ],
    [
      'its config breaks its configSchema',
      { ...greeterManifest, name: 'greeter', enabled: false, config: { greeting: 7 } },
      'Configuration of plugin \'greeter\' is invalid: field "greeting" must be string',
    ],
  ])(
    'an enable where %s answers 422 and leaves the manifest as it was',
    async (_l, manifest, detail) => {
      running = await startTestHost((dirs) => {
        dirs.addPlugin(manifest.source.path);
        dirs.writeManifest(manifest as never);
      }, adminEnv);
      const t = running;
      const file = join(t.dirs.manifestsDir, `${manifest.name}.json`);
      const before = readFileSync(file, 'utf8');

      const answer = await t.request(`/v1/admin/plugins/${manifest.name}/enable`, {
        method: 'POST',
        headers: ADMIN,
      });
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'TOOLHOST_HTTP_PLUGIN_REFUSED' });
      expect((answer.body as { detail: string }).detail).toContain(detail);
      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(statusOf(t, manifest.name)?.state).not.toBe('enabled');
      expect(await toolNames(t)).toEqual([]);
    },
  );

  it('a reload whose new version fails answers 422 and the previous version keeps serving', async () => {
    running = await startTestHost((dirs) => {
      dirs.addPlugin('greeter');
      dirs.writeManifest(greeterManifest);
    }, adminEnv);
    const t = running;
    const entry = join(t.dirs.pluginsDir, 'greeter', 'index.js');
    writeFileSync(
      entry,
      readFileSync(entry, 'utf8').replace("name: 'greeter'", "name: 'impostor'"),
    );

    const answer = await t.request('/v1/admin/plugins/greeter/reload', {
      method: 'POST',
      headers: ADMIN,
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      code: 'TOOLHOST_HTTP_PLUGIN_REFUSED',
      detail:
        "Plugin 'greeter' is invalid: the module defines plugin 'impostor', but its manifest is 'greeter'",
    });
    expect(statusOf(t, 'greeter')?.state).toBe('enabled');
    expect(await toolNames(t)).toEqual(['greeter.greet', 'greeter.wait']);
  });

  it('an enable that works still answers 200 with the status', async () => {
    running = await startTestHost((dirs) => {
      dirs.addPlugin('greeter');
      dirs.writeManifest({ ...greeterManifest, enabled: false });
    }, adminEnv);
    const answer = await running.request('/v1/admin/plugins/greeter/enable', {
      method: 'POST',
      headers: ADMIN,
    });
    expect(answer).toMatchObject({ status: 200, body: { name: 'greeter', state: 'enabled' } });
  });
});

describe('admin enable and disable', () => {
  it('a disable stops a plugin even while its edited manifest is refused', async () => {
    running = await startTestHost((dirs) => {
      dirs.addPlugin('greeter');
      dirs.writeManifest(greeterManifest);
    });
    const t = running;
    t.dirs.writeManifest({ ...greeterManifest, colour: 'red' } as never);
    await vi.waitFor(
      () => expect(statusOf(t, 'greeter')?.error).toContain('field "colour"'),
      eventually,
    );
    const status = await t.host.plugins!.disable('greeter');
    expect(status.state).toBe('disabled');
    expect(await toolNames(t)).toEqual([]);
  });

  it('concurrent toggles of one plugin all succeed and leave a valid manifest', async () => {
    running = await startTestHost((dirs) => {
      dirs.addPlugin('greeter');
      dirs.writeManifest(greeterManifest);
    });
    const plugins = running.host.plugins!;
    const toggles = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0 ? plugins.disable('greeter') : plugins.enable('greeter'),
    );
    const statuses = await Promise.all(toggles);
    expect(statuses.at(-1)?.state).toBe('enabled');
    expect(statusOf(running, 'greeter')).toMatchObject({ state: 'enabled', error: null });
  });
});

describe('disabling a plugin', () => {
  it('drains in-flight calls before cleanup', async () => {
    running = await startTestHost((dirs) => {
      dirs.addPlugin('greeter');
      dirs.writeManifest(greeterManifest);
    });
    const t = running;
    const inFlight = t.host.invoker.invoke(
      'greeter.wait',
      { ms: 300 },
      { requestId: 'r', sessionId: null },
    );
    await vi.waitFor(
      () => expect(t.host.registry.started('greeter')?.runtime.inFlight).toBe(1),
      eventually,
    );
    const disabled = await t.host.plugins!.disable('greeter');
    expect(disabled.state).toBe('disabled');
    await expect(inFlight).resolves.toMatchObject({
      result: { success: true, data: { waited: 300 } },
    });
    const cleanupAt = t.lines.findIndex((l) => l.message === 'greeter cleanup');
    expect(cleanupAt).toBeGreaterThan(-1);
  });
});
