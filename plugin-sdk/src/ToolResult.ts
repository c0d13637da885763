/** Machine-readable reasons a tool call failed; the host and plugins share this catalog. */
export const TOOL_ERROR_CODES = [
  'invalid_input',
  'invalid_output',
  'timeout',
  'circuit_open',
  'bulkhead_full',
  'not_found',
  'upstream_error',
  'permission_denied',
  'internal',
  'crashed',
] as const;

export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

/** Plain JSON object: what `data` and `metadata` of a ToolResult hold. */
export type JsonObject = { [key: string]: unknown };

/** The canonical output of every tool call. It is plain data and survives `JSON.stringify`. */
export interface ToolResult<TData extends JsonObject = JsonObject> {
  success: boolean;
  data: TData;
  metadata: JsonObject;
  error: string | null;
  errorCode?: ToolErrorCode;
}

/** A successful ToolResult. */
export function ok<TData extends JsonObject>(
  data: TData,
  metadata: JsonObject = {},
): ToolResult<TData> {
  return { success: true, data, metadata, error: null };
}

/** A failed ToolResult with a machine-readable code. */
export function fail(
  error: string,
  errorCode: ToolErrorCode = 'internal',
  metadata: JsonObject = {},
): ToolResult<Record<string, never>> {
  return { success: false, data: {}, metadata, error, errorCode };
}

export function isToolErrorCode(value: unknown): value is ToolErrorCode {
  return typeof value === 'string' && (TOOL_ERROR_CODES as readonly string[]).includes(value);
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural check, cheap enough for hot paths; the JSON Schema is the full contract. */
export function isToolResult(value: unknown): value is ToolResult {
  if (!isPlainObject(value)) return false;
  return (
    typeof value['success'] === 'boolean' &&
    isPlainObject(value['data']) &&
    isPlainObject(value['metadata']) &&
    (value['error'] === null || typeof value['error'] === 'string')
  );
}
