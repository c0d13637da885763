import { realpath } from 'node:fs/promises';
import type { DependencyContainer } from 'tsyringe';
import { compileToolSchemas } from '@toolhost/plugin-sdk/host';
import type { PluginRuntimeSettings } from '../config/Settings.js';
import { createPluginContainer } from '../container/createPluginContainer.js';
import { PluginContextFactory } from '../container/PluginContextFactory.js';
import { ROOT } from '../container/tokens.js';
import { HostError, isHostError } from '../errors.js';
import { resolvePolicy } from '../invocation/resolvePolicy.js';
import {
  isMcpSource,
  type Manifest,
  type McpSource,
  type PackageSource,
} from '../manifests/Manifest.js';
import { checkProcessSandbox, type SandboxCheck } from '../sandbox/checkProcessSandbox.js';
import type { Launcher } from '../sandbox/LaunchedRuntime.js';
import { processLauncher } from '../sandbox/launchProcess.js';
import { workerLauncher } from '../sandbox/launchWorker.js';
import { pluginReadPaths } from '../sandbox/readPaths.js';
import { checkDescription } from './checkDescription.js';
import { importPlugin } from './importPlugin.js';
import { InlineRuntime } from './InlineRuntime.js';
import type { LifecycleTimeouts } from './PluginRuntime.js';
import { readPluginPackage, type PluginPackage } from './readPluginPackage.js';
import { RemoteRuntime } from './RemoteRuntime.js';
import type { StartedPlugin } from './ToolRegistry.js';
import { within } from './within.js';

/** Loads and starts the plugin a manifest names; `signal` gives up on a start in progress. */
export type PluginLoader = (manifest: Manifest, signal?: AbortSignal) => Promise<StartedPlugin>;

export interface PluginLoaderDeps {
  pluginsDir: string;
  /** The root container; each load resolves its plugin's capabilities from a child of it. */
  container: DependencyContainer;
  runtime: PluginRuntimeSettings;
  /** Whether the `process` sandbox runs here (default: tried once, cached). */
  checkSandbox?: (sandbox: PluginRuntimeSettings['processSandbox']) => Promise<SandboxCheck>;
  /**
   * The tamper check of installed registry packages (PackageInstaller.verify), run before
   * any of their code is imported; without it, registry sources are refused.
   */
  installed?: InstalledPluginCheck;
}

/** Checks (and, if missing, reinstalls) an installed registry package before it loads. */
export interface InstalledPluginCheck {
  verify(plugin: string, source: PackageSource): Promise<unknown>;
}

const CRASH_WINDOW_MS = 60_000;

/**
 * The address space a `process` plugin gets: Node itself reserves about 1.25 GiB (it does
 * not start with 1.1), then room for its heap and some Buffers. It bounds what the heap
 * limit cannot: Buffers and ArrayBuffers. (WebAssembly reserves far more; such a plugin
 * needs a larger heapMb.)
 */
function addressSpaceMb(heapMb: number): number {
  return 1_536 + 2 * heapMb;
}

/**
 * The loader of manifest-driven plugins: verify an installed registry package (its files as
 * recorded at install), read the package and check its SDK range, then by
 * the manifest's isolation either import it here (`inline`) or start its runtime, where it is
 * imported (`worker`, `process`), and read what the host needs — name, tools, schemas — from the
 * runtime's answer. Either way its schemas are compiled and its context built in the host,
 * from a child container, and `create` and `initialize` run within the start timeout.
 * @throws HostError / ToolhostError with a stable code for each step that fails.
 */
export function createPluginLoader({
  pluginsDir,
  container,
  runtime: settings,
  checkSandbox = checkProcessSandbox,
  installed,
}: PluginLoaderDeps): PluginLoader {
  async function startInline(
    manifest: Manifest,
    pkg: PluginPackage,
    timeouts: LifecycleTimeouts,
    signal: AbortSignal | undefined,
  ): Promise<StartedPlugin> {
    const plugin = await within(
      importPlugin(manifest.name, pkg),
      timeouts.startTimeoutMs,
      signal,
      () =>
        new HostError('TOOLHOST_ERR_PLUGIN_TIMEOUT', {
          plugin: manifest.name,
          step: `importing ${pkg.entry}`,
          ms: timeouts.startTimeoutMs,
        }),
    );
    compileToolSchemas(plugin);
    const context = createPluginContainer(container, manifest)
      .resolve(PluginContextFactory)
      .create(plugin);
    const runtime = new InlineRuntime(plugin, context, timeouts);
    try {
      await runtime.start(signal);
    } catch (error) {
      if (isHostError(error) || signal?.aborted) throw error;
      throw new HostError(
        'TOOLHOST_ERR_PLUGIN_LOAD_FAILED',
        { plugin: manifest.name, details: `create/initialize threw: ${(error as Error).message}` },
        { cause: error },
      );
    }
    return {
      description: plugin,
      runtime,
      isolation: 'inline',
      policy: manifest.policy ?? {},
      version: pkg.version,
    };
  }

  async function startRemote(
    manifest: Manifest,
    pkg: PluginPackage,
    timeouts: LifecycleTimeouts,
    signal: AbortSignal | undefined,
  ): Promise<StartedPlugin> {
    const isolation = manifest.isolation === 'process' ? 'process' : 'worker';
    const heapMb = manifest.limits?.heapMb ?? settings.heapMb;
    let launch: Launcher;
    let sandbox: string | null = null;
    if (isolation === 'worker') {
      launch = workerLauncher(manifest.name, { heapMb });
    } else {
      sandbox = settings.processSandbox;
      const check = await checkSandbox(settings.processSandbox);
      if (!check.available) {
        throw new HostError('TOOLHOST_ERR_SANDBOX_UNAVAILABLE', {
          plugin: manifest.name,
          sandbox: settings.processSandbox,
          details: check.reason ?? 'unknown',
        });
      }
      const cwd = await realpath(pkg.dir);
      launch = processLauncher(manifest.name, {
        sandbox: settings.processSandbox,
        readPaths: pluginReadPaths(cwd, 'package' in manifest.source ? 'own-folder' : 'ancestors'),
        cwd,
        heapMb,
        addressSpaceMb: check.addressSpaceLimit ? addressSpaceMb(heapMb) : null,
      });
    }
    const contexts = createPluginContainer(container, manifest).resolve(PluginContextFactory);
    const logger = container.resolve(ROOT.Logger);
    const runtime = new RemoteRuntime({
      pluginName: manifest.name,
      isolation,
      sandbox,
      launch,
      load: { entry: await realpath(pkg.entry), pluginName: manifest.name },
      prepare(raw) {
        const description = checkDescription(manifest.name, raw);
        compileToolSchemas(description);
        return { description, context: contexts.create(description) };
      },
      callTimeoutMs: resolvePolicy(manifest.policy).timeoutMs,
      timeouts,
      hang: { graceMs: settings.hangGraceMs, heartbeatMs: settings.heartbeatMs },
      crashes: { limit: settings.crashLimit, windowMs: CRASH_WINDOW_MS },
      logger,
    });
    await runtime.start(signal);
    return {
      description: runtime.description,
      runtime,
      isolation,
      policy: manifest.policy ?? {},
      version: pkg.version,
    };
  }

  async function startMcp(
    manifest: Manifest,
    server: McpSource['mcp'],
    timeouts: LifecycleTimeouts,
    signal: AbortSignal | undefined,
  ): Promise<StartedPlugin> {
    if ((manifest.isolation ?? 'process') !== 'process') {
      throw new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
        plugin: manifest.name,
        details: `an MCP server runs outside the host: isolation '${manifest.isolation}' cannot apply (leave it out)`,
      });
    }
    const logger = container.resolve(ROOT.Logger);
    // The MCP SDK loads only for a host that mounts an MCP server.
    const [{ McpRuntime }, { mcpConnector }] = await Promise.all([
      import('./McpRuntime.js'),
      import('./connectMcpServer.js'),
    ]);
    const runtime = new McpRuntime({
      pluginName: manifest.name,
      kind: 'url' in server ? 'http' : 'stdio',
      connect: mcpConnector(manifest, server, {
        pluginsDir,
        env: container.resolve(ROOT.Env),
        logger,
        killGraceMs: timeouts.stopTimeoutMs,
      }),
      callTimeoutMs: resolvePolicy(manifest.policy).timeoutMs,
      timeouts,
      crashes: { limit: settings.crashLimit, windowMs: CRASH_WINDOW_MS },
      logger,
    });
    await runtime.start(signal);
    return {
      // The server's tools as last listed: list_changed replaces them.
      get description() {
        return runtime.description;
      },
      runtime,
      isolation: 'process',
      policy: manifest.policy ?? {},
      version: null,
    };
  }

  return async (manifest, signal) => {
    if (isMcpSource(manifest.source)) {
      return startMcp(
        manifest,
        manifest.source.mcp,
        {
          startTimeoutMs: manifest.limits?.startTimeoutMs ?? settings.startTimeoutMs,
          stopTimeoutMs: manifest.limits?.stopTimeoutMs ?? settings.stopTimeoutMs,
        },
        signal,
      );
    }
    if ('package' in manifest.source) {
      if (!installed) {
        throw new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
          plugin: manifest.name,
          details: 'registry packages cannot be verified by this loader',
        });
      }
      await installed.verify(manifest.name, manifest.source);
    }
    const pkg = await readPluginPackage(manifest, pluginsDir);
    const timeouts: LifecycleTimeouts = {
      startTimeoutMs: manifest.limits?.startTimeoutMs ?? settings.startTimeoutMs,
      stopTimeoutMs: manifest.limits?.stopTimeoutMs ?? settings.stopTimeoutMs,
    };
    return (manifest.isolation ?? 'inline') === 'inline'
      ? startInline(manifest, pkg, timeouts, signal)
      : startRemote(manifest, pkg, timeouts, signal);
  };
}
