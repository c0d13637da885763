// The plugin author's surface: what a plugin imports. Host-only machinery lives in
// `@toolhost/plugin-sdk/host`, the test harness in `@toolhost/plugin-sdk/testing`.
export { BaseTool, type HealthStatus } from './BaseTool.js';
export { definePlugin, type ToolhostPlugin, type ToolSpec } from './definePlugin.js';
export { ensureToolAsync, syncToAsyncAdapter } from './adapters.js';
export { isToolError, isToolhostError, ToolError } from './errors.js';
export { KeyedMutex } from './KeyedMutex.js';
export type {
  CacheCapability,
  CallContext,
  HttpCapability,
  PluginContext,
  SearchCapability,
  StoreCapability,
} from './PluginContext.js';
export { fail, ok, type JsonObject, type ToolErrorCode, type ToolResult } from './ToolResult.js';
