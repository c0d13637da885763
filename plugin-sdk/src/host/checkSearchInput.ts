import { ToolhostError } from '../errors.js';
import type { SearchDocument } from '../PluginContext.js';

/** The bounds every search backend applies alike (the host's and the `./testing` harness's). */
export const SEARCH_LIMITS = Object.freeze({
  idChars: 256,
  titleChars: 1_000,
  bodyChars: 100_000,
  tags: 32,
  tagChars: 64,
  /** Documents in one `index` call, and the characters of all their text together. */
  batchDocuments: 100,
  batchChars: 1_000_000,
  removeIds: 1_000,
  queryChars: 2_000,
  defaultLimit: 10,
  maxLimit: 50,
  filterTags: 8,
});

export interface CheckedQuery {
  limit: number;
  tags: string[];
}

type Operation = 'index' | 'remove' | 'query';

const invalid = (operation: Operation, details: string) =>
  new ToolhostError('TOOLHOST_ERR_SEARCH_INVALID', { operation, details });

// PostgreSQL refuses NUL in text and both backends would mangle lone surrogates.
const LONE_SURROGATE = /\p{Cs}/u;
const unstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);
const DOCUMENT_FIELDS = new Set(['id', 'title', 'body', 'tags']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string of ${value.length} characters` : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkText(
  operation: Operation,
  what: string,
  value: unknown,
  max: number,
  min = 1,
): string {
  if (typeof value !== 'string')
    throw invalid(operation, `${what} must be a string, got ${describe(value)}`);
  if (value.length < min || value.length > max) {
    throw invalid(operation, `${what} must have ${min} to ${max} characters, got ${value.length}`);
  }
  if (unstorable(value))
    throw invalid(operation, `${what} must not contain NUL or unpaired surrogates`);
  return value;
}

function checkTags(operation: Operation, what: string, value: unknown, max: number): string[] {
  if (!Array.isArray(value))
    throw invalid(operation, `${what} must be an array, got ${describe(value)}`);
  if (value.length > max)
    throw invalid(operation, `${what} takes at most ${max} tags, got ${value.length}`);
  return value.map((tag, i) => checkText(operation, `${what}[${i}]`, tag, SEARCH_LIMITS.tagChars));
}

/**
 * The batch of `index` as plain documents (title `''` and tags `[]` when left out).
 * @throws ToolhostError `TOOLHOST_ERR_SEARCH_INVALID` naming the document and field at fault.
 */
export function checkSearchDocuments(documents: unknown): Required<SearchDocument>[] {
  if (!Array.isArray(documents)) {
    throw invalid('index', `documents must be an array, got ${describe(documents)}`);
  }
  if (documents.length > SEARCH_LIMITS.batchDocuments) {
    throw invalid(
      'index',
      `takes at most ${SEARCH_LIMITS.batchDocuments} documents a call, got ${documents.length}`,
    );
  }
  const seen = new Set<string>();
  let chars = 0;
  const checked = documents.map((document: unknown, i): Required<SearchDocument> => {
    const at = `documents[${i}]`;
    if (!isRecord(document))
      throw invalid('index', `${at} must be an object, got ${describe(document)}`);
    for (const key of Object.keys(document)) {
      if (!DOCUMENT_FIELDS.has(key))
        throw invalid('index', `${at} has an unknown field '${key.slice(0, 64)}'`);
    }
    const id = checkText('index', `${at}.id`, document['id'], SEARCH_LIMITS.idChars);
    if (seen.has(id)) throw invalid('index', `${at}.id '${id}' appears twice in one batch`);
    seen.add(id);
    const title =
      document['title'] === undefined
        ? ''
        : checkText('index', `${at}.title`, document['title'], SEARCH_LIMITS.titleChars, 0);
    const body = checkText('index', `${at}.body`, document['body'], SEARCH_LIMITS.bodyChars, 0);
    const tags =
      document['tags'] === undefined
        ? []
        : checkTags('index', `${at}.tags`, document['tags'], SEARCH_LIMITS.tags);
    chars += title.length + body.length;
    return { id, title, body, tags };
  });
  if (chars > SEARCH_LIMITS.batchChars) {
    throw invalid(
      'index',
      `a batch holds at most ${SEARCH_LIMITS.batchChars} characters of title and body, got ${chars}; index it in smaller batches`,
    );
  }
  return checked;
}

/** @throws ToolhostError `TOOLHOST_ERR_SEARCH_INVALID` for anything but an array of ids. */
export function checkSearchIds(ids: unknown): string[] {
  if (!Array.isArray(ids)) throw invalid('remove', `ids must be an array, got ${describe(ids)}`);
  if (ids.length > SEARCH_LIMITS.removeIds) {
    throw invalid(
      'remove',
      `takes at most ${SEARCH_LIMITS.removeIds} ids a call, got ${ids.length}`,
    );
  }
  return ids.map((id, i) => checkText('remove', `ids[${i}]`, id, SEARCH_LIMITS.idChars));
}

/** @throws ToolhostError `TOOLHOST_ERR_SEARCH_INVALID` for text that is no string or too long. */
export function checkSearchText(text: unknown): string {
  if (typeof text !== 'string')
    throw invalid('query', `text must be a string, got ${describe(text)}`);
  if (text.length > SEARCH_LIMITS.queryChars) {
    throw invalid(
      'query',
      `text must have at most ${SEARCH_LIMITS.queryChars} characters, got ${text.length}`,
    );
  }
  return text;
}

/** @throws ToolhostError `TOOLHOST_ERR_SEARCH_INVALID` for a bad limit or filter. */
export function checkSearchOptions(options: unknown): CheckedQuery {
  if (options === undefined || options === null)
    return { limit: SEARCH_LIMITS.defaultLimit, tags: [] };
  if (!isRecord(options))
    throw invalid('query', `options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (key !== 'limit' && key !== 'filter')
      throw invalid('query', `options has an unknown field '${key.slice(0, 64)}'`);
  }
  const limit = options['limit'] === undefined ? SEARCH_LIMITS.defaultLimit : options['limit'];
  if (
    !Number.isInteger(limit) ||
    (limit as number) < 1 ||
    (limit as number) > SEARCH_LIMITS.maxLimit
  ) {
    throw invalid(
      'query',
      `limit must be an integer from 1 to ${SEARCH_LIMITS.maxLimit}, got ${String(limit).slice(0, 64)}`,
    );
  }
  const filter = options['filter'];
  if (filter === undefined) return { limit: limit as number, tags: [] };
  if (!isRecord(filter))
    throw invalid('query', `filter must be an object, got ${describe(filter)}`);
  for (const key of Object.keys(filter)) {
    if (key !== 'tags')
      throw invalid(
        'query',
        `filter has an unknown field '${key.slice(0, 64)}' (only 'tags' filters)`,
      );
  }
  const tags =
    filter['tags'] === undefined
      ? []
      : checkTags('query', 'filter.tags', filter['tags'], SEARCH_LIMITS.filterTags);
  return { limit: limit as number, tags: [...new Set(tags)] };
}
