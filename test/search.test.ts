// Issue 13: ctx.search in each isolation level. A plugin reaches its own documents only,
// whatever it passes; a coded error crosses the worker and process boundaries as itself;
// a plugin not granted `search` is refused.
import type { JsonObject, ToolResult } from '@toolhost/plugin-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../host/src/manifests/Manifest.js';
import { describeWithProcessSandbox } from './support/processSandbox.js';
import { startTestHost, type TestHost } from './support/testHost.js';

type Isolation = 'inline' | 'worker' | 'process';

const SECRET = 'quetzalcoatlsecret';
const DOCUMENTS = [
  {
    id: 'refunds',
    title: 'Refunds',
    body: 'We refund the original payment method.',
    tags: ['money'],
  },
  { id: 'shipping', title: 'Shipping', body: 'Express shipping costs 9.95.' },
];

function manifest(name: string, isolation: Isolation, extra: Partial<Manifest> = {}): Manifest {
  return {
    name,
    enabled: true,
    source: { path: name },
    isolation,
    permissions: { search: true },
    policy: { timeoutMs: 10_000 },
    ...extra,
  };
}

function searchContract(isolation: Isolation): void {
  let t: TestHost;
  const mine = `searcher-${isolation}`;
  const theirs = `searcher-${isolation}-other`;
  const denied = `searcher-${isolation}-denied`;

  beforeAll(async () => {
    t = await startTestHost((dirs) => {
      for (const name of [mine, theirs, denied]) dirs.addPlugin('searcher', name);
      dirs.writeManifest(manifest(mine, isolation));
      dirs.writeManifest(manifest(theirs, isolation));
      dirs.writeManifest(manifest(denied, isolation, { permissions: {} }));
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function call(plugin: string, tool: string, input: JsonObject = {}): Promise<JsonObject> {
    const { status, body } = await t.request(`/v1/tools/${plugin}.${tool}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    expect(status).toBe(200);
    const result = body as ToolResult;
    expect(result.success).toBe(true);
    return result.data;
  }

  it('indexes, ranks, cuts snippets, counts and removes through ctx.search', async () => {
    expect(await call(mine, 'index', { documents: DOCUMENTS })).toEqual({
      value: { added: 2, updated: 0 },
    });
    const { value: hits } = await call(mine, 'query', { text: 'refunds' });
    expect(hits).toEqual([
      {
        id: 'refunds',
        title: 'Refunds',
        score: expect.any(Number),
        snippet: 'We refund the original payment method.',
        tags: ['money'],
      },
    ]);
    expect(await call(mine, 'count')).toEqual({ value: 2 });
    expect(await call(mine, 'remove', { ids: ['shipping'] })).toEqual({ value: 1 });
    expect(await call(mine, 'count')).toEqual({ value: 1 });
  });

  it('never reaches another plugin’s documents, whatever it passes', async () => {
    await call(theirs, 'index', {
      documents: [{ id: 'refunds', title: 'Theirs', body: `${SECRET} refund` }],
    });
    for (const text of [SECRET, `"${SECRET}"`, `plugin:${theirs} ${SECRET}`, `* OR ${SECRET}*`]) {
      const { value } = await call(mine, 'query', { text, options: { limit: 50 } });
      expect(value).toEqual([]);
    }
    const { value: own } = await call(mine, 'query', { text: 'refund', options: { limit: 50 } });
    expect((own as { title: string }[]).map((hit) => hit.title)).toEqual(['Refunds']);
    expect(await call(mine, 'remove', { ids: ['refunds', 'x'] })).toEqual({ value: 1 });
    expect(await call(theirs, 'count')).toEqual({ value: 1 });
    expect(await call(theirs, 'query', { text: SECRET })).toMatchObject({
      value: [{ id: 'refunds', title: 'Theirs' }],
    });
  });

  it('answers a bad argument with its coded error, across the boundary', async () => {
    expect(await call(mine, 'query', { text: 'refund', options: { limit: 0 } })).toEqual({
      error: {
        code: 'TOOLHOST_ERR_SEARCH_INVALID',
        toolErrorCode: null,
        message: 'search.query(): limit must be an integer from 1 to 50, got 0',
      },
    });
    expect(await call(mine, 'index', { documents: 'all of them' })).toMatchObject({
      error: { code: 'TOOLHOST_ERR_SEARCH_INVALID' },
    });
  });

  it('refuses a plugin whose manifest does not grant search', async () => {
    expect(await call(denied, 'query', { text: 'refund' })).toEqual({
      error: {
        code: 'permission_denied',
        toolErrorCode: 'permission_denied',
        message: `Plugin '${denied}' is not granted search access`,
      },
    });
  });
}

describe('ctx.search inline', () => searchContract('inline'));
describe('ctx.search in a worker', () => searchContract('worker'));
describeWithProcessSandbox('ctx.search in a process', () => searchContract('process'));
