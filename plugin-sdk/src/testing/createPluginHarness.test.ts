import { describe, expect, it } from 'vitest';
import { BaseTool } from '../BaseTool.js';
import type { CallContext } from '../PluginContext.js';
import { definePlugin, type ToolSpec } from '../definePlugin.js';
import { isToolhostError, ToolError } from '../errors.js';
import type { HttpCapability, PluginContext } from '../PluginContext.js';
import { fail, ok, type ToolResult } from '../ToolResult.js';
import { createPluginHarness } from './createPluginHarness.js';

class Notes extends BaseTool<{ maxLength: number }> {
  cleanedUp = false;
  async save(input: { key: string; text: string }): Promise<ToolResult> {
    if (input.text.length > this.ctx.config.maxLength) return fail('too long', 'invalid_input');
    await this.ctx.store.put(input.key, { text: input.text });
    return ok({ key: input.key });
  }
  async load(input: { key: string }): Promise<ToolResult> {
    const doc = await this.ctx.store.get(input.key);
    if (!doc) throw new ToolError('not_found', `no note ${input.key}`);
    return ok(doc);
  }
  async broken(): Promise<ToolResult> {
    return ok({ count: 'three' });
  }
  async not_a_result(): Promise<ToolResult> {
    return { success: true } as unknown as ToolResult;
  }
  async slow(_input: unknown, call: CallContext): Promise<ToolResult> {
    await new Promise((resolve) => call.signal.addEventListener('abort', resolve));
    return fail('aborted', 'timeout');
  }
  override async cleanup(): Promise<void> {
    this.cleanedUp = true;
  }
}

const any = { type: 'object' };
const notes = definePlugin({
  name: 'notes',
  configSchema: {
    type: 'object',
    required: ['maxLength'],
    properties: { maxLength: { type: 'integer', minimum: 1 } },
  },
  tools: {
    save: {
      description: 'save a note',
      inputSchema: {
        type: 'object',
        required: ['key', 'text'],
        properties: { key: { type: 'string' }, text: { type: 'string' } },
      },
      outputSchema: { type: 'object', required: ['key'] },
    },
    load: {
      description: 'load a note',
      inputSchema: any,
      outputSchema: { type: 'object', required: ['text'] },
    },
    broken: {
      description: 'breaks its output schema',
      inputSchema: any,
      outputSchema: { type: 'object', properties: { count: { type: 'integer' } } },
    },
    not_a_result: { description: 'returns junk', inputSchema: any },
    slow: { description: 'waits for abort', inputSchema: any },
  },
  create: (ctx) => new Notes(ctx as never),
});

describe('createPluginHarness', () => {
  it('runs tools against in-memory capabilities', async () => {
    const harness = await createPluginHarness(notes, {
      config: { maxLength: 10 },
      permissions: { store: true },
    });
    await expect(harness.call('save', { key: 'a', text: 'hello' })).resolves.toEqual(
      ok({ key: 'a' }),
    );
    await expect(harness.call('load', { key: 'a' })).resolves.toEqual(ok({ text: 'hello' }));
    await expect(harness.call('save', { key: 'b', text: 'far too long' })).resolves.toMatchObject({
      success: false,
      errorCode: 'invalid_input',
    });
  });

  it('turns a thrown ToolError into a failed result, as the host does', async () => {
    const harness = await createPluginHarness(notes, {
      config: { maxLength: 10 },
      permissions: { store: true },
    });
    await expect(harness.call('load', { key: 'missing' })).resolves.toEqual(
      fail('no note missing', 'not_found'),
    );
  });

  it('validates input against the inputSchema', async () => {
    const harness = await createPluginHarness(notes, {
      config: { maxLength: 10 },
      permissions: { store: true },
    });
    const result = await harness.call('save', { key: 'a' });
    expect(result).toMatchObject({ success: false, errorCode: 'invalid_input' });
    expect(result.error).toContain('field "text" is required');
  });

  it('catches a tool whose output breaks its outputSchema', async () => {
    const harness = await createPluginHarness(notes, {
      config: { maxLength: 10 },
      permissions: { store: true },
    });
    const error = await harness.call('broken', {}).catch((e: unknown) => e);
    expect(isToolhostError(error) && error.code).toBe('TOOLHOST_ERR_HARNESS_ASSERTION');
    expect((error as Error).message).toBe(
      'Tool \'broken\' broke its contract: data breaks its outputSchema: field "count" must be integer',
    );
  });

  it('catches a tool that returns something that is not a ToolResult', async () => {
    const harness = await createPluginHarness(notes, {
      config: { maxLength: 10 },
      permissions: { store: true },
    });
    const error = await harness.call('not_a_result', {}).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'result is not a ToolResult: field "data" is required',
    );
  });

  it('aborts the call signal after timeoutMs', async () => {
    const harness = await createPluginHarness(notes, {
      config: { maxLength: 10 },
      permissions: { store: true },
    });
    await expect(harness.call('slow', {}, { timeoutMs: 20 })).resolves.toMatchObject({
      errorCode: 'timeout',
    });
  });

  it('refuses config that breaks the configSchema, naming the field', async () => {
    await expect(
      createPluginHarness(notes, { config: { maxLength: 0 }, permissions: { store: true } }),
    ).rejects.toThrow(
      'Configuration of plugin \'notes\' is invalid: field "maxLength" must be >= 1',
    );
  });

  it('refuses an unknown tool and runs cleanup on close', async () => {
    const harness = await createPluginHarness(notes, {
      config: { maxLength: 10 },
      permissions: { store: true },
    });
    await expect(harness.call('nope', {})).rejects.toThrow("Tool 'notes.nope' is not registered");
    await harness.close();
    expect((harness.instance as unknown as Notes).cleanedUp).toBe(true);
  });

  it('fills in configSchema defaults, as the host does, and freezes the config', async () => {
    const harness = await createPluginHarness(withDefaults, {});
    expect(harness.context.config).toEqual({ region: 'eu', retries: 2 });
    expect(Object.isFrozen(harness.context.config)).toBe(true);
  });

  it.each([
    ['store', { store: true }, 'use_store', "Plugin 'grants' is not granted store access"],
    ['cache', { cache: true }, 'use_cache', "Plugin 'grants' is not granted cache access"],
    [
      'an http origin',
      { http: ['http://granted.test'] },
      'use_http',
      "Plugin 'grants' is not granted http access to http://granted.test",
    ],
  ])(
    'a tool using %s it is not granted fails as in the host, and works once granted',
    async (_what, granted, tool, refusal) => {
      const denied = await createPluginHarness(grants, { http: recordingHttp() });
      await expect(denied.call(tool, {})).resolves.toEqual(fail(refusal, 'permission_denied'));
      const allowed = await createPluginHarness(grants, {
        permissions: granted,
        http: recordingHttp(),
      });
      await expect(allowed.call(tool, {})).resolves.toMatchObject({ success: true });
    },
  );

  it.each([
    [
      'an invalid inputSchema',
      'inputSchema',
      { type: 'object', properties: { n: { type: 'nope' } } },
    ],
    ['an invalid outputSchema', 'outputSchema', { type: 'object', minProperties: 'x' }],
    ['a misspelt keyword', 'inputSchema', { type: 'object', requried: ['n'] }],
    ['an unknown format', 'outputSchema', { type: 'string', format: 'postcode' }],
  ] as const)('refuses a plugin with %s, naming the tool', async (_label, field, schema) => {
    const spec =
      field === 'inputSchema'
        ? { inputSchema: schema }
        : { inputSchema: any, outputSchema: schema };
    const error = await createPluginHarness(oneTool(spec)).catch((e: unknown) => e);
    expect(isToolhostError(error) && error.code).toBe('TOOLHOST_ERR_PLUGIN_INVALID');
    expect((error as Error).message).toContain(
      `Plugin 'single' is invalid: tool 'only' has an invalid ${field}: `,
    );
  });

  it('takes the same tool once its schemas are valid', async () => {
    const harness = await createPluginHarness(oneTool({ inputSchema: { type: 'object' } }));
    await expect(harness.call('only', {})).resolves.toEqual(ok({}));
  });

  it('reports a tool listed in tools without a method as exactly that', async () => {
    const harness = await createPluginHarness(listsMore);
    await expect(harness.call('present', {})).resolves.toEqual(ok({}));
    const error = await harness.call('absent', {}).catch((e: unknown) => e);
    expect(isToolhostError(error) && error.code).toBe('TOOLHOST_ERR_HARNESS_ASSERTION');
    expect((error as Error).message).toBe(
      "Tool 'absent' broke its contract: it is listed in tools, but create() returned no method 'absent'",
    );
  });
});

const withDefaults = definePlugin({
  name: 'defaults',
  configSchema: {
    type: 'object',
    properties: { region: { type: 'string', default: 'eu' }, retries: { default: 2 } },
  },
  tools: { noop: { description: 'nothing', inputSchema: any } },
  create: (ctx) =>
    new (class extends BaseTool {
      async noop(): Promise<ToolResult> {
        return ok({});
      }
    })(ctx),
});

function recordingHttp(): HttpCapability {
  const answer = { status: 200, headers: {}, body: '{}' };
  return { fetch: async () => answer, json: async () => ({ ...answer, data: {} }) };
}

class UsesEverything extends BaseTool {
  async use_store(): Promise<ToolResult> {
    await this.ctx.store.put('k', { v: 1 });
    return ok({});
  }
  async use_cache(): Promise<ToolResult> {
    await this.ctx.cache.set('k', 1);
    return ok({});
  }
  async use_http(): Promise<ToolResult> {
    return ok({ status: (await this.ctx.http.fetch('http://granted.test/x')).status });
  }
}

const grants = definePlugin({
  name: 'grants',
  tools: {
    use_store: { description: 'writes its store', inputSchema: any },
    use_cache: { description: 'writes its cache', inputSchema: any },
    use_http: { description: 'calls an origin', inputSchema: any },
  },
  create: (ctx: PluginContext) => new UsesEverything(ctx),
});

function oneTool(spec: Omit<ToolSpec, 'description'>) {
  return definePlugin({
    name: 'single',
    tools: { only: { description: 'the only tool', ...spec } },
    create: (ctx) =>
      new (class extends BaseTool {
        async only(): Promise<ToolResult> {
          return ok({});
        }
      })(ctx),
  });
}

const listsMore = definePlugin({
  name: 'lists_more',
  tools: {
    present: { description: 'has a method', inputSchema: any },
    absent: { description: 'has none', inputSchema: any },
  },
  create: (ctx) =>
    new (class extends BaseTool {
      async present(): Promise<ToolResult> {
        return ok({});
      }
    })(ctx) as never,
});
