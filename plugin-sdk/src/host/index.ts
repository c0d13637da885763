// For the host only; plugins must not import it (the host refuses to resolve it for
// them). It holds what the host needs beyond the plugin author's surface: the error
// catalog, the ToolResult schema, the fetch capability, the SDK version, and the rules
// the host and the `./testing` harness both apply to a plugin.
export {
  ERROR_CATALOG,
  hasBrand,
  renderMessage,
  ToolhostError,
  type ToolhostErrorCode,
} from '../errors.js';
export {
  isToolhostPlugin,
  type JsonSchema,
  type PluginDescription,
  type PluginDefinition,
  type ToolAnnotations,
  type ToolInstance,
  type ToolMethod,
} from '../definePlugin.js';
export type {
  HttpJsonResponse,
  HttpRequestInit,
  HttpResponse,
  LogFields,
  Logger,
  SearchDocument,
  SearchHit,
  SearchQueryOptions,
  StoredDocument,
} from '../PluginContext.js';
export { isToolErrorCode, isToolResult, TOOL_ERROR_CODES } from '../ToolResult.js';
export { toolResultSchema } from '../toolResultSchema.js';
export {
  compileToolSchemas,
  PLUGIN_SCHEMA_OPTIONS,
  type CompiledToolSchemas,
} from './compileToolSchemas.js';
export { createFetchHttp, type FetchHttpOptions } from './createFetchHttp.js';
export {
  createPluginContext,
  resolvePluginConfig,
  type PluginContextParts,
  type PluginPermissions,
} from './createPluginContext.js';
export { describeSchemaErrors } from './describeSchemaErrors.js';
export {
  checkSearchDocuments,
  checkSearchIds,
  checkSearchOptions,
  checkSearchText,
  SEARCH_LIMITS,
  type CheckedQuery,
} from './checkSearchInput.js';
export { makeSearchSnippet } from './makeSearchSnippet.js';
export { searchTerms, termStem } from './searchTerms.js';
export { SDK_VERSION } from './version.js';
