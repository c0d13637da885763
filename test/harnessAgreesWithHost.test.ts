// The ./testing harness and the host apply the same rules to a plugin: each case runs one
// fixture through both and expects the same outcome.
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolhostPlugin, ToolResult } from '@toolhost/plugin-sdk';
import { createPluginHarness } from '@toolhost/plugin-sdk/testing';
import type { Manifest } from '../host/src/manifests/Manifest.js';
import { startTestHost, type TestHost } from './support/testHost.js';

let running: TestHost | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function fixture(name: string): Promise<ToolhostPlugin> {
  const module = (await import(`./fixtures/plugins/${name}/index.js`)) as {
    default: ToolhostPlugin;
  };
  return module.default;
}

function manifestOf(name: string, extra: Partial<Manifest> = {}): Manifest {
  return { name, enabled: true, source: { path: name }, ...extra };
}

/** What a host answers for one call of `tool` with this manifest. */
async function hostCall(manifest: Manifest, tool: string, input = {}): Promise<ToolResult> {
  running = await startTestHost((dirs) => {
    dirs.addPlugin(manifest.name);
    dirs.writeManifest(manifest);
  });
  const { result } = await running.host.invoker.invoke(`${manifest.name}.${tool}`, input, {
    requestId: 'r',
    sessionId: null,
  });
  await running.stop();
  running = null;
  return result;
}

/** What the harness answers for the same call, with the manifest's config and permissions. */
async function harnessCall(manifest: Manifest, tool: string, input = {}): Promise<ToolResult> {
  const harness = await createPluginHarness(await fixture(manifest.name), {
    ...(manifest.config && { config: manifest.config }),
    ...(manifest.permissions && { permissions: manifest.permissions }),
  });
  try {
    return await harness.call(tool, input);
  } finally {
    await harness.close();
  }
}

describe('the harness and the host agree', () => {
  it.each([
    ['config defaults', manifestOf('parity', { config: { region: 'us' } }), 'show_config'],
    ['an ungranted store', manifestOf('parity'), 'use_store'],
    ['a granted store', manifestOf('parity', { permissions: { store: true } }), 'use_store'],
    ['an ungranted cache', manifestOf('parity'), 'use_cache'],
    ['a granted cache', manifestOf('parity', { permissions: { cache: true } }), 'use_cache'],
    ['an ungranted search', manifestOf('parity'), 'use_search'],
    ['a granted search', manifestOf('parity', { permissions: { search: true } }), 'use_search'],
  ])('on %s', async (_case, manifest, tool) => {
    const fromHost = await hostCall(manifest, tool);
    expect(await harnessCall(manifest, tool)).toEqual(fromHost);
    expect(fromHost.success || fromHost.errorCode === 'permission_denied').toBe(true);
  });

  it('on an origin the manifest does not grant', async () => {
    const manifest = manifestOf('parity', { permissions: { http: ['http://127.0.0.1:1'] } });
    const input = { url: 'http://example.test/' };
    const fromHost = await hostCall(manifest, 'use_http', input);
    expect(fromHost).toMatchObject({ success: false, errorCode: 'permission_denied' });
    expect(await harnessCall(manifest, 'use_http', input)).toEqual(fromHost);
  });

  it('on a schema with a keyword JSON Schema does not know', async () => {
    running = await startTestHost((dirs) => {
      dirs.addPlugin('misspelt-schema');
      dirs.writeManifest(manifestOf('misspelt-schema'));
    });
    const status = running.host.registry.status('misspelt-schema');
    expect(status.state).toBe('failed');
    expect(status.error).toBe(
      "Plugin 'misspelt-schema' is invalid: tool 'lookup' has an invalid inputSchema: strict mode: unknown keyword: \"requried\"",
    );
    const error = await createPluginHarness(await fixture('misspelt-schema')).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(status.error);
  });
});
