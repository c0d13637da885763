import { describe, expect, it } from 'vitest';
import { createMemoryStore, createPluginHarness } from '@toolhost/plugin-sdk/testing';
import type { Note } from './Note.js';
import { noteKey } from './noteKeys.js';
import plugin from './index.js';

/** What the plugin's manifest grants it (manifests/memory.json). */
const permissions = { store: true };

type Harness = Awaited<ReturnType<typeof createPluginHarness>>;

const inSession = (sessionId: string | null) => ({ sessionId });

async function recall(harness: Harness, sessionId: string, limit?: number): Promise<Note[]> {
  const result = await harness.call(
    'recall',
    limit === undefined ? {} : { limit },
    inSession(sessionId),
  );
  expect(result.success).toBe(true);
  return result.data['notes'] as Note[];
}

describe('memory', () => {
  it('remembers notes and recalls them most recent first', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    await expect(
      harness.call('remember', { note: 'Customer is Ada, plan Pro' }, inSession('s1')),
    ).resolves.toEqual({
      success: true,
      data: { stored: true, count: 1 },
      metadata: { source: 'memory' },
      error: null,
    });
    await expect(
      harness.call('remember', { note: 'Prefers email', kind: 'preference' }, inSession('s1')),
    ).resolves.toMatchObject({ data: { stored: true, count: 2 } });

    const notes = await recall(harness, 's1');
    expect(notes.map(({ note, kind }) => ({ note, kind }))).toEqual([
      { note: 'Prefers email', kind: 'preference' },
      { note: 'Customer is Ada, plan Pro', kind: 'fact' },
    ]);
    for (const { at } of notes) expect(new Date(at).toISOString()).toBe(at);
  });

  it('keeps sessions apart, also when one id starts with another', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    await harness.call('remember', { note: 'note of a' }, inSession('a'));
    await harness.call('remember', { note: 'note of a:b' }, inSession('a:b'));
    expect((await recall(harness, 'a')).map((n) => n.note)).toEqual(['note of a']);
    expect((await recall(harness, 'a:b')).map((n) => n.note)).toEqual(['note of a:b']);
    await expect(
      harness.call('remember', { note: 'second of a' }, inSession('a')),
    ).resolves.toMatchObject({ data: { count: 2 } });
  });

  it('answers an empty list for a session it has never seen', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    await expect(recall(harness, 'unknown')).resolves.toEqual([]);
  });

  it('recalls at most limit notes, 10 by default', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    for (let i = 1; i <= 12; i += 1) {
      await harness.call('remember', { note: `note ${i}` }, inSession('s'));
    }
    expect((await recall(harness, 's')).map((n) => n.note)).toEqual(
      Array.from({ length: 10 }, (_, i) => `note ${12 - i}`),
    );
    expect((await recall(harness, 's', 2)).map((n) => n.note)).toEqual(['note 12', 'note 11']);
  });

  it('drops the oldest notes beyond maxNotesPerSession', async () => {
    const store = createMemoryStore();
    const harness = await createPluginHarness(plugin, {
      permissions,
      store,
      config: { maxNotesPerSession: 3 },
    });
    const counts: unknown[] = [];
    for (let i = 1; i <= 5; i += 1) {
      const result = await harness.call('remember', { note: `note ${i}` }, inSession('s'));
      counts.push(result.data['count']);
    }
    expect(counts).toEqual([1, 2, 3, 3, 3]);
    expect((await recall(harness, 's', 50)).map((n) => n.note)).toEqual([
      'note 5',
      'note 4',
      'note 3',
    ]);
    expect((await store.list('session:s:')).map((doc) => doc.key)).toEqual([
      noteKey('s', 5),
      noteKey('s', 4),
      noteKey('s', 3),
    ]);
  });

  it('keeps 50 notes a session by default', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    let last: unknown;
    for (let i = 1; i <= 52; i += 1) {
      last = (await harness.call('remember', { note: `note ${i}` }, inSession('s'))).data['count'];
    }
    expect(last).toBe(50);
    const notes = await recall(harness, 's', 50);
    expect(notes).toHaveLength(50);
    expect(notes.at(-1)?.note).toBe('note 3');
  });

  it('loses no note when calls of one session overlap', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        harness.call('remember', { note: `note ${i}` }, inSession('busy')),
      ),
    );
    expect(results.map((r) => r.data['count'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await recall(harness, 'busy', 50)).toHaveLength(8);
  });

  it('refuses to work without a session id', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    for (const [tool, input] of [
      ['remember', { note: 'x' }],
      ['recall', {}],
    ] as const) {
      await expect(harness.call(tool, input, inSession(null))).resolves.toEqual({
        success: false,
        data: {},
        metadata: {},
        error: 'memory needs a session id',
        errorCode: 'invalid_input',
      });
    }
    await expect(harness.context.store.list()).resolves.toEqual([]);
  });

  it('refuses an empty or oversized note and an unknown kind', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    for (const input of [{ note: '' }, { note: 'x'.repeat(2001) }, { note: 'x', kind: 'secret' }]) {
      await expect(harness.call('remember', input, inSession('s'))).resolves.toMatchObject({
        success: false,
        errorCode: 'invalid_input',
      });
    }
  });

  it('skips a malformed note in its store but still counts its slot', async () => {
    const store = createMemoryStore();
    await store.put(noteKey('s', 1), { text: 'not a note' });
    const harness = await createPluginHarness(plugin, { permissions, store });
    await expect(harness.call('remember', { note: 'ok' }, inSession('s'))).resolves.toMatchObject({
      data: { count: 2 },
    });
    expect((await recall(harness, 's')).map((n) => n.note)).toEqual(['ok']);
  });

  it('refuses a maxNotesPerSession below 1', async () => {
    await expect(
      createPluginHarness(plugin, { permissions, config: { maxNotesPerSession: 0 } }),
    ).rejects.toThrow('field "maxNotesPerSession" must be >= 1');
  });
});
