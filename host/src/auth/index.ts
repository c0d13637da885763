export { createKeyRing, type Authentication, type AuthFailure, type KeyRing } from './KeyRing.js';
export { ANONYMOUS_PRINCIPAL, hasAnyScope, type Principal } from './Principal.js';
export { assertProtectedMode, isLoopbackAddress, isLoopbackHost } from './protectedMode.js';
export { createToolFilter, EVERY_TOOL, type FilteredTool, type ToolFilter } from './ToolFilter.js';
