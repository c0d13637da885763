import { randomUUID } from 'node:crypto';
import {
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type winston from 'winston';
import type { InvokeOptions, ToolCallRecord } from './ToolInvoker.js';

export interface CallTrace {
  readonly span: Span;
  /** The active context with the call's span in it: the tool runs inside it. */
  readonly context: Context;
}

// A failing span processor or log transport must not fail the call it reports: every
// step below swallows its own errors.

function startSpan(
  tracer: Tracer,
  toolName: string,
  options: InvokeOptions,
  parent: Context,
): Span {
  try {
    const span = tracer.startSpan(`execute_tool ${toolName}`, { kind: SpanKind.INTERNAL }, parent);
    if (span.isRecording()) {
      span.setAttribute('gen_ai.operation.name', 'execute_tool');
      span.setAttribute('gen_ai.tool.name', toolName);
      span.setAttribute('gen_ai.tool.call.id', randomUUID());
      // The host runs the tool itself and it calls out to outside APIs: an "extension" in the
      // GenAI vocabulary (a "function" would run on the client).
      span.setAttribute('gen_ai.tool.type', 'extension');
      span.setAttribute('request_id', options.requestId);
      if (options.sessionId !== null) span.setAttribute('session_id', options.sessionId);
      span.setAttribute('tool_name', toolName);
    }
    return span;
  } catch {
    return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  }
}

function endSpan(span: Span, record: ToolCallRecord): void {
  try {
    if (span.isRecording()) {
      span.setAttribute('toolhost.attempts', record.attempts);
      span.setAttribute('toolhost.outcome', record.outcome);
      if (record.errorCode !== null) {
        span.setAttribute('error.type', record.errorCode);
        span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorCode });
      }
    }
    span.end();
  } catch {
    // see above
  }
}

/**
 * One span `execute_tool {name}` per call (GenAI `execute_tool` conventions) and two log lines
 * with the same ids, both at debug ("started", "finished"): the info line of a message or
 * invoke request carries the outcome already. Only ids, outcome, codes, counts and
 * durations go on them: never arguments, results or secrets.
 */
export interface CallTelemetry {
  start(toolName: string, options: InvokeOptions): CallTrace;
  finish(call: CallTrace, record: ToolCallRecord, options: InvokeOptions): void;
}

export function createCallTelemetry(tracer: Tracer, logger: winston.Logger): CallTelemetry {
  return {
    start(toolName, options) {
      const parent = context.active();
      const span = startSpan(tracer, toolName, options, parent);
      try {
        if (logger.isLevelEnabled('debug')) {
          logger.debug({
            message: 'tool call started',
            request_id: options.requestId,
            session_id: options.sessionId,
            tool_name: toolName,
          });
        }
      } catch {
        // see above
      }
      return { span, context: trace.setSpan(parent, span) };
    },

    finish({ span }, record, options) {
      endSpan(span, record);
      try {
        if (logger.isLevelEnabled('debug')) {
          logger.debug({
            message: 'tool call finished',
            request_id: options.requestId,
            session_id: options.sessionId,
            tool_name: record.tool,
            outcome: record.outcome,
            error_code: record.errorCode,
            attempts: record.attempts,
            duration_ms: record.durationMs,
          });
        }
      } catch {
        // see above
      }
    },
  };
}
