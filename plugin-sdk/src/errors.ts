import type { ToolErrorCode } from './ToolResult.js';

/**
 * Stable error codes of the SDK: what a plugin author meets when defining, configuring or
 * testing a plugin. (The host keeps its own catalog.) Every code is documented in
 * docs/errors.md; a test keeps the two in step.
 */
export const ERROR_CATALOG = {
  TOOLHOST_ERR_PLUGIN_INVALID: "Plugin '{plugin}' is invalid: {details}",
  TOOLHOST_ERR_CONFIG_INVALID: "Configuration of plugin '{plugin}' is invalid: {details}",
  TOOLHOST_ERR_TOOL_UNKNOWN: "Tool '{tool}' is not registered",
  TOOLHOST_ERR_HARNESS_ASSERTION: "Tool '{tool}' broke its contract: {details}",
  TOOLHOST_ERR_SEARCH_INVALID: 'search.{operation}(): {details}',
} as const;

export type ToolhostErrorCode = keyof typeof ERROR_CATALOG;

const TOOLHOST_ERROR_BRAND = Symbol.for('toolhost.error');
const TOOL_ERROR_BRAND = Symbol.for('toolhost.tool-error');

/** A catalog template with its `{name}` placeholders filled in; unknown ones stay as written. */
export function renderMessage(
  template: string,
  params: Readonly<Record<string, string | number>>,
): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

/** An error of the SDK, identified by a stable code from ERROR_CATALOG. */
export class ToolhostError extends Error {
  readonly code: ToolhostErrorCode;
  readonly params: Readonly<Record<string, string | number>>;
  readonly [TOOLHOST_ERROR_BRAND] = true;

  constructor(
    code: ToolhostErrorCode,
    params: Readonly<Record<string, string | number>> = {},
    options?: ErrorOptions,
  ) {
    super(renderMessage(ERROR_CATALOG[code], params), options);
    this.name = 'ToolhostError';
    this.code = code;
    this.params = params;
  }
}

/**
 * An error a tool throws to fail its call with a specific ToolErrorCode
 * (`not_found`, `upstream_error`, …); the host turns it into a failed ToolResult.
 */
export class ToolError extends Error {
  readonly toolErrorCode: ToolErrorCode;
  readonly [TOOL_ERROR_BRAND] = true;

  constructor(toolErrorCode: ToolErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ToolError';
    this.toolErrorCode = toolErrorCode;
  }
}

/** True when `value` carries `brand` (a `Symbol.for` key), whichever copy of a module made it. */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/** True for a ToolhostError from any copy of the SDK. */
export function isToolhostError(value: unknown): value is ToolhostError {
  return hasBrand(value, TOOLHOST_ERROR_BRAND);
}

/** True for a ToolError from any copy of the SDK. */
export function isToolError(value: unknown): value is ToolError {
  return hasBrand(value, TOOL_ERROR_BRAND);
}
