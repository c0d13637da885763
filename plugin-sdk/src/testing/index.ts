export {
  createPluginHarness,
  type HarnessCallOptions,
  type HarnessOptions,
  type PluginHarness,
  type PluginPermissions,
} from './createPluginHarness.js';
export { createMemoryCache } from './createMemoryCache.js';
export { createMemorySearch } from './createMemorySearch.js';
export { createMemoryStore } from './createMemoryStore.js';
export { createRecordingLogger, type LogRecord } from './createRecordingLogger.js';
