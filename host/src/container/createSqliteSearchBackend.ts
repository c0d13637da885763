import type { SqlOrm } from '../db/Database.js';
import { termExpression, type SearchBackend, type SearchRow } from './SearchBackend.js';

interface Statement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number };
}

interface NativeSqlite {
  prepare(sql: string): Statement;
  transaction<T>(fn: () => T): () => T;
}

// bm25() weights per FTS5 column: a title word counts twice a body word.
const RANK = 'bm25("plugin_search_fts", 2.0, 1.0)';

const UPSERT =
  'insert into "plugin_search_document" ("plugin", "id", "title", "body", "tags") ' +
  `select ?, j.value ->> 'id', j.value ->> 'title', j.value ->> 'body', json(j.value -> 'tags') from json_each(?) j where true ` +
  'on conflict ("plugin", "id") do update set "title" = excluded."title", "body" = excluded."body", "tags" = excluded."tags"';
const EXISTING =
  'select count(*) as n from "plugin_search_document" where "plugin" = ? and "id" in (select value from json_each(?))';
const REMOVE =
  'delete from "plugin_search_document" where "plugin" = ? and "id" in (select value from json_each(?))';
const COUNT = 'select "documents" as n from "plugin_search_count" where "plugin" = ?';

// The ranked ids first, then the bodies of those only: sorting every match with its body
// would copy all of them.
const queryText = (tagged: boolean) =>
  `with top as (select f."rowid" as r, ${RANK} as rank from "plugin_search_fts" f ` +
  'join "plugin_search_document" d on d."rowid" = f."rowid" ' +
  'where "plugin_search_fts" match ? and d."plugin" = ? ' +
  (tagged
    ? 'and not exists (select 1 from json_each(?) w where w.value not in (select value from json_each(d."tags"))) '
    : '') +
  'order by rank, f."rowid" limit ?) ' +
  'select d."id", d."title", d."body", d."tags", -top.rank as score from top ' +
  'join "plugin_search_document" d on d."rowid" = top.r order by top.rank, top.r';

/** Quoted FTS5 strings: a term is letters and digits, so nothing in it is query syntax. */
function matchExpression(terms: readonly string[], atLeast: number): string {
  return termExpression(terms, atLeast, { and: ' AND ', or: ' OR ' }, (term, prefix) =>
    prefix ? `"${term}"*` : `"${term}"`,
  );
}

/** The `search` tables on SQLite (FTS5), through better-sqlite3 with prepared statements. */
export function createSqliteSearchBackend(orm: SqlOrm): SearchBackend {
  let native: NativeSqlite | null = null;
  const statements = new Map<string, Statement>();
  const db = async (): Promise<NativeSqlite> =>
    (native ??= (await orm.em.getConnection().getNativeClient()) as NativeSqlite);
  const statement = (sqlite: NativeSqlite, sql: string): Statement => {
    let prepared = statements.get(sql);
    if (prepared === undefined) statements.set(sql, (prepared = sqlite.prepare(sql)));
    return prepared;
  };

  return {
    async upsert(plugin, documents) {
      const sqlite = await db();
      const json = JSON.stringify(documents);
      const ids = JSON.stringify(documents.map((d) => d.id));
      return sqlite.transaction(() => {
        const { n } = statement(sqlite, EXISTING).get(plugin, ids) as { n: number };
        statement(sqlite, UPSERT).run(plugin, json);
        return { added: documents.length - n, updated: n };
      })();
    },

    async remove(plugin, ids) {
      const sqlite = await db();
      return statement(sqlite, REMOVE).run(plugin, JSON.stringify(ids)).changes;
    },

    async query(plugin, terms, atLeast, limit, tags) {
      const sqlite = await db();
      const tagged = tags.length > 0;
      const params: unknown[] = [matchExpression(terms, atLeast), plugin];
      if (tagged) params.push(JSON.stringify(tags));
      params.push(limit);
      const rows = statement(sqlite, queryText(tagged)).all(...params) as (Omit<
        SearchRow,
        'tags'
      > & {
        tags: string;
      })[];
      return rows.map((row) => ({ ...row, tags: JSON.parse(row.tags) as string[] }));
    },

    async count(plugin) {
      const sqlite = await db();
      const row = statement(sqlite, COUNT).get(plugin) as { n: number } | undefined;
      return row?.n ?? 0;
    },
  };
}
