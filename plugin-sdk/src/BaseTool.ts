import type { PluginContext } from './PluginContext.js';
import type { JsonObject } from './ToolResult.js';

export interface HealthStatus {
  healthy: boolean;
  details?: JsonObject;
}

/**
 * Base class of a plugin's tool object. Each tool the plugin declares is an async
 * method `(input, call) => Promise<ToolResult>` on the subclass.
 */
export abstract class BaseTool<TConfig extends JsonObject = JsonObject> {
  protected readonly ctx: PluginContext<TConfig>;

  constructor(ctx: PluginContext<TConfig>) {
    this.ctx = ctx;
  }

  /** Called once before the first call; open connections, warm caches. */
  async initialize(): Promise<void> {}

  /** Called once after the last call, when the plugin is disabled or the host stops. */
  async cleanup(): Promise<void> {}

  async health(): Promise<HealthStatus> {
    return { healthy: true };
  }
}
