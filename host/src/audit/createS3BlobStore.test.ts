import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHostError } from '../errors.js';
import { createS3BlobStore, type S3BlobStoreOptions } from './createS3BlobStore.js';
import { type RunningS3rver, startS3rver } from './testing/startS3rver.js';

let s3: RunningS3rver;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(() => s3.stop());

function options(overrides: Partial<S3BlobStoreOptions> = {}): S3BlobStoreOptions {
  return {
    bucket: `th-${randomBytes(4).toString('hex')}`,
    prefix: 'audit-blobs',
    endpoint: s3.endpoint,
    region: null,
    credentials: s3.credentials,
    ...overrides,
  };
}

describe('createS3BlobStore against s3rver', () => {
  it('creates the missing bucket and round-trips text and bytes under the prefix', async () => {
    const blobs = createS3BlobStore(options());
    const large = JSON.stringify({ text: 'x'.repeat(200_000) });
    await blobs.put('audit/2026/12/a.json', large);
    expect((await blobs.get('audit/2026/12/a.json'))?.toString('utf8')).toBe(large);
    await blobs.put('audit/2026/12/a.json', new Uint8Array([1, 2, 3]));
    expect(await blobs.get('audit/2026/12/a.json')).toEqual(Buffer.from([1, 2, 3]));
    blobs.close();
  });

  it('keeps keys under the prefix: another prefix in the same bucket does not see them', async () => {
    const shared = options();
    const a = createS3BlobStore(shared);
    const b = createS3BlobStore({ ...shared, prefix: 'other' });
    await a.put('audit/k.json', '{"a":1}');
    expect(await b.get('audit/k.json')).toBeNull();
    expect((await a.get('audit/k.json'))?.toString()).toBe('{"a":1}');
    a.close();
    b.close();
  });

  it('answers null for a key never written', async () => {
    const blobs = createS3BlobStore(options());
    await blobs.put('audit/one.json', '1');
    expect(await blobs.get('audit/none.json')).toBeNull();
    blobs.close();
  });

  it('refuses keys that could leave the prefix', async () => {
    const blobs = createS3BlobStore(options());
    await expect(blobs.put('../x', '1')).rejects.toThrow(RangeError);
    await expect(blobs.get('a/../../x')).rejects.toThrow(RangeError);
    blobs.close();
  });

  it('fails with TOOLHOST_ERR_BLOB_STORE_UNAVAILABLE, naming the object and the reason, when S3 is down', async () => {
    const down = await startS3rver();
    const blobs = createS3BlobStore({ ...options(), endpoint: down.endpoint });
    await down.stop();
    const error: unknown = await blobs.put('audit/x.json', '{}').catch((e: unknown) => e);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_BLOB_STORE_UNAVAILABLE');
    expect((error as Error).message).toMatch(/s3:\/\/th-[0-9a-f]+\/audit-blobs\/audit\/x\.json/);
    expect((error as Error).message).toMatch(/put failed: .*ECONNREFUSED/);
    expect((error as Error).message).not.toContain(s3.credentials.secretAccessKey);
    blobs.close();
  });

  it('fails with the code when the credentials are refused', async () => {
    // s3rver checks the access key id (not SigV4 signatures), so an unknown id is what it refuses.
    const blobs = createS3BlobStore(
      options({ credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'wrong-secret' } }),
    );
    const error: unknown = await blobs.put('audit/x.json', '{}').catch((e: unknown) => e);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_BLOB_STORE_UNAVAILABLE');
    expect((error as Error).message).toMatch(/put failed: \w+ \(HTTP 403\)/);
    expect((error as Error).message).not.toContain('wrong-secret');
    blobs.close();
  });
});
