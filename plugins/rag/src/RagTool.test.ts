import { describe, expect, it } from 'vitest';
import { createMemoryStore, createPluginHarness } from '@toolhost/plugin-sdk/testing';
import type { SearchHit } from './RagTool.js';
import plugin from './index.js';

/** What the plugin's manifest grants it (manifests/rag.json). */
const permissions = { store: true, search: true };

function hitsOf(result: { data: Record<string, unknown> }): SearchHit[] {
  return result.data['results'] as SearchHit[];
}

describe('rag', () => {
  it('ranks the returns and refunds article first for a refund question', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const result = await harness.call('search', {
      query: 'I want to send an item back and get a refund',
    });
    const other = await harness.call('search', { query: 'can I return my order for a refund' });
    expect(hitsOf(other)[0]?.sourceId).toBe('returns-and-refunds');
    expect(result).toMatchObject({
      success: true,
      metadata: { source: 'rag', documentCount: 12 },
    });
    const hits = hitsOf(result);
    expect(hits).toHaveLength(3);
    expect(hits[0]).toMatchObject({
      sourceId: 'returns-and-refunds',
      title: 'Returns and refunds: how to get a refund',
    });
    expect(hits[0]?.snippet.toLowerCase()).toContain('refund');
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('finds the refund timing article when asked when the money arrives', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const hits = hitsOf(await harness.call('search', { query: 'when will my refund arrive?' }));
    expect(hits[0]?.sourceId).toBe('refund-timing');
  });

  it('finds the tracking article for "where is my package"', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const hits = hitsOf(await harness.call('search', { query: 'Where is my package?' }));
    expect(hits[0]?.sourceId).toBe('tracking-an-order');
  });

  it('finds the two-factor authentication article for a 2FA question', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    for (const query of [
      'my 2FA codes are rejected',
      'how do I turn on two-factor authentication',
    ]) {
      const hits = hitsOf(await harness.call('search', { query, limit: 1 }));
      expect(hits.map((h) => h.sourceId)).toEqual(['two-factor-authentication']);
    }
  });

  it('finds articles from partial words', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const hits = hitsOf(await harness.call('search', { query: 'passw' }));
    expect(hits[0]?.sourceId).toBe('password-reset');
  });

  it('answers success with no results when nothing matches', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const result = await harness.call('search', { query: 'zzqxv' });
    expect(result).toMatchObject({ success: true, data: { results: [] } });
  });

  it('rounds scores to 3 decimals and keeps snippets about 200 characters', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const hits = hitsOf(await harness.call('search', { query: 'shipping costs', limit: 10 }));
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) {
      expect(Math.round(hit.score * 1000) / 1000).toBe(hit.score);
      expect(hit.snippet.length).toBeLessThanOrEqual(202);
    }
  });

  it('refuses a query that is empty or too long, and a limit above 10', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    for (const input of [
      { query: '' },
      { query: 'x'.repeat(501) },
      { query: 'refund', limit: 11 },
    ]) {
      await expect(harness.call('search', input)).resolves.toMatchObject({
        success: false,
        errorCode: 'invalid_input',
      });
    }
  });

  it('adds a document that search then finds, and replaces it when added again', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const document = {
      id: 'loyalty-points',
      title: 'Loyalty points',
      body: 'Every purchase earns loyalty points worth one cent each, redeemable at checkout.',
      tags: ['loyalty'],
    };
    await expect(harness.call('add_documents', { documents: [document] })).resolves.toMatchObject({
      success: true,
      data: { added: 1, updated: 0, total: 13 },
    });
    const found = hitsOf(await harness.call('search', { query: 'loyalty points' }));
    expect(found[0]).toMatchObject({ sourceId: 'loyalty-points', title: 'Loyalty points' });

    const replaced = { ...document, body: 'Bonus stars are awarded on every purchase.' };
    await expect(harness.call('add_documents', { documents: [replaced] })).resolves.toMatchObject({
      data: { added: 0, updated: 1, total: 13 },
    });
    const stale = hitsOf(await harness.call('search', { query: 'redeemable' }));
    expect(stale.map((h) => h.sourceId)).not.toContain('loyalty-points');
    const fresh = hitsOf(await harness.call('search', { query: 'bonus stars' }));
    expect(fresh[0]?.sourceId).toBe('loyalty-points');
    await expect(harness.context.store.get('doc:loyalty-points')).resolves.toEqual(replaced);
  });

  it('refuses a document id outside the allowed characters', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const result = await harness.call('add_documents', {
      documents: [{ id: 'no spaces/allowed', title: 't', body: 'b' }],
    });
    expect(result).toMatchObject({ success: false, errorCode: 'invalid_input' });
  });

  it('seeds the sample knowledge base once and rebuilds its index from the store', async () => {
    const store = createMemoryStore();
    const first = await createPluginHarness(plugin, { permissions, store });
    expect(await store.list('doc:')).toHaveLength(12);
    await first.call('add_documents', {
      documents: [{ id: 'gift-wrap', title: 'Gift wrapping', body: 'Gift wrapping costs 2.50.' }],
    });

    const second = await createPluginHarness(plugin, { permissions, store });
    expect(await store.list('doc:')).toHaveLength(13);
    const result = await second.call('search', { query: 'gift wrapping' });
    expect(result.metadata).toEqual({ source: 'rag', documentCount: 13 });
    expect(hitsOf(result)[0]?.sourceId).toBe('gift-wrap');
  });

  it('starts empty when seedSampleArticles is false', async () => {
    const store = createMemoryStore();
    const harness = await createPluginHarness(plugin, {
      permissions,
      store,
      config: { seedSampleArticles: false },
    });
    const result = await harness.call('search', { query: 'refund' });
    expect(result).toMatchObject({ success: true, data: { results: [] } });
    expect(result.metadata).toEqual({ source: 'rag', documentCount: 0 });
    expect(await store.list()).toEqual([]);
  });

  it('skips malformed documents in its store instead of failing to start', async () => {
    const store = createMemoryStore();
    await store.put('doc:broken', { title: 'no id or body' });
    const harness = await createPluginHarness(plugin, { permissions, store });
    const result = await harness.call('search', { query: 'refund' });
    expect(result.metadata).toEqual({ source: 'rag', documentCount: 0 });
    expect(harness.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: { skipped: 1 } }),
    );
  });

  it('reports its document count as health', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    await expect(harness.instance.health()).resolves.toEqual({
      healthy: true,
      details: { documentCount: 12 },
    });
  });
});
