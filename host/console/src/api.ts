/** A failed API call: the problem document's code and detail, or the network's failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, detail: string) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}

/** Calls the host's routes with the key as a bearer token (never in a URL). */
export function createApi(key: string): Api {
  async function call<T>(method: string, path: string, body?: unknown, extra = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'omit',
        cache: 'no-store',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', `the host cannot be reached (${String(error)})`);
    }
    const text = await response.text();
    let value: unknown;
    try {
      value = text === '' ? null : JSON.parse(text);
    } catch {
      value = null;
    }
    if (!response.ok) {
      const problem = (value ?? {}) as { code?: unknown; detail?: unknown };
      throw new ApiError(
        response.status,
        typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`,
        typeof problem.detail === 'string' ? problem.detail : response.statusText,
      );
    }
    return value as T;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body, headers) => call('POST', path, body, headers),
  };
}

/** `a/b` as one path segment. */
export const segment = (value: string) => encodeURIComponent(value);
