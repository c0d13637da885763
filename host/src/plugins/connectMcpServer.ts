import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type {
  JsonSchemaValidator,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/types.js';
import { SDK_VERSION } from '@toolhost/plugin-sdk/host';
import type winston from 'winston';
import { HostError } from '../errors.js';
import type { Manifest, McpHttpServer, McpStdioServer } from '../manifests/Manifest.js';
import { McpStdioTransport } from '../sandbox/McpStdioTransport.js';
import { TokenBucket } from '../sandbox/TokenBucket.js';
import type { McpConnection } from './McpRuntime.js';

export interface McpConnectDeps {
  pluginsDir: string;
  /** Where the manifest's `secrets` are looked up (the host's environment). */
  env: Readonly<Record<string, string | undefined>>;
  logger: winston.Logger;
  /** How long closing a stdio server waits after SIGTERM before SIGKILL. */
  killGraceMs?: number;
}

const clientInfo = { name: 'toolhost', version: SDK_VERSION };

/**
 * The SDK client would check `structuredContent` against the output schema itself and throw;
 * the call wrapper checks it instead (`invalid_output`, which trips no breaker), once.
 */
const wrapperValidates: jsonSchemaValidator = {
  getValidator<T>(): JsonSchemaValidator<T> {
    return (input) => ({ valid: true, data: input as T, errorMessage: undefined });
  },
};

function newClient(): Client {
  return new Client(clientInfo, { jsonSchemaValidator: wrapperValidates });
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The program a stdio server runs: `node` is the host's own Node; a path is taken as it is
 * (relative to the plugins dir); a bare name is looked up on the host's PATH here, since
 * the child gets no PATH unless its manifest names one.
 */
export function resolveCommand(
  plugin: string,
  command: string,
  pluginsDir: string,
  path: string | undefined,
): string {
  if (command === 'node') return process.execPath;
  if (isAbsolute(command)) return command;
  if (command.includes('/')) return resolve(pluginsDir, command);
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, command))) return join(dir, command);
  }
  throw new HostError('TOOLHOST_ERR_MCP_CONNECT_FAILED', {
    plugin,
    details: `command '${command}' is not on the host's PATH`,
  });
}

/** The child's whole environment: the manifest's `env`, then its `secrets` by name. */
function childEnv(
  manifest: Manifest,
  server: McpStdioServer,
  env: McpConnectDeps['env'],
): Record<string, string> {
  const child: Record<string, string> = { ...server.env };
  for (const [secret, ref] of Object.entries(manifest.secrets ?? {})) {
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new HostError('TOOLHOST_ERR_SECRET_MISSING', {
        plugin: manifest.name,
        secret,
        env: ref.env,
      });
    }
    child[secret] = value;
  }
  return child;
}

function stdioConnector(
  manifest: Manifest,
  server: McpStdioServer,
  deps: McpConnectDeps,
): () => Promise<McpConnection> {
  const command = resolveCommand(manifest.name, server.command, deps.pluginsDir, deps.env['PATH']);
  const env = childEnv(manifest, server, deps.env);
  // A server that floods stderr does not flood the host's log.
  const output = new TokenBucket(200, 400);
  return async () => {
    const transport = new McpStdioTransport({
      command,
      args: server.args ?? [],
      env,
      cwd: deps.pluginsDir,
      killGraceMs: deps.killGraceMs ?? 2_000,
      onStderr: (line) => {
        if (output.take()) {
          deps.logger.info('plugin output', { plugin: manifest.name, stream: 'stderr', line });
        }
      },
    });
    const client = newClient();
    try {
      await client.connect(transport);
    } catch (error) {
      transport.kill();
      throw error;
    }
    const ended = transport.exited.then(
      ({ code, signal }) =>
        `its MCP server process exited (${signal === null ? `code ${String(code)}` : signal})`,
    );
    return { client, ended, close: () => client.close() };
  };
}

/** The origin of `url` when `permissions.http` grants it. */
function grantedOrigin(manifest: Manifest, url: URL): boolean {
  return (manifest.permissions?.http ?? []).some((grant) => {
    try {
      return new URL(grant).origin === url.origin;
    } catch {
      return false;
    }
  });
}

function httpConnector(manifest: Manifest, server: McpHttpServer): () => Promise<McpConnection> {
  const url = new URL(server.url);
  if (!grantedOrigin(manifest, url)) {
    throw new HostError('TOOLHOST_ERR_MCP_ORIGIN_NOT_GRANTED', {
      plugin: manifest.name,
      origin: url.origin,
    });
  }
  // Every request, redirects included, stays on the granted origin.
  const guarded: FetchLike = (target, init) => {
    const to = new URL(target);
    if (to.origin !== url.origin) {
      return Promise.reject(
        new Error(`the MCP server sent the host to ${to.origin}, which is not granted`),
      );
    }
    return fetch(to, { ...init, redirect: 'manual' });
  };
  return async () => {
    const client = newClient();
    let closed!: (why: string) => void;
    const ended = new Promise<string>((resolve) => (closed = resolve));
    await client.connect(new StreamableHTTPClientTransport(url, { fetch: guarded }));
    client.onclose = () => closed('the connection to its MCP server closed');
    return { client, ended, close: () => client.close() };
  };
}

/**
 * Connects to the MCP server a manifest's `source.mcp` names, as an MCP client.
 * @throws HostError `TOOLHOST_ERR_MCP_ORIGIN_NOT_GRANTED` for a URL whose origin
 *   `permissions.http` does not grant, `TOOLHOST_ERR_MCP_CONNECT_FAILED` for a command not
 *   found, `TOOLHOST_ERR_SECRET_MISSING` for a secret not set (before anything starts).
 */
export function mcpConnector(
  manifest: Manifest,
  server: McpStdioServer | McpHttpServer,
  deps: McpConnectDeps,
): () => Promise<McpConnection> {
  return 'url' in server ? httpConnector(manifest, server) : stdioConnector(manifest, server, deps);
}
