import type { JsonObject, StoreCapability } from '@toolhost/plugin-sdk';
import { isHostError } from '../errors.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresUrl } from '../../../test/support/services.js';
import type { Database } from '../db/Database.js';
import { openDatabase } from '../db/openDatabase.js';
import { PluginDocumentSchema } from '../db/PluginDocument.js';
import { createScratchPostgres } from '../db/testing/createScratchPostgres.js';
import { createScratchSqlite } from '../db/testing/createScratchSqlite.js';
import type { ScratchDatabase } from '../db/testing/ScratchDatabase.js';
import { createPluginStore } from './createPluginStore.js';
import { storeListQuery } from './storeListQuery.js';

const T0 = new Date('2026-11-24T10:00:00.000Z');
const T1 = new Date('2026-11-24T10:00:05.123Z');

function storeContract(createScratch: () => Promise<ScratchDatabase>): void {
  let scratch: ScratchDatabase;
  let database: Database;
  let clock: Date;
  const storeOf = (plugin: string): StoreCapability =>
    createPluginStore(database.orm, plugin, { now: () => clock });
  const keys = async (store: StoreCapability, prefix?: string, limit?: number) =>
    (await store.list(prefix, limit === undefined ? {} : { limit })).map((doc) => doc.key);

  beforeAll(async () => {
    scratch = await createScratch();
    database = await openDatabase(scratch.url);
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });
  beforeEach(async () => {
    clock = T0;
    await database.orm.em.fork().nativeDelete(PluginDocumentSchema, {});
  });

  it('gets what was put, null for a missing key, and the latest value after an overwrite', async () => {
    const store = storeOf('crm');
    expect(await store.get('customer/1')).toBeNull();
    await store.put('customer/1', { name: 'Ada', tags: ['vip'], nested: { n: 1.5, ok: true } });
    expect(await store.get('customer/1')).toEqual({
      name: 'Ada',
      tags: ['vip'],
      nested: { n: 1.5, ok: true },
    });
    clock = T1;
    await store.put('customer/1', { name: 'Ada Lovelace' });
    expect(await store.get('customer/1')).toEqual({ name: 'Ada Lovelace' });
    expect(await store.list()).toEqual([
      { key: 'customer/1', value: { name: 'Ada Lovelace' }, updatedAt: T1.toISOString() },
    ]);
  });

  it('stores a JSON copy of the value', async () => {
    const store = storeOf('crm');
    const value = {
      at: new Date(T0),
      gone: undefined,
      text: 'naïve 😀 \\u0000 "quoted"',
      list: [1, null, 'x'],
      empty: {},
    };
    await store.put('k', value);
    value.list.push('later');
    expect(await store.get('k')).toEqual({
      at: T0.toISOString(),
      text: 'naïve 😀 \\u0000 "quoted"',
      list: [1, null, 'x'],
      empty: {},
    });
  });

  it('deletes a key and says whether it existed', async () => {
    const store = storeOf('crm');
    await store.put('k', { v: 1 });
    expect(await store.delete('k')).toBe(true);
    expect(await store.delete('k')).toBe(false);
    expect(await store.get('k')).toBeNull();
  });

  it('lists by key in code point order, whatever the collation', async () => {
    const store = storeOf('crm');
    for (const key of ['b', '_', 'a', 'B', 'A', 'a-c', 'ab', 'a_b']) await store.put(key, { key });
    expect(await keys(store)).toEqual(['A', 'B', '_', 'a', 'a-c', 'a_b', 'ab', 'b']);
  });

  it('matches prefixes literally: % and _ are plain characters, case counts', async () => {
    const store = storeOf('crm');
    for (const key of ['a%1', 'a_2', 'ab3', 'aX4', 'A%5', 'b%6']) await store.put(key, { key });
    expect(await keys(store, 'a%')).toEqual(['a%1']);
    expect(await keys(store, 'a_')).toEqual(['a_2']);
    expect(await keys(store, 'a')).toEqual(['a%1', 'aX4', 'a_2', 'ab3']);
    expect(await keys(store, 'A')).toEqual(['A%5']);
    expect(await keys(store, '%')).toEqual([]);
    expect(await keys(store, 'a%1')).toEqual(['a%1']);
    expect(await keys(store, 'a%1+')).toEqual([]);
  });

  it('matches backslashes and the highest code point literally', async () => {
    const store = storeOf('crm');
    const stored = ['a\\%', 'a\\_', 'a\\\\', 'a]', 'a\u{10FFFF}', 'a\u{10FFFF}z', 'b'];
    for (const key of stored) await store.put(key, { key });
    expect(await keys(store, 'a\\')).toEqual(['a\\%', 'a\\\\', 'a\\_']);
    expect(await keys(store, 'a\\\\')).toEqual(['a\\\\']);
    expect(await keys(store, 'a\\%')).toEqual(['a\\%']);
    expect(await keys(store, 'a\u{10FFFF}')).toEqual(['a\u{10FFFF}', 'a\u{10FFFF}z']);
  });

  it('matches prefixes outside the Basic Multilingual Plane', async () => {
    const store = storeOf('crm');
    for (const key of ['😀/1', '😀x', '😁/1', 'é/1']) await store.put(key, { key });
    expect(await keys(store, '😀')).toEqual(['😀/1', '😀x']);
    expect(await keys(store, 'é')).toEqual(['é/1']);
  });

  it('lists at most limit documents', async () => {
    const store = storeOf('crm');
    for (const key of ['k3', 'k1', 'k2', 'x1']) await store.put(key, { key });
    expect(await keys(store, 'k', 2)).toEqual(['k1', 'k2']);
    expect(await keys(store, undefined, 3)).toEqual(['k1', 'k2', 'k3']);
    expect(await keys(store, 'k', 0)).toEqual([]);
    expect(await keys(store, 'k', 10)).toEqual(['k1', 'k2', 'k3']);
  });

  it("never shows one plugin another plugin's documents", async () => {
    const crm = storeOf('crm');
    const billing = storeOf('billing');
    await crm.put('shared', { owner: 'crm' });
    await billing.put('shared', { owner: 'billing' });
    await billing.put('only-billing', { owner: 'billing' });
    expect(await crm.get('shared')).toEqual({ owner: 'crm' });
    expect(await billing.get('shared')).toEqual({ owner: 'billing' });
    expect(await crm.get('only-billing')).toBeNull();
    expect(await keys(crm)).toEqual(['shared']);
    expect(await keys(crm, 'only')).toEqual([]);
    expect(await crm.delete('only-billing')).toBe(false);
    expect(await crm.delete('shared')).toBe(true);
    expect(await billing.get('shared')).toEqual({ owner: 'billing' });
    expect(await keys(billing)).toEqual(['only-billing', 'shared']);
  });

  it('accepts keys of up to 512 characters', async () => {
    const store = storeOf('crm');
    for (const key of ['k'.repeat(512), '😀'.repeat(256)]) {
      await store.put(key, { long: true });
      expect(await store.get(key)).toEqual({ long: true });
    }
  });

  it('keeps every one of many concurrent writes', async () => {
    const store = storeOf('crm');
    const keysWritten = Array.from({ length: 40 }, (_, i) => `c/${String(i).padStart(2, '0')}`);
    await Promise.all([
      ...keysWritten.map((key, i) => store.put(key, { i })),
      ...Array.from({ length: 20 }, (_, i) => store.put('hot', { i })),
    ]);
    expect(await keys(store, 'c/')).toEqual(keysWritten);
    expect(await store.get('hot')).toMatchObject({ i: expect.any(Number) });
  });

  it('refuses invalid keys, values, prefixes and limits with clear errors', async () => {
    const store = storeOf('crm');
    const cyclic: JsonObject = {};
    cyclic['self'] = cyclic;
    const cases: [() => Promise<unknown>, ErrorConstructor, string][] = [
      [() => store.put('', {}), TypeError, 'store.put(): key must be a non-empty string'],
      [
        () => store.get(42 as unknown as string),
        TypeError,
        'key must be a non-empty string, got number',
      ],
      [() => store.delete('k'.repeat(513)), RangeError, 'at most 512 characters, got 513'],
      [() => store.put('a\u0000b', {}), TypeError, 'must not contain NUL'],
      [() => store.get('\ud800'), TypeError, 'unpaired surrogates'],
      [
        () => store.put('k', [] as unknown as JsonObject),
        TypeError,
        'plain JSON object, got an array',
      ],
      [() => store.put('k', null as unknown as JsonObject), TypeError, 'got null'],
      [() => store.put('k', 'x' as unknown as JsonObject), TypeError, 'got a string'],
      [() => store.put('k', new Date() as unknown as JsonObject), TypeError, 'plain JSON object'],
      [() => store.put('k', new Map() as unknown as JsonObject), TypeError, 'plain JSON object'],
      [() => store.put('k', cyclic), TypeError, 'JSON-serializable'],
      [() => store.put('k', { n: 1n }), TypeError, 'JSON-serializable'],
      [() => store.put('k', { text: 'a\u0000b' }), TypeError, 'value must not contain NUL'],
      [() => store.put('k', { ['\udc00']: 1 }), TypeError, 'unpaired surrogates'],
      [() => store.list(7 as unknown as string), TypeError, 'prefix must be a string'],
      [() => store.list('p'.repeat(513)), RangeError, 'prefix must be at most 512'],
      [() => store.list('', { limit: -1 }), RangeError, 'limit must be a non-negative integer'],
      [() => store.list('', { limit: 1.5 }), RangeError, 'got 1.5'],
      [() => store.list('', { limit: Number.NaN }), RangeError, 'got NaN'],
    ];
    for (const [call, type, message] of cases) {
      const error = await call().catch((reason: unknown) => reason);
      expect(error, message).toBeInstanceOf(type);
      expect((error as Error).message).toContain(message);
    }
    expect(await store.list()).toEqual([]);
  });
}

describe('createPluginStore on SQLite', () => {
  storeContract(createScratchSqlite);

  it('reports the database as unavailable once it is closed', async () => {
    const scratch = await createScratchSqlite();
    try {
      const database = await openDatabase(scratch.url);
      const store = createPluginStore(database.orm, 'crm');
      await store.put('k', { v: 1 });
      await database.close();
      for (const call of [() => store.get('k'), () => store.put('k', {}), () => store.list()]) {
        const error = await call().catch((reason: unknown) => reason);
        expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_DATABASE_UNAVAILABLE');
      }
    } finally {
      await scratch.drop();
    }
  });
});

describeWithPostgres('createPluginStore on PostgreSQL', () => {
  storeContract(() => createScratchPostgres(postgresUrl()));

  interface PlanNode {
    'Node Type': string;
    'Index Name'?: string;
    'Index Cond'?: string;
    Plans?: PlanNode[];
  }
  const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

  it('lists a prefix through the primary key index, as a range on the key', async () => {
    const scratch = await createScratchPostgres(postgresUrl());
    const database = await openDatabase(scratch.url);
    try {
      const connection = database.orm.em.getConnection();
      // Many plugins and keys, so a sequential scan would be the planner's choice without it.
      await connection.execute(
        `insert into "plugin_document" ("plugin", "key", "value", "updated_at")
         select 'p' || (i % 8), 'session/' || i || '/note', '{}'::jsonb, now()
           from generate_series(1, 20000) as i`,
      );
      await connection.execute('analyze "plugin_document"');
      const planOf = async (prefix: string): Promise<PlanNode[]> => {
        const query = storeListQuery(false, 'p3', prefix, undefined);
        const rows = await connection.execute<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
          `explain (format json) ${query.sql}`,
          query.params,
        );
        return nodesOf(rows[0]!['QUERY PLAN'][0].Plan);
      };
      const keyRange = (nodes: PlanNode[]) =>
        nodes.find(
          (node) =>
            node['Index Name'] === 'plugin_document_pkey' &&
            /key.*>=/.test(node['Index Cond'] ?? ''),
        );
      for (const prefix of ['session/1', 'session/%', 'session\\_']) {
        expect(keyRange(await planOf(prefix)), prefix).toBeDefined();
      }
      expect((await createPluginStore(database.orm, 'p3').list('session/19996')).length).toBe(0);
      expect((await createPluginStore(database.orm, 'p3').list('session/1999')).length).toBe(1);
      expect((await createPluginStore(database.orm, 'p3').list('session/19995')).length).toBe(1);

      // Without the migration (the key in the database's own collation) the index cannot serve it.
      const KEY_C = 'Migration20261202000100_plugin_document_key_c';
      while ((await database.migrationStatus()).executed.at(-1) !== KEY_C)
        await database.rollback();
      expect(await database.rollback()).toEqual([KEY_C]);
      await connection.execute('analyze "plugin_document"');
      expect(keyRange(await planOf('session/1'))).toBeUndefined();
    } finally {
      await database.close();
      await scratch.drop();
    }
  });
});
