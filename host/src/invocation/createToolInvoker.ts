import { context, type Tracer } from '@opentelemetry/api';
import { fail, type JsonObject, type ToolResult } from '@toolhost/plugin-sdk';
import type winston from 'winston';
import type { RegisteredTool } from './RegisteredTool.js';
import { createCallTelemetry, type CallTrace } from './callTelemetry.js';
import { systemClock, type Clock } from './Clock.js';
import { createToolPipeline, type ToolPipeline } from './createToolPipeline.js';
import { DeadlineQueue } from './DeadlineQueue.js';
import { failureFromError } from './failureFromError.js';
import type { PendingCall } from './Policy.js';
import type {
  CircuitChange,
  CircuitStateName,
  InvokeOptions,
  Invocation,
  ToolCallRecord,
  ToolInvoker,
} from './ToolInvoker.js';

export interface ToolInvokerDeps {
  lookup(name: string): RegisteredTool | undefined;
  tracer: Tracer;
  logger: winston.Logger;
  /** Durations and deadlines; defaults to `performance.now()`. Must move with the timers. */
  clock?: Clock;
  /** Retry jitter; defaults to Math.random. */
  random?: () => number;
}

const roundMs = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * The call wrapper (DESIGN section 6). Per RegisteredTool object it keeps validators,
 * bulkhead and breaker in a WeakMap, so a reloaded plugin (a new RegisteredTool) starts
 * afresh and the old state goes with the old object.
 */
export function createToolInvoker(deps: ToolInvokerDeps): ToolInvoker {
  const clock = deps.clock ?? systemClock;
  const telemetry = createCallTelemetry(deps.tracer, deps.logger);
  const pipelines = new WeakMap<RegisteredTool, ToolPipeline>();
  const queues = new Map<number, DeadlineQueue>();
  const circuitListeners = new Set<(change: CircuitChange) => void>();
  const pipelineDeps = {
    logger: deps.logger,
    clock,
    deadlines(timeoutMs: number): DeadlineQueue {
      let queue = queues.get(timeoutMs);
      if (queue === undefined) queues.set(timeoutMs, (queue = new DeadlineQueue(timeoutMs, clock)));
      return queue;
    },
    ...(deps.random && { random: deps.random }),
    onCircuitChange(tool: string, state: CircuitStateName): void {
      for (const listener of circuitListeners) {
        try {
          listener({ tool, state });
        } catch (error) {
          deps.logger.warn('circuit change listener failed', {
            tool_name: tool,
            error: (error as Error).message,
          });
        }
      }
    },
  };

  function pipelineOf(tool: RegisteredTool): ToolPipeline {
    let pipeline = pipelines.get(tool);
    if (pipeline === undefined)
      pipelines.set(tool, (pipeline = createToolPipeline(tool, pipelineDeps)));
    return pipeline;
  }

  function runPipeline(call: PendingCall): Promise<ToolResult> {
    try {
      return pipelineOf(call.tool).run(call);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function settle(
    name: string,
    options: InvokeOptions,
    trace: CallTrace,
    started: number,
    call: PendingCall | null,
    result: ToolResult,
  ): Invocation {
    const record: ToolCallRecord = {
      tool: name,
      outcome: result.success ? 'success' : 'failure',
      errorCode: result.success ? null : (result.errorCode ?? 'internal'),
      attempts: call?.attempts ?? 0,
      durationMs: roundMs(clock.now() - started),
    };
    telemetry.finish(trace, record, options);
    return { result, record };
  }

  function invoke(name: string, input: JsonObject, options: InvokeOptions): Promise<Invocation> {
    const started = clock.now();
    const trace = telemetry.start(name, options);
    let tool: RegisteredTool | undefined;
    try {
      tool = deps.lookup(name);
    } catch (error) {
      return Promise.resolve(settle(name, options, trace, started, null, failureFromError(error)));
    }
    if (tool === undefined) {
      const notFound = fail(`Tool '${name}' is not registered`, 'not_found');
      return Promise.resolve(settle(name, options, trace, started, null, notFound));
    }
    const call: PendingCall = { tool, input, options, attempt: 1, attempts: 0, deadline: null };
    return context.with(trace.context, runPipeline, undefined, call).then(
      (result) => settle(name, options, trace, started, call, result),
      (error: unknown) => settle(name, options, trace, started, call, failureFromError(error)),
    );
  }

  return {
    invoke,

    circuitState(name: string): CircuitStateName {
      const tool = deps.lookup(name);
      return (tool && pipelines.get(tool)?.breaker.state) ?? 'closed';
    },

    onCircuitChange(listener) {
      circuitListeners.add(listener);
      return () => circuitListeners.delete(listener);
    },
  };
}
