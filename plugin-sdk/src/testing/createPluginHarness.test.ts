import { describe, expect, it } from 'vitest';
import { BaseTool } from '../BaseTool.js';
import type { CallContext } from '../PluginContext.js';
import { definePlugin } from '../definePlugin.js';
import { isToolhostError, ToolError } from '../errors.js';
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
    const harness = await createPluginHarness(notes, { config: { maxLength: 10 } });
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
    const harness = await createPluginHarness(notes, { config: { maxLength: 10 } });
    await expect(harness.call('load', { key: 'missing' })).resolves.toEqual(
      fail('no note missing', 'not_found'),
    );
  });

  it('validates input against the inputSchema', async () => {
    const harness = await createPluginHarness(notes, { config: { maxLength: 10 } });
    const result = await harness.call('save', { key: 'a' });
    expect(result).toMatchObject({ success: false, errorCode: 'invalid_input' });
    expect(result.error).toContain('field "text" is required');
  });

  it('catches a tool whose output breaks its outputSchema', async () => {
    const harness = await createPluginHarness(notes, { config: { maxLength: 10 } });
    const error = await harness.call('broken', {}).catch((e: unknown) => e);
    expect(isToolhostError(error) && error.code).toBe('TOOLHOST_ERR_HARNESS_ASSERTION');
    expect((error as Error).message).toBe(
      'Tool \'broken\' broke its contract: data breaks its outputSchema: field "count" must be integer',
    );
  });

  it('catches a tool that returns something that is not a ToolResult', async () => {
    const harness = await createPluginHarness(notes, { config: { maxLength: 10 } });
    const error = await harness.call('not_a_result', {}).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'result is not a ToolResult: field "data" is required',
    );
  });

  it('aborts the call signal after timeoutMs', async () => {
    const harness = await createPluginHarness(notes, { config: { maxLength: 10 } });
    await expect(harness.call('slow', {}, { timeoutMs: 20 })).resolves.toMatchObject({
      errorCode: 'timeout',
    });
  });

  it('refuses config that breaks the configSchema, naming the field', async () => {
    await expect(createPluginHarness(notes, { config: { maxLength: 0 } })).rejects.toThrow(
      'Configuration of plugin \'notes\' is invalid: field "maxLength" must be >= 1',
    );
  });

  it('refuses an unknown tool and runs cleanup on close', async () => {
    const harness = await createPluginHarness(notes, { config: { maxLength: 10 } });
    await expect(harness.call('nope', {})).rejects.toThrow("Tool 'notes.nope' is not registered");
    await harness.close();
    expect((harness.instance as unknown as Notes).cleanedUp).toBe(true);
  });
});
