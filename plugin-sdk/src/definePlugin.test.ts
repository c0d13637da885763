import { describe, expect, it } from 'vitest';
import { BaseTool } from './BaseTool.js';
import { definePlugin, isToolhostPlugin } from './definePlugin.js';
import { isToolhostError } from './errors.js';
import type { PluginContext } from './PluginContext.js';
import { ok, type ToolResult } from './ToolResult.js';

class Greeter extends BaseTool {
  async greet(input: { name: string }): Promise<ToolResult> {
    return ok({ greeting: `hello ${input.name}` });
  }
}

const tools = {
  greet: {
    description: 'Greets someone',
    inputSchema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  },
};

describe('definePlugin', () => {
  it('returns a frozen, branded plugin with a default config schema', () => {
    const plugin = definePlugin({ name: 'greeter', tools, create: (ctx) => new Greeter(ctx) });
    expect(isToolhostPlugin(plugin)).toBe(true);
    expect(Object.isFrozen(plugin)).toBe(true);
    expect(plugin.configSchema).toEqual({ type: 'object' });
    expect(Object.keys(plugin.tools)).toEqual(['greet']);
  });

  it.each([
    ['a bad plugin name', { name: 'Greeter', tools }, 'name must match'],
    ['no tools', { name: 'greeter', tools: {} }, 'it declares no tools'],
    [
      'a bad tool name',
      { name: 'greeter', tools: { 'Greet-Me': tools.greet } },
      "tool 'Greet-Me' must match",
    ],
  ])('refuses %s with a coded error', (_label, partial, message) => {
    try {
      definePlugin({ ...partial, create: (ctx: PluginContext) => new Greeter(ctx) } as never);
      expect.unreachable();
    } catch (error) {
      expect(isToolhostError(error) && error.code).toBe('TOOLHOST_ERR_PLUGIN_INVALID');
      expect((error as Error).message).toContain(message);
    }
  });

  it('isToolhostPlugin refuses plain look-alikes', () => {
    expect(isToolhostPlugin({ name: 'x', tools: {}, create: () => null })).toBe(false);
  });
});
