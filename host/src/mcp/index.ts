export { createMcpServer, type McpServerDeps, type McpRequestInfo } from './createMcpServer.js';
export { McpSessions, type McpSession, type McpSessionSettings } from './McpSessions.js';
export type { McpListedTool, McpToolSource } from './McpToolSource.js';
export { METADATA_KEY, toCallToolResult } from './toCallToolResult.js';
export { TOOL_FAILURE_SCHEMA, toMcpTool } from './toMcpTool.js';
export { registryToolSource } from './registryToolSource.js';
