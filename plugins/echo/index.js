// The smallest useful plugin: plain ESM JavaScript, no build step and no node_modules
// of its own (the host hands it the host's copy of @toolhost/plugin-sdk).
import { BaseTool, definePlugin, ok } from '@toolhost/plugin-sdk';

class EchoTool extends BaseTool {
  async say(input) {
    return ok({ text: input.text, length: input.text.length });
  }

  async count(input) {
    const key = `count:${input.key}`;
    const count = ((await this.ctx.cache.get(key)) ?? 0) + 1;
    await this.ctx.cache.set(key, count, 3600);
    return ok({ key: input.key, count });
  }
}

export default definePlugin({
  name: 'echo',
  tools: {
    say: {
      description: 'Answers the text it is given',
      inputSchema: {
        type: 'object',
        required: ['text'],
        properties: { text: { type: 'string', maxLength: 10000 } },
        additionalProperties: false,
      },
      outputSchema: {
        type: 'object',
        required: ['text', 'length'],
        properties: { text: { type: 'string' }, length: { type: 'integer' } },
      },
      annotations: { readOnly: true, idempotent: true },
    },
    count: {
      description:
        'Counts how often it was called for a key (kept in the plugin cache for an hour)',
      inputSchema: {
        type: 'object',
        required: ['key'],
        properties: { key: { type: 'string', minLength: 1, maxLength: 200 } },
        additionalProperties: false,
      },
      outputSchema: {
        type: 'object',
        required: ['key', 'count'],
        properties: { key: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
      },
    },
  },
  create: (ctx) => new EchoTool(ctx),
});
