// Type-level promises of definePlugin. `definePlugin.types.test.ts` compiles this file and
// checks that each `@ts-expect-error` below meets exactly the error its `expects` names, so
// a promise that stops holding fails `npm test` (and `npm run check`).
import { BaseTool } from './BaseTool.js';
import { definePlugin } from './definePlugin.js';
import type { ToolhostPlugin } from './definePlugin.js';
import { ok, type ToolResult } from './ToolResult.js';

class Lookup extends BaseTool {
  async lookup_customer(input: { customerId: string }): Promise<ToolResult> {
    return ok({ id: input.customerId });
  }
}

const schema = { type: 'object' };

export const good: ToolhostPlugin = definePlugin({
  name: 'crm',
  tools: { lookup_customer: { description: 'x', inputSchema: schema } },
  create: (ctx) => new Lookup(ctx),
});

export const asyncCreate = definePlugin({
  name: 'crm',
  configSchema: { type: 'object' },
  tools: { lookup_customer: { description: 'x', inputSchema: schema } },
  create: async (ctx) => new Lookup(ctx),
});

export const missing = () =>
  definePlugin({
    name: 'crm',
    tools: {
      lookup_customer: { description: 'x', inputSchema: schema },
      list_orders: { description: 'y', inputSchema: schema },
    },
    // @ts-expect-error list_orders is declared but Lookup has no such method; expects "list_orders"
    create: (ctx) => new Lookup(ctx),
  });

export const notATool = () =>
  definePlugin({
    name: 'crm',
    tools: { lookup_customer: { description: 'x', inputSchema: schema } },
    // @ts-expect-error create must return a BaseTool; expects "initialize"
    create: () => ({ lookup_customer: async () => ok({}) }),
  });

export const missingSchema = () =>
  definePlugin({
    name: 'crm',
    // @ts-expect-error every tool needs an inputSchema; expects "inputSchema"
    tools: { lookup_customer: { description: 'x' } },
    create: (ctx) => new Lookup(ctx) as never, // isolates the error to `tools`
  });

export const wrongResult = () =>
  definePlugin({
    name: 'crm',
    tools: { lookup_customer: { description: 'x', inputSchema: schema } },
    create: (ctx) =>
      // @ts-expect-error a tool method answers a Promise of a ToolResult; expects "lookup_customer"
      new (class extends BaseTool {
        lookup_customer(): string {
          return 'not a result';
        }
      })(ctx),
  });
