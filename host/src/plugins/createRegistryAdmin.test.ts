import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { HostError, isHostError } from '../errors.js';
import { createRegistryAdmin } from './createRegistryAdmin.js';
import { ToolRegistry } from './ToolRegistry.js';

const off = { enabled: false, manifestFile: null, isolation: 'inline' } as const;

function registryWith(failure: unknown): ToolRegistry {
  const registry = new ToolRegistry({ logger: createCapturingLogger().logger, drainTimeoutMs: 10 });
  registry.register('broken', async () => Promise.reject(failure), off);
  return registry;
}

describe('createRegistryAdmin (legacy mode)', () => {
  it('rejects an enable or reload that cannot start the plugin with its coded reason', async () => {
    const reason = new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
      plugin: 'broken',
      details: 'create/initialize threw: no database',
    });
    const admin = createRegistryAdmin(registryWith(reason));
    await expect(admin.enable('broken')).rejects.toBe(reason);
    await expect(admin.reload('broken')).rejects.toBe(reason);
    expect(admin.list()).toMatchObject([{ name: 'broken', state: 'failed' }]);
  });

  it('gives an uncoded failure the load-failed code', async () => {
    const error = await createRegistryAdmin(registryWith(new Error('boom')))
      .enable('broken')
      .catch((e: unknown) => e);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_PLUGIN_LOAD_FAILED');
    expect((error as Error).message).toBe("Plugin 'broken' could not be loaded: boom");
  });
});
