import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { TRACER_NAME } from './createTracing.js';

export interface InMemoryTracing {
  readonly tracer: Tracer;
  /** Every ended span: `exporter.getFinishedSpans()`, `exporter.reset()`. */
  readonly exporter: InMemorySpanExporter;
  shutdown(): Promise<void>;
}

/**
 * For tests: a tracer whose spans are kept in memory, with an AsyncLocalStorage context
 * manager so spans nest across `await`. The tracer comes from its own provider, so it
 * records even when another test already registered a global one.
 */
export function createInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const ownsContext = context.setGlobalContextManager(
    new AsyncLocalStorageContextManager().enable(),
  );
  return {
    tracer: provider.getTracer(TRACER_NAME),
    exporter,
    async shutdown() {
      await provider.shutdown();
      if (ownsContext) context.disable();
    },
  };
}
