import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startS3rver, type RunningS3rver } from '../host/src/audit/testing/startS3rver.js';
import { createS3BlobStore } from '../host/src/audit/createS3BlobStore.js';
import { bearer, CLIENT, keysEnv } from './support/apiKeys.js';
import { REPO_PLUGINS_DIR, useBuiltinManifests } from './support/builtinPlugins.js';
import { startTestHost, type TestHost } from './support/testHost.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const LONG = `My order never arrived, please help. ${'I have waited for weeks now. '.repeat(80)}`;

let s3: RunningS3rver;
let t: TestHost;
let bucket: string;
beforeEach(async () => {
  s3 = await startS3rver();
  bucket = `th-${randomBytes(4).toString('hex')}`;
  t = await startTestHost((dirs) => useBuiltinManifests(dirs, ['rag', 'memory', 'escalation']), {
    TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
    TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
    ...keysEnv(CLIENT),
    TOOLHOST_WATCH_MANIFESTS: 'false',
    AUDIT_INLINE_MAX_BYTES: '1500',
    AUDIT_BLOB_URL: `s3://${bucket}/toolhost`,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  });
});
afterEach(async () => {
  await t.stop();
  await s3.stop().catch(() => {});
});

function send(sessionId: string, text: string) {
  return t.request(`/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(CLIENT) },
    body: JSON.stringify({ text }),
  });
}

describe('audit payloads in S3 (AUDIT_BLOB_URL=s3://…, against s3rver)', () => {
  it('puts a large payload in the bucket under the prefix; the admin audit read fetches it', async () => {
    const big = await send('s3-big', LONG);
    expect(big.status).toBe(200);
    const small = await send('s3-big', 'hi');
    expect(small.status).toBe(200);
    const list = await t.request('/v1/sessions/s3-big/audit', { headers: bearer(ADMIN_TOKEN) });
    const entries = (list.body as { entries: Array<{ id: string; rawPayloadKey: string | null }> })
      .entries;
    const [inline, large] = entries;
    expect(large?.rawPayloadKey).toMatch(/^audit\/\d{4}\/\d{2}\/[0-9a-f-]+\.json$/);
    expect(inline?.rawPayloadKey).toBeNull();

    // The object really is in the bucket, under the prefix, as plain JSON.
    const direct = createS3BlobStore({
      bucket,
      prefix: 'toolhost',
      endpoint: s3.endpoint,
      region: 'eu-west-1',
      credentials: s3.credentials,
    });
    const stored = JSON.parse((await direct.get(large?.rawPayloadKey ?? ''))?.toString() ?? 'null');
    direct.close();
    expect(stored).toMatchObject({ response: big.body, request: { sessionId: 's3-big' } });

    const read = await t.request(`/v1/sessions/s3-big/audit/${large?.id}/payload`, {
      headers: bearer(ADMIN_TOKEN),
    });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      sessionId: 's3-big',
      id: large?.id,
      rawPayloadKey: large?.rawPayloadKey,
      payload: stored,
    });

    const notAdmin = await t.request(`/v1/sessions/s3-big/audit/${large?.id}/payload`, {
      headers: bearer(CLIENT),
    });
    expect(notAdmin.status).toBe(403);
    const inlineRead = await t.request(`/v1/sessions/s3-big/audit/${inline?.id}/payload`, {
      headers: bearer(ADMIN_TOKEN),
    });
    expect(inlineRead).toMatchObject({ status: 404, body: { code: 'TOOLHOST_HTTP_NOT_FOUND' } });
    const otherSession = await t.request(`/v1/sessions/s3-other/audit/${large?.id}/payload`, {
      headers: bearer(ADMIN_TOKEN),
    });
    expect(otherSession.status).toBe(404);
    const badId = await t.request(`/v1/sessions/s3-big/audit/..%2F..%2Fetc/payload`, {
      headers: bearer(ADMIN_TOKEN),
    });
    expect(badId).toMatchObject({ status: 400, body: { code: 'TOOLHOST_HTTP_INVALID_BODY' } });
  });

  it('with S3 down, a large message answers 503 (retry later) and the log names the code and the object', async () => {
    await s3.stop();
    const refused = await send('s3-down', LONG);
    expect(refused).toMatchObject({
      status: 503,
      body: { code: 'TOOLHOST_HTTP_UNAVAILABLE', detail: expect.stringContaining('audit') },
    });
    expect(refused.headers.get('retry-after')).toBe('1');
    const failure = t.lines.find((l) => l.message === 'http request failed');
    expect(String(failure?.['error_message'])).toMatch(
      new RegExp(
        `blob store s3://${bucket}/toolhost/audit/.+ is unavailable: put failed: .*ECONNREFUSED`,
      ),
    );
    const starting = t.lines.find((l) => l.message === 'toolhost starting');
    expect(starting?.['settings']).toMatchObject({
      auditBlobs: { credentials: { secretAccessKey: '***' } },
    });
    // A message whose payload fits inline does not need S3.
    expect((await send('s3-down', 'hi')).status).toBe(200);
  });
});
