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
