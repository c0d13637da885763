import type { JsonObject, ToolErrorCode, ToolResult } from '@toolhost/plugin-sdk';

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

export interface InvokeOptions {
  requestId: string;
  sessionId: string | null;
}

/** What one call did, for audit rows and agent metadata (never arguments or results). */
export interface ToolCallRecord {
  tool: string;
  outcome: 'success' | 'failure';
  errorCode: ToolErrorCode | null;
  attempts: number;
  durationMs: number;
}

/** A tool's circuit moved (opened, half-opened to probe, closed again). */
export interface CircuitChange {
  tool: string;
  state: CircuitStateName;
}

export interface Invocation {
  result: ToolResult;
  record: ToolCallRecord;
}

/**
 * The one wrapper every tool call goes through (DESIGN section 6). It never throws:
 * every failure is a ToolResult with an errorCode. The span of the call is a child of
 * the active OpenTelemetry context.
 */
export interface ToolInvoker {
  invoke(tool: string, input: JsonObject, options: InvokeOptions): Promise<Invocation>;
  circuitState(tool: string): CircuitStateName;
  /** Calls `listener` whenever a tool's circuit changes state; returns an unsubscribe. */
  onCircuitChange(listener: (change: CircuitChange) => void): () => void;
}
