import type { Logger } from 'winston';
import type { Settings } from '../config/Settings.js';
import type { ToolInvoker } from '../invocation/ToolInvoker.js';
import type { PluginAdmin, PluginStatus, ToolDescription } from '../plugins/PluginStatus.js';

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
  };
  invoker: ToolInvoker;
  plugins: PluginAdmin;
  readiness(): Promise<ReadinessReport>;
}
