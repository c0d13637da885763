import { BaseTool } from './BaseTool.js';
import type { CallContext } from './PluginContext.js';
import { fail, isToolResult, ok, type JsonObject, type ToolResult } from './ToolResult.js';
import { isToolError } from './errors.js';

/** A tool function of the old synchronous contract: returns plain data or throws. */
export type LegacyToolFunction = (input: JsonObject, call?: CallContext) => unknown;

export type AsyncToolFunction = (input: JsonObject, call: CallContext) => Promise<ToolResult>;

/** A legacy tool object after ensureToolAsync: every method async and ToolResult-returning. */
export type AsyncTool<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? AsyncToolFunction : T[K];
};

function toToolResult(value: unknown): ToolResult {
  if (isToolResult(value)) return value;
  if (value === undefined || value === null) return ok({});
  if (typeof value === 'object' && !Array.isArray(value)) return ok(value as JsonObject);
  return ok({ value });
}

function errorToToolResult(error: unknown): ToolResult {
  if (isToolError(error)) return fail(error.message, error.toolErrorCode);
  const message = error instanceof Error ? error.message : String(error);
  return fail(message || 'tool failed', 'internal');
}

/**
 * Turns a tool written against the old synchronous contract into an async tool:
 * plain return values become `ok(value)` (non-objects as `{ value }`), a returned
 * ToolResult passes through, and a thrown error becomes a failed ToolResult.
 */
export function syncToAsyncAdapter(fn: LegacyToolFunction): AsyncToolFunction {
  return async (input, call) => {
    try {
      return toToolResult(await fn(input, call));
    } catch (error) {
      return errorToToolResult(error);
    }
  };
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor.name === 'AsyncFunction';
}

/**
 * Makes every named method of a legacy tool object async and ToolResult-returning.
 * A BaseTool, and methods that are already async, pass through untouched.
 */
export function ensureToolAsync<T extends object>(
  tool: T,
  methodNames: readonly string[] = ownMethodNames(tool),
): AsyncTool<T> {
  if (tool instanceof BaseTool) return tool as AsyncTool<T>;
  const adapted: Record<string, unknown> = Object.create(tool) as Record<string, unknown>;
  for (const name of methodNames) {
    const method = (tool as Record<string, unknown>)[name];
    if (typeof method !== 'function' || isAsyncFunction(method)) continue;
    adapted[name] = syncToAsyncAdapter((input, call) =>
      (method as LegacyToolFunction).call(tool, input, call),
    );
  }
  return adapted as AsyncTool<T>;
}

function ownMethodNames(tool: object): string[] {
  const names = new Set<string>();
  for (
    let proto: object | null = tool;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor') names.add(name);
    }
  }
  return [...names].filter((name) => typeof (tool as Record<string, unknown>)[name] === 'function');
}
