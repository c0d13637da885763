import { describe, expect, it, vi } from 'vitest';
import { BaseTool, definePlugin, ok, type ToolResult } from '@toolhost/plugin-sdk';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { InlineRuntime } from './InlineRuntime.js';
import { ToolRegistry, type PluginFactory, type PluginRegistration } from './ToolRegistry.js';

class Counter extends BaseTool {
  cleanedUp = false;
  async count(): Promise<ToolResult> {
    return ok({ n: 1 });
  }
  override async cleanup(): Promise<void> {
    this.cleanedUp = true;
  }
}

function factory(name: string, seen: string[] = [], version = '1.0.0'): PluginFactory {
  const plugin = definePlugin({
    name,
    tools: { count: { description: 'counts', inputSchema: { type: 'object' } } },
    create: (ctx) => new Counter(ctx),
  });
  return async () => {
    seen.push(name);
    const runtime = new InlineRuntime(plugin, { pluginName: name } as never);
    await runtime.start();
    return { description: plugin, runtime, isolation: 'inline', policy: {}, version };
  };
}

const on: PluginRegistration = { enabled: true, manifestFile: null, isolation: 'inline' };
const off: PluginRegistration = { ...on, enabled: false };

function newRegistry() {
  const { logger, lines } = createCapturingLogger();
  return { registry: new ToolRegistry({ logger, drainTimeoutMs: 100 }), lines };
}

describe('ToolRegistry', () => {
  it('creates only the enabled plugins, calling only their factories', async () => {
    const { registry } = newRegistry();
    const seen: string[] = [];
    registry.register('alpha', factory('alpha', seen), on);
    registry.register('beta', factory('beta', seen), off);

    const statuses = await registry.createTools();

    expect(registry.list().map((t) => t.name)).toEqual(['alpha.count']);
    expect(seen).toEqual(['alpha']);
    expect(statuses.map((s) => [s.name, s.state])).toEqual([
      ['alpha', 'enabled'],
      ['beta', 'disabled'],
    ]);
    expect(registry.get('alpha.count')).toMatchObject({ pluginName: 'alpha', toolName: 'count' });
    expect(registry.get('beta.count')).toBeUndefined();
  });

  it('tells its listeners every status change, and when a plugin is forgotten', async () => {
    const { registry } = newRegistry();
    const changes: string[] = [];
    const unsubscribe = registry.onChange(({ plugin, status }) =>
      changes.push(`${plugin} ${status ? `${status.state} [${status.tools.join(',')}]` : 'gone'}`),
    );
    registry.register('alpha', factory('alpha'), off);
    await registry.enable('alpha');
    await registry.disable('alpha');
    await registry.unregister('alpha');
    unsubscribe();
    registry.register('beta', factory('beta'), off);

    expect(changes).toEqual([
      'alpha disabled []',
      'alpha enabled [alpha.count]',
      'alpha disabled []',
      'alpha disabled []',
      'alpha gone',
    ]);
  });

  it('keeps going when a change listener throws, and logs it', async () => {
    const { registry, lines } = newRegistry();
    registry.onChange(() => {
      throw new Error('listener broke');
    });
    registry.register('alpha', factory('alpha'), off);
    await expect(registry.enable('alpha')).resolves.toMatchObject({ state: 'enabled' });
    expect(lines.some((l) => l.message === 'plugin change listener failed')).toBe(true);
  });

  it('refuses a second registration under the same name', () => {
    const { registry } = newRegistry();
    registry.register('alpha', factory('alpha'), on);
    expect(() => registry.register('alpha', factory('alpha'), on)).toThrow(
      "register() called twice for plugin 'alpha'",
    );
  });

  it('enable and disable switch the tools on and off and run cleanup', async () => {
    const { registry } = newRegistry();
    registry.register('alpha', factory('alpha'), off);
    await registry.createTools();
    expect(registry.has('alpha.count')).toBe(false);

    await registry.enable('alpha');
    const runtime = registry.started('alpha')?.runtime;
    expect(registry.has('alpha.count')).toBe(true);

    const status = await registry.disable('alpha');
    expect(status.state).toBe('disabled');
    expect(registry.has('alpha.count')).toBe(false);
    await expect(runtime?.health()).resolves.toEqual({ healthy: false });
  });

  it('reports a factory that throws as failed, with its message', async () => {
    const { registry, lines } = newRegistry();
    registry.register('broken', async () => Promise.reject(new Error('no such module')), on);
    const [status] = await registry.createTools();
    expect(status).toMatchObject({ name: 'broken', state: 'failed', error: 'no such module' });
    expect(lines.some((l) => l.level === 'error' && l.plugin === 'broken')).toBe(true);
  });

  it('replace starts the new version beside the old one and keeps the old one if the new fails', async () => {
    const { registry } = newRegistry();
    registry.register('alpha', factory('alpha', [], '1.0.0'), on);
    await registry.createTools();
    const v1 = registry.get('alpha.count');

    await registry.replace('alpha', async () => Promise.reject(new Error('v2 is broken')), on);
    expect(registry.get('alpha.count')).toBe(v1);
    expect(registry.status('alpha')).toMatchObject({
      state: 'enabled',
      version: '1.0.0',
      error: 'v2 is broken (still serving the previous version)',
    });

    await registry.replace('alpha', factory('alpha', [], '2.0.0'), on);
    expect(registry.get('alpha.count')).not.toBe(v1);
    expect(registry.status('alpha')).toMatchObject({
      state: 'enabled',
      version: '2.0.0',
      error: null,
    });
    await expect(v1?.runtime.health()).resolves.toEqual({ healthy: false });
  });

  it('a disable gives up a start still in progress instead of waiting for it', async () => {
    const { registry } = newRegistry();
    let seen: AbortSignal | null = null;
    registry.register(
      'slow',
      (signal) =>
        new Promise((_resolve, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
      on,
    );
    const starting = registry.enable('slow');
    await vi.waitFor(() => expect(registry.status('slow').state).toBe('loading'));

    await expect(registry.disable('slow')).resolves.toMatchObject({
      state: 'disabled',
      error: null,
    });
    await starting;
    expect(seen!.aborted).toBe(true);
  });

  it('a runtime that gives up fails its plugin with the reason and stops serving its tools', async () => {
    const { registry } = newRegistry();
    let giveUp!: (error: Error) => void;
    const plugin = definePlugin({
      name: 'alpha',
      tools: { count: { description: 'counts', inputSchema: { type: 'object' } } },
      create: (ctx) => new Counter(ctx),
    });
    registry.register(
      'alpha',
      async () => {
        const runtime = new InlineRuntime(plugin, { pluginName: 'alpha' } as never);
        runtime.onFailure = (listener: (error: Error) => void) => void (giveUp = listener);
        await runtime.start();
        return { description: plugin, runtime, isolation: 'inline', policy: {}, version: '1.0.0' };
      },
      on,
    );
    await registry.createTools();

    giveUp(new Error('crashed 5 times within 60 s'));

    await vi.waitFor(() => expect(registry.status('alpha').state).toBe('failed'));
    expect(registry.status('alpha')).toMatchObject({
      state: 'failed',
      error: 'crashed 5 times within 60 s',
      runtime: null,
    });
    expect(registry.has('alpha.count')).toBe(false);
    await expect(registry.enable('alpha')).resolves.toMatchObject({ state: 'enabled' });
  });

  it('unknown plugins are refused with a coded error', async () => {
    const { registry } = newRegistry();
    await expect(registry.enable('ghost')).rejects.toMatchObject({
      code: 'TOOLHOST_ERR_PLUGIN_UNKNOWN',
    });
  });
});
