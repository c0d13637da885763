// Type-level promises of definePlugin; `npm run check` compiles this file, so a
// `@ts-expect-error` that stops being an error fails the check.
import { expect, it } from 'vitest';
import { BaseTool } from './BaseTool.js';
import { definePlugin } from './definePlugin.js';
import { ok, type ToolResult } from './ToolResult.js';

class Lookup extends BaseTool {
  async lookup_customer(input: { customerId: string }): Promise<ToolResult> {
    return ok({ id: input.customerId });
  }
}

const schema = { type: 'object' };

it('a tool declared in tools must be a method of what create returns', () => {
  const good = definePlugin({
    name: 'crm',
    tools: { lookup_customer: { description: 'x', inputSchema: schema } },
    create: (ctx) => new Lookup(ctx),
  });

  const missing = () =>
    definePlugin({
      name: 'crm',
      tools: {
        lookup_customer: { description: 'x', inputSchema: schema },
        list_orders: { description: 'y', inputSchema: schema },
      },
      // @ts-expect-error list_orders is declared but Lookup has no such method
      create: (ctx) => new Lookup(ctx),
    });

  const notATool = () =>
    definePlugin({
      name: 'crm',
      tools: { lookup_customer: { description: 'x', inputSchema: schema } },
      // @ts-expect-error create must return a BaseTool
      create: () => ({ lookup_customer: async () => ok({}) }),
    });

  const missingSchema = () =>
    definePlugin({
      name: 'crm',
      // @ts-expect-error every tool needs an inputSchema
      tools: { lookup_customer: { description: 'x' } },
      create: (ctx) => new Lookup(ctx) as never, // isolates the error to `tools`
    });

  expect(good.name).toBe('crm');
  expect([missing, notATool, missingSchema].every((f) => typeof f === 'function')).toBe(true);
});
