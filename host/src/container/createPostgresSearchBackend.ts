import type { SqlOrm } from '../db/Database.js';
import { termExpression, type SearchBackend } from './SearchBackend.js';

const UPSERT =
  'insert into "plugin_search_document" ("plugin", "id", "title", "body", "tags") ' +
  'select ?, x."id", x."title", x."body", x."tags" from jsonb_to_recordset(?::jsonb) as x("id" text, "title" text, "body" text, "tags" jsonb) ' +
  'on conflict ("plugin", "id") do update set "title" = excluded."title", "body" = excluded."body", "tags" = excluded."tags" ' +
  'returning (xmax = 0) as "inserted"';
const REMOVE =
  'delete from "plugin_search_document" where "plugin" = ? and "id" in (select jsonb_array_elements_text(?::jsonb))';
const COUNT = 'select "documents" as n from "plugin_search_count" where "plugin" = ?';

// Normalization 1 divides the rank by 1 + log(document length), as BM25 favours short matches.
const queryText = (tagged: boolean) =>
  'select "id", "title", "body", "tags", ts_rank_cd("tsv", ranked, 1) as score ' +
  `from "plugin_search_document", to_tsquery('english', ?) ranked, to_tsquery('english', ?) q ` +
  'where "plugin" = ? and "tsv" @@ q ' +
  (tagged ? 'and "tags" @> ?::jsonb ' : '') +
  'order by score desc, "id" collate "C" limit ?';

/** Quoted lexemes joined by `|`: a term is letters and digits, so nothing in it is syntax. */
function tsquery(terms: readonly string[], atLeast: number): string {
  return termExpression(terms, atLeast, { and: ' & ', or: ' | ' }, (term, prefix) =>
    prefix ? `'${term}':*` : `'${term}'`,
  );
}

/** The `search` tables on PostgreSQL (tsvector, GIN, ts_rank_cd), through the ORM's connection. */
export function createPostgresSearchBackend(orm: SqlOrm): SearchBackend {
  const execute = <T extends object[]>(sql: string, params: unknown[]) =>
    orm.em.getConnection().execute<T>(sql, params);

  return {
    async upsert(plugin, documents) {
      const rows = await execute<{ inserted: boolean }[]>(UPSERT, [
        plugin,
        JSON.stringify(documents),
      ]);
      const added = rows.filter((row) => row.inserted).length;
      return { added, updated: rows.length - added };
    },

    async remove(plugin, ids) {
      const result = await orm.em
        .getConnection()
        .execute<{ affectedRows: number }>(REMOVE, [plugin, JSON.stringify(ids)], 'run');
      return result.affectedRows;
    },

    async query(plugin, terms, atLeast, limit, tags) {
      const params: unknown[] = [tsquery(terms, 1), tsquery(terms, atLeast), plugin];
      if (tags.length > 0) params.push(JSON.stringify(tags));
      params.push(limit);
      const rows = await execute<
        { id: string; title: string; body: string; tags: string[]; score: number }[]
      >(queryText(tags.length > 0), params);
      return rows.map((row) => ({ ...row, score: Number(row.score) }));
    },

    async count(plugin) {
      const rows = await execute<{ n: string | number }[]>(COUNT, [plugin]);
      return rows[0] ? Number(rows[0].n) : 0;
    },
  };
}
