import { createRequire } from 'node:module';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as SdkNode from '@opentelemetry/sdk-node';
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  TracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';

export interface TracingSettings {
  /** Base OTLP/HTTP URL (`http://collector:4318`); null keeps spans in the process. */
  otlpEndpoint: string | null;
  serviceName?: string;
  /** How long ended spans wait to be exported together (default 5000 ms). */
  exportDelayMs?: number;
  /**
   * Without an endpoint: record every span and hand it to these processors instead
   * (benchmarks, diagnostics). Ignored when spans are exported.
   */
  spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Flushes pending spans and releases the global OpenTelemetry registrations. */
  shutdown(): Promise<void>;
}

export const TRACER_NAME = '@toolhost/host';

// The Node SDK and the OTLP exporter take about half a second to load: only pay for them
// when spans are exported.
const require = createRequire(import.meta.url);

function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

function releaseGlobals(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}

function exportingTracing(endpoint: string, serviceName: string, exportDelayMs: number): Tracing {
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof SdkNode;
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: tracesUrl(endpoint) }),
        scheduledDelayMillis: exportDelayMs,
      }),
    ],
    // Without these NodeSDK would also start OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start(); // registers the AsyncLocalStorage context manager, W3C propagation and the provider
  return {
    tracer: trace.getTracer(TRACER_NAME),
    async shutdown() {
      try {
        await sdk.shutdown();
      } finally {
        releaseGlobals();
      }
    },
  };
}

/**
 * Without an endpoint spans are still created, with real trace and span ids that audit
 * rows and child spans can refer to, but unless processors are given they are not
 * sampled: nothing would read their attributes, so recording them would be wasted work
 * on every call.
 */
function localTracing(spanProcessors: SpanProcessor[] | undefined): Tracing {
  const provider =
    spanProcessors === undefined
      ? new TracerProvider({ sampler: new AlwaysOffSampler() })
      : new TracerProvider({ spanProcessors });
  const ownsContext = context.setGlobalContextManager(
    new AsyncLocalStorageContextManager().enable(),
  );
  const ownsProvider = trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer(TRACER_NAME),
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        if (ownsProvider) trace.disable();
        if (ownsContext) context.disable();
      }
    },
  };
}

/**
 * The host's tracing: an AsyncLocalStorage context manager (so spans nest across
 * `await`) and a tracer provider; with `otlpEndpoint`, the Node SDK exporting over
 * OTLP/HTTP in batches.
 */
export function createTracing(settings: TracingSettings): Tracing {
  const serviceName = settings.serviceName ?? 'toolhost';
  return settings.otlpEndpoint === null
    ? localTracing(settings.spanProcessors)
    : exportingTracing(settings.otlpEndpoint, serviceName, settings.exportDelayMs ?? 5_000);
}
