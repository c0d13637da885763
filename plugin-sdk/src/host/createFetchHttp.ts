import type {
  HttpCapability,
  HttpJsonResponse,
  HttpRequestInit,
  HttpResponse,
} from '../PluginContext.js';
import { ToolError } from '../errors.js';

export interface FetchHttpOptions {
  /** Name used in permission errors. */
  pluginName: string;
  /** Origins (`scheme://host[:port]`) the plugin may reach; everything else is refused. */
  allowedOrigins: readonly string[];
  /** Applied when a request gives no `timeoutMs`. */
  defaultTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The origin of `url` when the plugin is granted it.
 * @throws ToolError `permission_denied` for any other origin, or a URL that has none.
 */
function originGuard(
  pluginName: string,
  allowedOrigins: readonly string[],
): (url: string) => string {
  const allowed = new Set(allowedOrigins.map((o) => originOf(o) ?? o));
  return (url) => {
    const origin = originOf(url);
    if (origin === null || !allowed.has(origin)) {
      throw new ToolError(
        'permission_denied',
        `Plugin '${pluginName}' is not granted http access to ${origin ?? url}`,
      );
    }
    return origin;
  };
}

/** `http` limited to the granted origins: any other is refused before `http` is called. */
export function limitToOrigins(
  http: HttpCapability,
  pluginName: string,
  allowedOrigins: readonly string[],
): HttpCapability {
  const granted = originGuard(pluginName, allowedOrigins);
  return {
    fetch: async (url, init) => {
      granted(url);
      return http.fetch(url, init);
    },
    json: async (url, init) => {
      granted(url);
      return http.json(url, init);
    },
  };
}

/**
 * The reference HttpCapability: global fetch behind an origin allowlist, with a
 * per-request timeout and the caller's AbortSignal, answering plain data.
 */
export function createFetchHttp(options: FetchHttpOptions): HttpCapability {
  const granted = originGuard(options.pluginName, options.allowedOrigins);
  const doFetch = options.fetch ?? globalThis.fetch;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;

  async function fetchPlain(url: string, init: HttpRequestInit = {}): Promise<HttpResponse> {
    const origin = granted(url);
    const timeout = AbortSignal.timeout(init.timeoutMs ?? defaultTimeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      const response = await doFetch(url, {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        body: init.body ?? null,
        signal,
        redirect: 'manual',
      });
      const body = await response.text();
      return { status: response.status, headers: Object.fromEntries(response.headers), body };
    } catch (error) {
      if (signal.aborted) {
        throw new ToolError('timeout', `HTTP ${init.method ?? 'GET'} ${origin} was aborted`, {
          cause: error,
        });
      }
      const reason = error instanceof Error ? (error.cause ?? error).toString() : String(error);
      throw new ToolError(
        'upstream_error',
        `HTTP ${init.method ?? 'GET'} ${origin} failed: ${reason}`,
        {
          cause: error,
        },
      );
    }
  }

  return {
    fetch: fetchPlain,
    async json(url, init = {}): Promise<HttpJsonResponse> {
      const headers = { accept: 'application/json', ...init.headers };
      const response = await fetchPlain(url, { ...init, headers });
      if (response.body.trim() === '') return { ...response, data: null };
      try {
        return {
          status: response.status,
          headers: response.headers,
          data: JSON.parse(response.body),
        };
      } catch {
        throw new ToolError(
          'invalid_output',
          `HTTP ${init.method ?? 'GET'} ${originOf(url)} answered ${response.status} with a body that is not JSON`,
        );
      }
    },
  };
}
