// Issues 13 and 16: the hosts of a fleet share one PostgreSQL, so they share rag's index. A
// document added through host A is found through host B at once, and no host re-indexes the
// knowledge base when it starts on a database that holds it already.
import type { JsonObject, ToolResult } from '@toolhost/plugin-sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScratchPostgres } from '../host/src/db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../host/src/db/testing/ScratchDatabase.js';
import { REPO_PLUGINS_DIR, useBuiltinManifests } from './support/builtinPlugins.js';
import { describeWithPostgres, postgresUrl } from './support/services.js';
import { startTestHost, type TestHost } from './support/testHost.js';

describeWithPostgres('rag across two hosts on one PostgreSQL', () => {
  let scratch: ScratchDatabase;
  const hosts: TestHost[] = [];
  const start = async () => {
    const host = await startTestHost((dirs) => useBuiltinManifests(dirs, ['rag']), {
      TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
      DATABASE_URL: scratch.url,
      TOOLHOST_WATCH_MANIFESTS: 'false',
    });
    hosts.push(host);
    return host;
  };
  const invoke = async (host: TestHost, tool: string, input: JsonObject) => {
    const { status, body } = await host.request(`/v1/tools/${tool}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    expect(status).toBe(200);
    return body as ToolResult;
  };
  const ragLines = (host: TestHost) =>
    host.lines.filter((line) => line.message.startsWith('rag ')).map((line) => line.message);

  beforeAll(async () => {
    scratch = await createScratchPostgres(postgresUrl());
  });
  afterAll(async () => {
    for (const host of hosts) await host.stop();
    await scratch?.drop();
  });

  it('finds through host B a document added through host A, and indexes the samples once', async () => {
    const a = await start();
    expect(ragLines(a)).toEqual(['rag seeded the sample knowledge base', 'rag indexed its store']);
    const b = await start();
    expect(ragLines(b)).toEqual([]);

    const before = await invoke(b, 'rag.search', { query: 'loyalty points' });
    expect(before.success).toBe(true);
    expect(JSON.stringify(before.data)).not.toContain('loyalty-points');
    expect(before.metadata).toEqual({ source: 'rag', documentCount: 12 });

    const added = await invoke(a, 'rag.add_documents', {
      documents: [
        {
          id: 'loyalty-points',
          title: 'Loyalty points',
          body: 'Every purchase earns loyalty points worth one cent each, redeemable at checkout.',
        },
      ],
    });
    expect(added).toMatchObject({ success: true, data: { added: 1, updated: 0, total: 13 } });

    const found = await invoke(b, 'rag.search', { query: 'how do loyalty points work?' });
    expect((found.data['results'] as unknown[]).slice(0, 1)).toMatchObject([
      { sourceId: 'loyalty-points', title: 'Loyalty points' },
    ]);
    expect(found.metadata).toEqual({ source: 'rag', documentCount: 13 });
    const refund = await invoke(b, 'rag.search', { query: 'when will my refund arrive?' });
    expect((refund.data['results'] as { sourceId: string }[])[0]?.sourceId).toBe('refund-timing');
  });
});
