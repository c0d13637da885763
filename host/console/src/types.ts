/** The shapes of the host's answers the console reads (see host/src/plugins/PluginStatus.ts). */

export type JsonSchema = Record<string, unknown>;

export interface RuntimeReport {
  isolation: string;
  sandbox: string | null;
  restarts: number;
  lastFault: string | null;
}

export interface PluginStatus {
  name: string;
  state: 'loading' | 'enabled' | 'disabled' | 'failed' | 'draining';
  manifestFile: string | null;
  version: string | null;
  isolation: string;
  tools: string[];
  error: string | null;
  runtime: RuntimeReport | null;
  updatedAt: string;
}

export interface ToolDescription {
  name: string;
  plugin: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema | null;
  annotations: Record<string, unknown>;
  isolation: string;
  sandbox: string | null;
  state: { enabled: boolean; healthy: boolean; circuit: string };
}

export interface ToolMinutes {
  tool: string;
  calls: number[];
  failures: number[];
  callsPerMinute: number;
  errorRate: number | null;
}

export interface StatsSnapshot {
  minuteMs: number;
  currentMinute: string;
  tools: ToolMinutes[];
}

export type PluginSource =
  | { kind: 'folder'; path: string }
  | {
      kind: 'registry';
      package: string;
      version: string;
      integrity: string | null;
      filesDigest: string | null;
      signedBy: string | null;
      registry: string | null;
      installedAt: string | null;
    };

export interface ManifestView {
  plugin: string;
  file: string | null;
  text: string | null;
  manifest: unknown;
  errors: Array<{ field: string | null; message: string }>;
  source: PluginSource | null;
  permissions: Record<string, unknown> | null;
}

export interface ToolResult {
  success: boolean;
  data?: unknown;
  error?: string;
  errorCode?: string;
}

export interface CallRecord {
  tool: string;
  outcome: 'success' | 'failure';
  errorCode: string | null;
  attempts: number;
  durationMs: number;
}

export interface SessionContext {
  sessionId: string;
  messageCount: number;
  failureCount: number;
  escalated: boolean;
  escalationTicketId: string | null;
  customerId: string | null;
  lastIntent: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEntry {
  id: string;
  sessionId: string;
  requestId: string;
  timestamp: string;
  messageText: string;
  toolsCalled: CallRecord[];
  selectedSources: Array<{ sourceId: string; title: string; score: number }>;
  escalationTicketId: string | null;
  piiRedacted: boolean;
  rawPayloadKey: string | null;
  traceId: string | null;
}

export interface PluginChange {
  plugin: string;
  status: PluginStatus | null;
}

export interface CircuitChange {
  tool: string;
  state: string;
}

export interface InstallProgressEvent {
  operation: 'install' | 'update';
  target: string;
  progress: { phase: string; bytes?: number; files?: number; count?: number; spec?: string };
}

export interface AgentResponse {
  reply: string;
  toolMetadata: Record<string, unknown>;
  sources: Array<{ sourceId?: string; title?: string }>;
  escalation: { ticketId?: string } | null;
  requestId: string;
  sessionId: string;
}
