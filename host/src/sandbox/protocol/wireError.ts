import type { WireError } from './messages.js';

const TOOL_ERROR_BRAND = Symbol.for('toolhost.tool-error');
const CODED_ERROR_BRANDS = [Symbol.for('toolhost.error'), Symbol.for('toolhost.host-error')];
const MAX_TEXT = 4_096;
const MAX_PARAMS = 16;

/** How the receiving side rebuilds errors with its own classes, so its guards recognise them. */
export interface ErrorRebuild {
  /** The receiver's ToolError (an unknown code becomes `internal`). */
  toolError(code: string, message: string): Error;
  /**
   * The receiver's coded error, or null to fall back to a plain Error. The host re-renders
   * the message from its own catalog; the plugin side keeps the host's message.
   */
  codedError(code: string, params: Record<string, string | number>, message: string): Error | null;
}

/** An Error rebuilt from the wire that was neither a ToolError nor a coded error. */
export interface RemoteError extends Error {
  /** The other side's stack, for the log only. */
  remoteStack?: string;
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : fallback;
}

function branded(value: object, brand: symbol): boolean {
  return (value as Record<symbol, unknown>)[brand] === true;
}

/** A thrown value as plain data, brands read from any copy of the SDK or the host. */
export function encodeError(error: unknown): WireError {
  if (typeof error !== 'object' || error === null) {
    return { name: 'Error', message: text(String(error), 'a non-error was thrown') };
  }
  const e = error as Record<string, unknown>;
  const wire: WireError = { name: text(e['name'], 'Error'), message: text(e['message'], '') };
  if (branded(error, TOOL_ERROR_BRAND) && typeof e['toolErrorCode'] === 'string') {
    wire.toolErrorCode = e['toolErrorCode'];
  }
  if (CODED_ERROR_BRANDS.some((brand) => branded(error, brand)) && typeof e['code'] === 'string') {
    wire.code = e['code'];
    const params = e['params'];
    if (typeof params === 'object' && params !== null) wire.params = plainParams(params);
  }
  if (typeof e['stack'] === 'string') wire.stack = e['stack'].slice(0, MAX_TEXT);
  return wire;
}

function plainParams(params: object): Record<string, string | number> {
  const plain: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params).slice(0, MAX_PARAMS)) {
    if (typeof value === 'string') plain[key] = value.slice(0, MAX_TEXT);
    else if (typeof value === 'number') plain[key] = value;
  }
  return plain;
}

/**
 * Rebuilds a WireError on the receiving side. The other side may be hostile: every field is
 * coerced and capped, a coded error is re-rendered from the receiver's own catalog (never the
 * sender's text), and anything else becomes an Error with the sender's name and message.
 */
export function decodeError(wire: unknown, rebuild: ErrorRebuild): Error {
  const w = (typeof wire === 'object' && wire !== null ? wire : {}) as Record<string, unknown>;
  const message = text(w['message'], '');
  if (typeof w['toolErrorCode'] === 'string') {
    return rebuild.toolError(w['toolErrorCode'], message);
  }
  if (typeof w['code'] === 'string') {
    const params = typeof w['params'] === 'object' && w['params'] !== null ? w['params'] : {};
    const coded = rebuild.codedError(w['code'], plainParams(params), message);
    if (coded !== null) return coded;
  }
  const error: RemoteError = new Error(message);
  error.name = text(w['name'], 'Error');
  const stack = text(w['stack'], '');
  if (stack !== '') error.remoteStack = stack;
  return error;
}
