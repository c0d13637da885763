import { describe, expect, it } from 'vitest';
import { ensureToolAsync, syncToAsyncAdapter } from './adapters.js';
import { BaseTool } from './BaseTool.js';
import type { CallContext } from './PluginContext.js';
import { ToolError } from './errors.js';
import { fail, ok, type ToolResult } from './ToolResult.js';
import { createRecordingLogger } from './testing/createRecordingLogger.js';

const call: CallContext = {
  requestId: 'r',
  sessionId: 's',
  signal: new AbortController().signal,
  attempt: 1,
  logger: createRecordingLogger(),
};

describe('syncToAsyncAdapter', () => {
  it('makes a sync function awaitable and wraps its plain return value', async () => {
    const adapted = syncToAsyncAdapter((input) => ({ doubled: Number(input['n']) * 2 }));
    const pending = adapted({ n: 21 }, call);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toEqual(ok({ doubled: 42 }));
  });

  it('wraps non-object return values under value, and nothing as empty data', async () => {
    await expect(syncToAsyncAdapter(() => 'text')({}, call)).resolves.toEqual(
      ok({ value: 'text' }),
    );
    await expect(syncToAsyncAdapter(() => [1, 2])({}, call)).resolves.toEqual(
      ok({ value: [1, 2] }),
    );
    await expect(syncToAsyncAdapter(() => undefined)({}, call)).resolves.toEqual(ok({}));
  });

  it('turns a thrown error into a failed ToolResult', async () => {
    const adapted = syncToAsyncAdapter(() => {
      throw new Error('database is down');
    });
    await expect(adapted({}, call)).resolves.toEqual(fail('database is down', 'internal'));
  });

  it('keeps the code of a thrown ToolError', async () => {
    const adapted = syncToAsyncAdapter(() => {
      throw new ToolError('not_found', 'no such order');
    });
    await expect(adapted({}, call)).resolves.toEqual(fail('no such order', 'not_found'));
  });

  it('passes a returned ToolResult through', async () => {
    const result = fail('nope', 'permission_denied');
    await expect(syncToAsyncAdapter(() => result)({}, call)).resolves.toBe(result);
  });
});

describe('ensureToolAsync', () => {
  class LegacySearch {
    constructor(private readonly prefix: string) {}
    search(input: Record<string, unknown>) {
      if (input['q'] === '') throw new Error('empty query');
      return { hits: [`${this.prefix}${String(input['q'])}`] };
    }
  }

  it('turns every method of a legacy tool into an async ToolResult method', async () => {
    const tool = ensureToolAsync(new LegacySearch('kb:'));
    await expect(tool.search({ q: 'refund' }, call)).resolves.toEqual(ok({ hits: ['kb:refund'] }));
    await expect(tool.search({ q: '' }, call)).resolves.toEqual(fail('empty query', 'internal'));
  });

  it('leaves async methods and BaseTool instances untouched', async () => {
    const asyncMethod = async (): Promise<ToolResult> => ok({ fresh: true });
    const legacy = { lookup: asyncMethod, count: () => 3 };
    const adapted = ensureToolAsync(legacy);
    expect(adapted.lookup).toBe(asyncMethod);
    await expect(adapted.count({}, call)).resolves.toEqual(ok({ value: 3 }));

    class Modern extends BaseTool {}
    const modern = new Modern({} as never);
    expect(ensureToolAsync(modern)).toBe(modern);
  });
});
