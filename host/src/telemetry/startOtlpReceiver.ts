import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as an OTLP/HTTP exporter sent it, decoded. */
export interface ReceivedSpan {
  serviceName: string | null;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, … */
  kind: number;
  attributes: Record<string, string | number | boolean | null>;
}

/**
 * A loopback OTLP/HTTP trace receiver (`POST /v1/traces`, JSON encoding as the
 * `@opentelemetry/exporter-trace-otlp-http` exporter sends it, gzip or not): decodes each
 * ExportTraceServiceRequest and keeps its spans. `npm run stack` and the tests use it where
 * a collector would be. `GET /v1/spans[?traceId=<hex>][&min=N]` answers what it kept, as JSON
 * (with `min`, once there are that many, or after 10 s).
 */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`, the `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint: string;
  readonly spans: readonly ReceivedSpan[];
  /** Requests refused (not JSON, not an ExportTraceServiceRequest), with the reason. */
  readonly refused: readonly string[];
  /** Resolves with the spans once `predicate` holds for the spans received so far. */
  waitFor(
    predicate: (spans: readonly ReceivedSpan[]) => boolean,
    signal?: AbortSignal,
  ): Promise<readonly ReceivedSpan[]>;
  stop(): Promise<void>;
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: KeyValue[];
}
interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

const MAX_BODY = 8 * 1024 * 1024;

function valueOf(value: AnyValue | undefined): string | number | boolean | null {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return null;
}

function attributesOf(list: KeyValue[] | undefined): ReceivedSpan['attributes'] {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

/** @throws Error when `body` is not an OTLP JSON ExportTraceServiceRequest. */
export function decodeOtlpJson(body: string): ReceivedSpan[] {
  const request = JSON.parse(body) as ExportTraceServiceRequest;
  if (typeof request !== 'object' || request === null || !Array.isArray(request.resourceSpans)) {
    throw new Error('not an ExportTraceServiceRequest (no resourceSpans)');
  }
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const service = resource['service.name'];
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        if (!/^[0-9a-f]{32}$/.test(span.traceId) || !/^[0-9a-f]{16}$/.test(span.spanId)) {
          throw new Error(`span '${span.name}' has ids that are not lowercase hex`);
        }
        spans.push({
          serviceName: typeof service === 'string' ? service : null,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ? span.parentSpanId : null,
          name: span.name,
          kind: span.kind ?? 0,
          attributes: attributesOf(span.attributes),
        });
      }
    }
  }
  return spans;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error(`body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export async function startOtlpReceiver(
  options: { port?: number; host?: string } = {},
): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const refused: string[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://receiver');
    if (request.method === 'GET' && url.pathname === '/v1/spans') {
      const traceId = url.searchParams.get('traceId');
      const min = Math.max(0, Math.min(Number(url.searchParams.get('min') ?? 0) || 0, 10_000));
      const select = () => (traceId === null ? spans : spans.filter((s) => s.traceId === traceId));
      // `min`: wait (up to 10 s) until that many spans are there, so callers need not poll.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 10_000);
      request.once('close', () => abort.abort());
      waitFor(() => select().length >= min, abort.signal)
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          if (response.destroyed) return;
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ spans: select() }));
        });
      return;
    }
    if (request.method !== 'POST' || url.pathname !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    const type = request.headers['content-type'] ?? '';
    readBody(request)
      .then((body) => {
        if (!type.startsWith('application/json')) {
          throw new Error(`content-type ${JSON.stringify(type)} is not decoded here (JSON only)`);
        }
        spans.push(...decodeOtlpJson(body.toString('utf8')));
        events.emit('spans');
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      })
      .catch((error: unknown) => {
        refused.push(error instanceof Error ? error.message : String(error));
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 3, message: refused.at(-1) }));
      });
  });
  async function waitFor(
    predicate: (received: readonly ReceivedSpan[]) => boolean,
    signal?: AbortSignal,
  ): Promise<readonly ReceivedSpan[]> {
    while (!predicate(spans)) {
      await once(events, 'spans', signal ? { signal } : {});
    }
    return spans;
  }
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    refused,
    waitFor,
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
