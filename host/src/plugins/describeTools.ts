import type { HealthStatus } from '@toolhost/plugin-sdk';
import type { ToolInvoker } from '../invocation/ToolInvoker.js';
import type { PluginStatus, ToolDescription } from './PluginStatus.js';
import type { ServedTool } from './ToolRegistry.js';

const HEALTH_TIMEOUT_MS = 1_000;

async function healthOf(tool: ServedTool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthStatus>((resolve) => {
    timer = setTimeout(() => resolve({ healthy: false }), HEALTH_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([tool.runtime.health(), timeout])).healthy;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /v1/tools`: every registered tool with its schemas and live state (health asked once per plugin). */
export async function describeTools(
  tools: readonly ServedTool[],
  statuses: readonly PluginStatus[],
  invoker: Pick<ToolInvoker, 'circuitState'>,
): Promise<ToolDescription[]> {
  const health = new Map<string, Promise<boolean>>();
  const enabled = new Set(statuses.filter((s) => s.state === 'enabled').map((s) => s.name));
  return Promise.all(
    [...tools]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(async (tool) => {
        let healthy = health.get(tool.pluginName);
        if (!healthy) {
          healthy = healthOf(tool);
          health.set(tool.pluginName, healthy);
        }
        return {
          name: tool.name,
          plugin: tool.pluginName,
          description: tool.spec.description,
          inputSchema: tool.spec.inputSchema,
          outputSchema: tool.spec.outputSchema ?? null,
          annotations: tool.spec.annotations ?? {},
          isolation: tool.runtime.report.isolation,
          sandbox: tool.runtime.report.sandbox,
          state: {
            enabled: enabled.has(tool.pluginName),
            healthy: await healthy,
            circuit: invoker.circuitState(tool.name),
          },
        };
      }),
  );
}
