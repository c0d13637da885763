import type { SearchCapability } from '@toolhost/plugin-sdk';
import { isToolhostError } from '@toolhost/plugin-sdk';
import { createMemorySearch } from '@toolhost/plugin-sdk/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresUrl } from '../../../test/support/services.js';
import type { Database } from '../db/Database.js';
import { openDatabase } from '../db/openDatabase.js';
import { createScratchPostgres } from '../db/testing/createScratchPostgres.js';
import { createScratchSqlite } from '../db/testing/createScratchSqlite.js';
import type { ScratchDatabase } from '../db/testing/ScratchDatabase.js';
import { isHostError } from '../errors.js';
import { createPluginSearch } from './createPluginSearch.js';

const ARTICLES = [
  {
    id: 'refunds',
    title: 'Refunds and returns',
    body: 'Return an unused item within 30 days and we refund the original payment method.',
    tags: ['orders', 'money'],
  },
  {
    id: 'shipping',
    title: 'Shipping costs',
    body: 'Standard shipping is free above 50; express shipping costs 9.95. A refund of shipping is possible.',
    tags: ['orders'],
  },
  {
    id: 'password',
    title: 'Resetting your password',
    body: 'Select Forgot password on the sign-in page; the reset link is valid for 60 minutes.',
    tags: ['account'],
  },
  {
    id: 'invoices',
    title: 'Invoices',
    body: 'Every invoice is in Billing. Invoices list the tax and the payment method used.',
  },
];

/** A word no other plugin's document has: the hostile tests look for it. */
const SECRET = 'zanzibarsecret';

type Maker = (plugin: string) => SearchCapability;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function expectInvalid(promise: Promise<unknown>, details: RegExp): Promise<void> {
  const error = await rejection(promise);
  expect(isToolhostError(error) && error.code).toBe('TOOLHOST_ERR_SEARCH_INVALID');
  expect((error as Error).message).toMatch(details);
}

/** The contract every backend of `search` keeps, run against each below. */
function searchContract(setup: () => Promise<{ make: Maker; reset: () => Promise<void> }>): void {
  let make: Maker;
  let reset: () => Promise<void>;
  beforeAll(async () => {
    ({ make, reset } = await setup());
  });
  beforeEach(async () => {
    await reset();
  });
  const ids = async (search: SearchCapability, text: string, options?: object) =>
    (await search.query(text, options)).map((hit) => hit.id);

  it('indexes documents, says which were new, and finds them with title, tags and a snippet', async () => {
    const search = make('kb');
    await expect(search.index(ARTICLES)).resolves.toEqual({ added: 4, updated: 0 });
    await expect(search.count()).resolves.toBe(4);
    const hits = await search.query('how do I reset my password');
    expect(hits[0]).toMatchObject({
      id: 'password',
      title: 'Resetting your password',
      tags: ['account'],
    });
    expect(hits[0]?.snippet).toBe(ARTICLES[2]?.body);
    expect(hits[0]?.score).toBeGreaterThan(0);
    const invoice = await search.query('invoice');
    expect(invoice[0]).toMatchObject({ id: 'invoices', title: 'Invoices', tags: [] });
  });

  it('ranks by relevance: a title match first, every score lower than the one before', async () => {
    const search = make('kb');
    await search.index(ARTICLES);
    const hits = await search.query('refund');
    expect(hits.map((h) => h.id)).toEqual(['refunds', 'shipping']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    const scores = (await search.query('payment method shipping refund')).map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('answers documents holding every word first, when there are `limit` of them', async () => {
    const search = make('kb');
    await search.index([
      { id: 'both', body: 'alpha beta and a few more words of padding' },
      { id: 'one', title: 'Alpha alpha', body: 'alpha alpha alpha alpha' },
    ]);
    expect(await ids(search, 'alpha beta', { limit: 1 })).toEqual(['both']);
    expect((await ids(search, 'alpha beta', { limit: 2 })).sort()).toEqual(['both', 'one']);
  });

  it('answers documents holding two of three words before those holding one', async () => {
    const search = make('kb');
    await search.index([
      { id: 'two', body: 'alpha beta and a few more words of padding' },
      { id: 'one', title: 'Alpha alpha', body: 'alpha alpha alpha alpha' },
    ]);
    expect(await ids(search, 'alpha beta gamma', { limit: 1 })).toEqual(['two']);
    expect((await ids(search, 'alpha beta gamma', { limit: 2 })).sort()).toEqual(['one', 'two']);
  });

  it('matches plurals and partial words', async () => {
    const search = make('kb');
    await search.index(ARTICLES);
    expect(await ids(search, 'refunds')).toContain('refunds');
    expect((await ids(search, 'passw'))[0]).toBe('password');
    expect((await ids(search, 'INVOICES'))[0]).toBe('invoices');
  });

  it('replaces a document indexed again under its id', async () => {
    const search = make('kb');
    await search.index(ARTICLES);
    await expect(
      search.index([{ id: 'password', title: 'Sign-in help', body: 'Use the magic link.' }]),
    ).resolves.toEqual({ added: 0, updated: 1 });
    expect(await ids(search, 'forgot')).toEqual([]);
    expect(await search.query('magic link')).toMatchObject([
      { id: 'password', title: 'Sign-in help', tags: [] },
    ]);
    await expect(search.count()).resolves.toBe(4);
  });

  it('removes documents by id and says how many existed', async () => {
    const search = make('kb');
    await search.index(ARTICLES);
    await expect(search.remove(['refunds', 'missing', 'refunds'])).resolves.toBe(1);
    expect(await ids(search, 'refund')).toEqual(['shipping']);
    await expect(search.count()).resolves.toBe(3);
    await expect(search.remove([])).resolves.toBe(0);
  });

  it('filters by tags: only documents carrying every tag named', async () => {
    const search = make('kb');
    await search.index(ARTICLES);
    expect(await ids(search, 'refund shipping', { filter: { tags: ['orders'] } })).toHaveLength(2);
    expect(await ids(search, 'refund shipping', { filter: { tags: ['orders', 'money'] } })).toEqual(
      ['refunds'],
    );
    expect(await ids(search, 'refund', { filter: { tags: ['account'] } })).toEqual([]);
    expect(await ids(search, 'refund', { filter: {} })).toHaveLength(2);
  });

  it('honours limit from 1 to 50, 10 when left out', async () => {
    const search = make('kb');
    const many = Array.from({ length: 60 }, (_, i) => ({ id: `n${i}`, body: `common word ${i}` }));
    await search.index(many.slice(0, 30));
    await search.index(many.slice(30));
    expect(await search.query('common')).toHaveLength(10);
    expect(await search.query('common', { limit: 1 })).toHaveLength(1);
    expect(await search.query('common', { limit: 50 })).toHaveLength(50);
  });

  it('cuts a snippet of about 200 characters around the first matched word', async () => {
    const search = make('kb');
    const filler = Array.from({ length: 80 }, (_, i) => `filler${i}`).join(' ');
    await search.index([
      { id: 'long', body: `${filler} the warranty covers two years. ${filler}` },
    ]);
    const [hit] = await search.query('warranty');
    expect(hit?.snippet).toContain('warranty covers two years');
    expect(hit?.snippet.startsWith('…')).toBe(true);
    expect(hit?.snippet.length).toBeLessThanOrEqual(202);
  });

  it('never shows, replaces or removes another plugin’s documents', async () => {
    const mine = make('kb');
    const theirs = make('other');
    await mine.index(ARTICLES);
    await theirs.index([{ id: 'password', title: 'Secret', body: `${SECRET} refund password` }]);
    expect(await ids(mine, SECRET)).toEqual([]);
    expect((await mine.query('password'))[0]).toMatchObject({
      id: 'password',
      title: 'Resetting your password',
    });
    await expect(theirs.remove(['refunds', 'shipping'])).resolves.toBe(0);
    expect(await ids(mine, 'refund')).toEqual(['refunds', 'shipping']);
    await expect(mine.count()).resolves.toBe(4);
    await expect(theirs.count()).resolves.toBe(1);
    await expect(make('nobody').count()).resolves.toBe(0);
  });

  // Query syntax of FTS5 and tsquery in user text: searched as words, never as syntax, never
  // an error, never a hit outside the plugin's own documents.
  const HOSTILE_QUERIES = [
    '"',
    '"unbalanced quote',
    'refund" OR "zanzibarsecret',
    'refund NEAR(payment method, 2)',
    'NEAR',
    '*',
    'ref*',
    '^refund',
    'title: refund',
    'body:zanzibarsecret',
    'plugin:other',
    '{title body}: refund',
    'refund AND OR NOT',
    'AND',
    '((refund',
    'refund))',
    '-refund',
    "refund' | 'zanzibarsecret':*",
    "'; drop table plugin_search_document; --",
    'refund & !shipping',
    'refund <-> shipping',
    '\u0000 refund \u0001',
    '\ud800 refund',
    'r'.repeat(2_000),
  ];
  it.each(HOSTILE_QUERIES.map((q) => [q.slice(0, 40), q]))(
    'answers the hostile query %j with own documents only',
    async (_, text) => {
      const mine = make('kb');
      await mine.index(ARTICLES);
      await make('other').index([{ id: 'x', body: `${SECRET} refund shipping payment` }]);
      const hits = await mine.query(text, { limit: 50 });
      for (const hit of hits) expect(ARTICLES.map((a) => a.id)).toContain(hit.id);
      await expect(mine.count()).resolves.toBe(4);
      await expect(make('other').count()).resolves.toBe(1);
    },
  );

  it('answers no hit for text without a searchable word', async () => {
    const search = make('kb');
    await search.index(ARTICLES);
    for (const text of ['', '   ', '?!', 'how do I', '"" () :*']) {
      await expect(search.query(text)).resolves.toEqual([]);
    }
  });

  it('refuses query text that is no string or too long, with a coded error', async () => {
    const search = make('kb');
    await expectInvalid(search.query(42 as never), /text must be a string, got number/);
    await expectInvalid(search.query('r'.repeat(2_001)), /at most 2000 characters/);
  });

  it.each([
    [{ limit: 0 }, /limit must be an integer from 1 to 50, got 0/],
    [{ limit: 51 }, /got 51/],
    [{ limit: 2.5 }, /got 2.5/],
    [{ limit: '3' }, /got 3/],
    [{ limit: null }, /got null/],
    [{ top: 3 }, /unknown field 'top'/],
    [{ filter: 'orders' }, /filter must be an object, got a string/],
    [{ filter: { tags: 'orders' } }, /filter.tags must be an array/],
    [{ filter: { tags: [1] } }, /filter.tags\[0\] must be a string, got number/],
    [{ filter: { tags: [''] } }, /filter.tags\[0\] must have 1 to 64 characters/],
    [{ filter: { tags: Array.from({ length: 9 }, (_, i) => `t${i}`) } }, /at most 8 tags/],
    [{ filter: { color: 'red' } }, /unknown field 'color' \(only 'tags' filters\)/],
    ['fast', /options must be an object, got a string/],
  ])('refuses the query options %j with a coded error', async (options, details) => {
    await expectInvalid(make('kb').query('refund', options as never), details);
  });

  const body = (chars: number) => 'a'.repeat(chars);
  it.each([
    ['not an array', { id: 'a', body: 'b' }, /documents must be an array, got object/],
    ['a document that is no object', ['doc'], /documents\[0\] must be an object, got a string/],
    ['no id', [{ body: 'b' }], /documents\[0\].id must be a string, got undefined/],
    ['an empty id', [{ id: '', body: 'b' }], /documents\[0\].id must have 1 to 256 characters/],
    [
      'a long id',
      [{ id: 'i'.repeat(257), body: 'b' }],
      /id must have 1 to 256 characters, got 257/,
    ],
    ['no body', [{ id: 'a' }], /documents\[0\].body must be a string/],
    [
      'an oversized body',
      [{ id: 'a', body: body(100_001) }],
      /body must have 0 to 100000 characters, got 100001/,
    ],
    [
      'an oversized title',
      [{ id: 'a', title: body(1_001), body: 'b' }],
      /title must have 0 to 1000/,
    ],
    ['a NUL', [{ id: 'a', body: 'b\u0000c' }], /body must not contain NUL or unpaired surrogates/],
    [
      'a lone surrogate',
      [{ id: 'a\ud800', body: 'b' }],
      /id must not contain NUL or unpaired surrogates/,
    ],
    [
      'an unknown field',
      [{ id: 'a', body: 'b', text: 'c' }],
      /documents\[0\] has an unknown field 'text'/,
    ],
    ['bad tags', [{ id: 'a', body: 'b', tags: 'x' }], /tags must be an array, got a string/],
    [
      'too many tags',
      [{ id: 'a', body: 'b', tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }],
      /at most 32 tags/,
    ],
    [
      'a duplicate id',
      [
        { id: 'a', body: 'b' },
        { id: 'a', body: 'c' },
      ],
      /documents\[1\].id 'a' appears twice/,
    ],
    [
      '101 documents',
      Array.from({ length: 101 }, (_, i) => ({ id: `d${i}`, body: 'b' })),
      /at most 100 documents a call, got 101/,
    ],
    [
      'over a million characters',
      Array.from({ length: 11 }, (_, i) => ({ id: `d${i}`, body: body(100_000) })),
      /at most 1000000 characters of title and body, got 1100000; index it in smaller batches/,
    ],
  ])('refuses a batch with %s, and indexes none of it', async (_, documents, details) => {
    const search = make('kb');
    await search.index([{ id: 'keep', body: 'kept' }]);
    await expectInvalid(search.index(documents as never), details);
    await expect(search.count()).resolves.toBe(1);
    expect((await search.query('kept'))[0]?.id).toBe('keep');
  });

  it('refuses ids to remove that are no array of ids', async () => {
    const search = make('kb');
    await expectInvalid(search.remove('a' as never), /ids must be an array, got a string/);
    await expectInvalid(search.remove([7] as never), /ids\[0\] must be a string, got number/);
    await expectInvalid(
      search.remove(Array.from({ length: 1_001 }, (_, i) => `d${i}`)),
      /at most 1000 ids/,
    );
  });
}

function databaseContract(createScratch: () => Promise<ScratchDatabase>): void {
  let scratch: ScratchDatabase;
  let database: Database;
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });
  searchContract(async () => {
    scratch = await createScratch();
    database = await openDatabase(scratch.url);
    return {
      make: (plugin) => createPluginSearch(database.orm, plugin),
      reset: async () => {
        const connection = database.orm.em.getConnection();
        await connection.execute('delete from "plugin_search_document"');
      },
    };
  });
}

describe('createPluginSearch on SQLite (FTS5)', () => {
  databaseContract(createScratchSqlite);

  it('reports the database as unavailable once it is closed', async () => {
    const scratch = await createScratchSqlite();
    try {
      const database = await openDatabase(scratch.url);
      const search = createPluginSearch(database.orm, 'kb');
      await search.index(ARTICLES);
      await database.close();
      for (const call of [
        () => search.query('refund'),
        () => search.index(ARTICLES),
        () => search.count(),
      ]) {
        const error = await rejection(call());
        expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_DATABASE_UNAVAILABLE');
      }
    } finally {
      await scratch.drop();
    }
  });
});

describeWithPostgres('createPluginSearch on PostgreSQL (tsvector, GIN)', () => {
  databaseContract(() => createScratchPostgres(postgresUrl()));
});

describe('createMemorySearch (the ./testing harness)', () => {
  const searches = new Map<string, SearchCapability>();
  searchContract(async () => ({
    make: (plugin) => {
      let search = searches.get(plugin);
      if (!search) searches.set(plugin, (search = createMemorySearch()));
      return search;
    },
    reset: async () => searches.clear(),
  }));
});
