import { describe, expect, it } from 'vitest';
import { BaseTool } from './BaseTool.js';
import type { CallContext, PluginContext } from './PluginContext.js';
import { ok, type ToolResult } from './ToolResult.js';
import { createMemoryCache } from './testing/createMemoryCache.js';
import { createMemorySearch } from './testing/createMemorySearch.js';
import { createMemoryStore } from './testing/createMemoryStore.js';
import { createRecordingLogger } from './testing/createRecordingLogger.js';
import { createFetchHttp } from './host/createFetchHttp.js';

function context(): PluginContext {
  return {
    pluginName: 'echo',
    config: { greeting: 'hi' },
    secrets: {},
    logger: createRecordingLogger(),
    http: createFetchHttp({ pluginName: 'echo', allowedOrigins: [] }),
    cache: createMemoryCache(),
    store: createMemoryStore(),
    search: createMemorySearch(),
  };
}

class EchoTool extends BaseTool {
  initialized = false;
  override async initialize(): Promise<void> {
    this.initialized = true;
  }
  async echo(input: { text: string }, call: CallContext): Promise<ToolResult> {
    return ok({
      text: `${String(this.ctx.config['greeting'])} ${input.text}`,
      attempt: call.attempt,
    });
  }
}

describe('BaseTool', () => {
  it('lifecycle methods are async and default to healthy no-ops', async () => {
    const tool = new EchoTool(context());
    const pending = tool.initialize();
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(tool.initialized).toBe(true);
    await expect(tool.health()).resolves.toEqual({ healthy: true });
    await expect(tool.cleanup()).resolves.toBeUndefined();
  });

  it('keeps the plugin context and serves tool methods asynchronously', async () => {
    const tool = new EchoTool(context());
    const call: CallContext = {
      requestId: 'r1',
      sessionId: null,
      signal: new AbortController().signal,
      attempt: 2,
      logger: createRecordingLogger(),
    };
    await expect(tool.echo({ text: 'there' }, call)).resolves.toEqual(
      ok({ text: 'hi there', attempt: 2 }),
    );
  });
});
