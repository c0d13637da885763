import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from './startOtlpReceiver.js';

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(() => receiver.stop());

const request = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: 'a'.repeat(32),
              spanId: 'b'.repeat(16),
              parentSpanId: '',
              name: 'x',
              kind: 2,
              attributes: [
                { key: 'n', value: { intValue: '3' } },
                { key: 'ok', value: { boolValue: true } },
              ],
            },
          ],
        },
      ],
    },
  ],
};

function post(body: string | Buffer, headers: Record<string, string>) {
  return fetch(`${receiver.endpoint}/v1/traces`, { method: 'POST', headers, body });
}

describe('startOtlpReceiver', () => {
  it('decodes an ExportTraceServiceRequest in JSON, plain or gzipped', async () => {
    expect(
      (await post(JSON.stringify(request), { 'content-type': 'application/json' })).status,
    ).toBe(200);
    const gz = gzipSync(JSON.stringify(request));
    await post(gz, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    const spans = await receiver.waitFor((s) => s.length === 2);
    expect(spans[0]).toEqual({
      serviceName: 'svc',
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      parentSpanId: null,
      name: 'x',
      kind: 2,
      attributes: { n: 3, ok: true },
    });
    const listed = await fetch(`${receiver.endpoint}/v1/spans?traceId=${'a'.repeat(32)}`);
    expect(((await listed.json()) as { spans: unknown[] }).spans).toHaveLength(2);
    const none = await fetch(`${receiver.endpoint}/v1/spans?traceId=${'c'.repeat(32)}`);
    expect(await none.json()).toEqual({ spans: [] });
  });

  it('answers GET /v1/spans?min=N once N spans arrived', async () => {
    const waiting = fetch(`${receiver.endpoint}/v1/spans?traceId=${'a'.repeat(32)}&min=1`);
    await post(JSON.stringify(request), { 'content-type': 'application/json' });
    expect(((await (await waiting).json()) as { spans: unknown[] }).spans).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{', 'application/json'],
    ['no resourceSpans', '{}', 'application/json'],
    [
      'ids in base64',
      JSON.stringify({
        resourceSpans: [
          { scopeSpans: [{ spans: [{ traceId: 'qqqq', spanId: 'qq', name: 'x' }] }] },
        ],
      }),
      'application/json',
    ],
    ['protobuf', 'binary', 'application/x-protobuf'],
  ])('refuses %s with 400 and keeps the reason', async (_what, body, type) => {
    const response = await post(body, { 'content-type': type });
    expect(response.status).toBe(400);
    expect(receiver.refused).toHaveLength(1);
    expect(receiver.spans).toEqual([]);
  });
});
