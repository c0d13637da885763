import type { Logger } from 'winston';
import type { AgentResponse, MessageRequest } from '../agent/AgentResponse.js';
import type { AuditEntry } from '../audit/AuditEntry.js';
import type { SessionContext } from '../session/SessionStore.js';
import type { Settings } from '../config/Settings.js';
import type { ToolInvoker } from '../invocation/ToolInvoker.js';
import type { PluginAdmin, PluginStatus, ToolDescription } from '../plugins/PluginStatus.js';
import type { MetricsSource } from '../telemetry/MetricsSource.js';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
  plugins: PluginStatus[];
}

/** What the Koa app needs from the rest of the host. */
export interface HttpDeps {
  settings: Pick<Settings, 'adminToken' | 'bodyLimitBytes'>;
  logger: Logger;
  tools: {
    list(): Promise<ToolDescription[]>;
    has(name: string): boolean;
    /** Plugins that failed (to load, or for crashing), with why; listed beside the tools. */
    failed?(): PluginStatus[];
  };
  invoker: ToolInvoker;
  plugins: PluginAdmin;
  readiness(): Promise<ReadinessReport>;
  /** The support agent behind `/v1/sessions/…`; those routes are absent without it. */
  agent?: {
    processMessage(request: MessageRequest): Promise<AgentResponse>;
    session(sessionId: string): Promise<SessionContext | null>;
  };
  /** The audit trail behind `GET /v1/sessions/:sessionId/audit` (admin token); absent without it. */
  audit?: {
    /** A session's entries, newest first, at most 100. */
    list(sessionId: string): Promise<AuditEntry[]>;
  };
  /** Optional: more Prometheus text for `GET /metrics`, e.g. tool call counters kept by the invoker. */
  metrics?: MetricsSource;
}
