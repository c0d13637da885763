export { BaseTool, type HealthStatus } from './BaseTool.js';
export {
  definePlugin,
  isToolhostPlugin,
  type JsonSchema,
  type PluginDefinition,
  type ToolAnnotations,
  type ToolhostPlugin,
  type ToolInstance,
  type ToolMethod,
  type ToolSpec,
} from './definePlugin.js';
export {
  ensureToolAsync,
  syncToAsyncAdapter,
  type AsyncTool,
  type AsyncToolFunction,
  type LegacyToolFunction,
} from './adapters.js';
export {
  ERROR_CATALOG,
  isToolError,
  isToolhostError,
  ToolError,
  ToolhostError,
  type ToolhostErrorCode,
} from './errors.js';
export type {
  CacheCapability,
  CallContext,
  HttpCapability,
  HttpJsonResponse,
  HttpRequestInit,
  HttpResponse,
  Logger,
  LogFields,
  PluginContext,
  StoreCapability,
  StoredDocument,
} from './PluginContext.js';
export {
  fail,
  isToolErrorCode,
  isToolResult,
  ok,
  TOOL_ERROR_CODES,
  type JsonObject,
  type ToolErrorCode,
  type ToolResult,
} from './ToolResult.js';
export { toolResultSchema } from './toolResultSchema.js';
export { describeSchemaErrors } from './schemaErrors.js';
export { createFetchHttp, type FetchHttpOptions } from './createFetchHttp.js';
export { KeyedMutex } from './KeyedMutex.js';
export { SDK_VERSION } from './version.js';
