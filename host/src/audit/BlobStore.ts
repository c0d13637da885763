/**
 * Where audit payloads too large to keep inline go (DESIGN section 3: the filesystem under
 * `<dataDir>/blobs/` by default, an S3-compatible store in production). Keys are relative
 * paths such as `audit/2026/11/<id>.json`.
 */
export interface BlobStore {
  /** Stores `data` under `key`, replacing what was there; resolves once it is durable. */
  put(key: string, data: string | Uint8Array): Promise<void>;
  /** The bytes stored under `key`, or null when there are none. */
  get(key: string): Promise<Buffer | null>;
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/**
 * @throws RangeError when `key` is not 1 to 16 `/`-separated segments of
 * `A-Z a-z 0-9 . _ -` (none empty or starting with `.`), so a key never leaves the store.
 */
export function assertBlobKey(key: string): void {
  const segments = key.split('/');
  if (segments.length > 16 || !segments.every((segment) => SEGMENT.test(segment))) {
    throw new RangeError(`invalid blob key '${key}'`);
  }
}
