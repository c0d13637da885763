import type { JsonObject } from './ToolResult.js';

/** Structured log fields; never put tool arguments, results or secrets in them. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface HttpJsonResponse {
  status: number;
  headers: Record<string, string>;
  /** The parsed body, or null when the body is empty. */
  data: unknown;
}

/**
 * Outbound HTTP limited to the origins the manifest grants. Any other origin rejects
 * with a ToolError whose code is `permission_denied`; network failures and timeouts
 * reject with `upstream_error` / `timeout`. Non-2xx statuses resolve normally.
 */
export interface HttpCapability {
  fetch(url: string, init?: HttpRequestInit): Promise<HttpResponse>;
  /** @throws ToolError `invalid_output` when the body is not JSON. */
  json(url: string, init?: HttpRequestInit): Promise<HttpJsonResponse>;
}

/** Key/value cache namespaced per plugin; values are JSON data. */
export interface CacheCapability {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  del(key: string): Promise<void>;
}

export interface StoredDocument {
  key: string;
  value: JsonObject;
  updatedAt: string;
}

/** The plugin's own persistent documents, namespaced per plugin, kept in the host database. */
export interface StoreCapability {
  get(key: string): Promise<JsonObject | null>;
  put(key: string, value: JsonObject): Promise<void>;
  delete(key: string): Promise<boolean>;
  list(prefix?: string, options?: { limit?: number }): Promise<StoredDocument[]>;
}

/** A document of the plugin's search index; `id` replaces any document indexed under it. */
export interface SearchDocument {
  id: string;
  title?: string;
  body: string;
  /** Exact labels that `query(..., { filter: { tags } })` selects on; not searched as text. */
  tags?: string[];
}

export interface SearchQueryOptions {
  /** How many hits at most, 1 to 50 (default 10). */
  limit?: number;
  /** Only documents carrying every one of these tags. */
  filter?: { tags?: string[] };
}

export interface SearchHit {
  id: string;
  title: string;
  /** BM25 relevance (higher is better); comparable within one query only. */
  score: number;
  /** About 200 characters of the body around the first matched word, `…` where it was cut. */
  snippet: string;
  tags: string[];
}

/**
 * Full-text search over the plugin's own documents (SQLite FTS5 or PostgreSQL full-text
 * search in the host database, so every host of a fleet sees the same index). The text of
 * `query` is words only: quotes, operators and column names in it are searched as words,
 * never as query syntax. Hits rank by BM25 (title words weigh more), with English stemming
 * and prefix matching.
 */
export interface SearchCapability {
  /**
   * Adds or replaces documents, all or none; resolves to how many ids were new and how many
   * replaced.
   * @throws ToolhostError `TOOLHOST_ERR_SEARCH_INVALID` for a malformed or oversized batch.
   */
  index(documents: SearchDocument[]): Promise<{ added: number; updated: number }>;
  /**
   * Removes documents by id; resolves to how many existed.
   * @throws ToolhostError `TOOLHOST_ERR_SEARCH_INVALID` for malformed ids.
   */
  remove(ids: string[]): Promise<number>;
  /**
   * The best hits for `text`, best first; text without a searchable word answers no hit.
   * @throws ToolhostError `TOOLHOST_ERR_SEARCH_INVALID` for a bad limit or filter.
   */
  query(text: string, options?: SearchQueryOptions): Promise<SearchHit[]>;
  /** How many documents the plugin has indexed. */
  count(): Promise<number>;
}

/** What `create` receives: capabilities only, each async with plain-data arguments and results. */
export interface PluginContext<TConfig extends JsonObject = JsonObject> {
  readonly pluginName: string;
  /** Manifest config, validated against the plugin's configSchema and frozen. */
  readonly config: Readonly<TConfig>;
  /** Resolved from env references in the manifest; never log them. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly logger: Logger;
  readonly http: HttpCapability;
  readonly cache: CacheCapability;
  readonly store: StoreCapability;
  /** Since SDK 1.1; rejects with `permission_denied` unless the manifest grants `search`. */
  readonly search: SearchCapability;
}

/** Per-call context handed to every tool method. */
export interface CallContext {
  readonly requestId: string;
  readonly sessionId: string | null;
  /** Aborted when the call times out or the host drains; pass it on to I/O. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  readonly logger: Logger;
}
