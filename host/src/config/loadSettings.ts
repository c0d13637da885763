import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { HostError } from '../errors.js';
import { parseApiKeys, withAdminToken } from './parseApiKeys.js';
import { type BlobLocation, parseBlobUrl } from './parseBlobUrl.js';
import type {
  ApiKeySetting,
  AuditBlobSettings,
  FleetSettings,
  PackageRegistrySettings,
  PluginFlags,
  Settings,
} from './Settings.js';

const flag = { type: 'boolean' } as const;
/** One or more ed25519 public keys (32 bytes, base64), separated by commas or spaces. */
const PUBLISHER_KEYS = '^[A-Za-z0-9+/]{43}=([ ,]+[A-Za-z0-9+/]{43}=)*$';

/** Each environment variable the host reads, with its type and bounds. */
const envSchema = {
  type: 'object',
  properties: {
    HOST: { type: 'string', minLength: 1 },
    PORT: { type: 'integer', minimum: 0, maximum: 65535 },
    TOOLHOST_MANIFESTS_DIR: { type: 'string', minLength: 1 },
    TOOLHOST_PLUGINS_DIR: { type: 'string', minLength: 1 },
    TOOLHOST_DATA_DIR: { type: 'string', minLength: 1 },
    DATABASE_URL: { type: 'string', pattern: '^(sqlite:|file:|postgres(ql)?://)' },
    REDIS_URL: { type: 'string', pattern: '^rediss?://' },
    USE_SHARED_CONTEXT: flag,
    SESSION_TTL_SECONDS: { type: 'integer', minimum: 1 },
    AUDIT_WRITE_MODE: { enum: ['sync', 'async'] },
    AUDIT_INLINE_MAX_BYTES: { type: 'integer', minimum: 0 },
    AGENT_TOOL_REGISTRY_MODE: { enum: ['legacy', 'registry'] },
    ENABLE_RAG: flag,
    ENABLE_MEMORY: flag,
    ENABLE_ESCALATION: flag,
    ENABLE_CRM_TOOL: flag,
    ENABLE_BILLING: flag,
    TOOLHOST_ADMIN_TOKEN: { type: 'string', minLength: 16 },
    LOG_LEVEL: { enum: ['error', 'warn', 'info', 'debug'] },
    OTEL_EXPORTER_OTLP_ENDPOINT: { type: 'string', pattern: '^https?://' },
    OTEL_BSP_SCHEDULE_DELAY: { type: 'integer', minimum: 1, maximum: 600_000 },
    TOOLHOST_ACCEPT_TRACEPARENT: flag,
    TOOLHOST_BODY_LIMIT_BYTES: { type: 'integer', minimum: 1 },
    TOOLHOST_WATCH_MANIFESTS: flag,
    TOOLHOST_DRAIN_TIMEOUT_MS: { type: 'integer', minimum: 0 },
    TOOLHOST_PLUGIN_START_TIMEOUT_MS: { type: 'integer', minimum: 1, maximum: 600_000 },
    TOOLHOST_PLUGIN_STOP_TIMEOUT_MS: { type: 'integer', minimum: 1, maximum: 600_000 },
    TOOLHOST_PLUGIN_HEAP_MB: { type: 'integer', minimum: 16, maximum: 16_384 },
    TOOLHOST_PLUGIN_HANG_GRACE_MS: { type: 'integer', minimum: 1, maximum: 600_000 },
    TOOLHOST_PLUGIN_HEARTBEAT_MS: { type: 'integer', minimum: 10, maximum: 60_000 },
    TOOLHOST_PLUGIN_CRASH_LIMIT: { type: 'integer', minimum: 1, maximum: 1_000 },
    TOOLHOST_PROCESS_SANDBOX: { enum: ['bwrap', 'permission'] },
    TOOLHOST_API_KEYS: { type: 'string' },
    TOOLHOST_API_KEYS_FILE: { type: 'string', minLength: 1 },
    TOOLHOST_METRICS_PUBLIC: flag,
    TOOLHOST_STARTUP_TIMEOUT_MS: { type: 'integer', minimum: 0 },
    TOOLHOST_IDEMPOTENCY_TTL_SECONDS: { type: 'integer', minimum: 1 },
    TOOLHOST_REGISTRY_URL: { type: 'string', pattern: '^https?://[^\\s]+$' },
    TOOLHOST_REGISTRY_TOKEN: { type: 'string', minLength: 1 },
    TOOLHOST_REGISTRY_TIMEOUT_MS: { type: 'integer', minimum: 1 },
    TOOLHOST_REGISTRY_RETRIES: { type: 'integer', minimum: 0, maximum: 10 },
    TOOLHOST_REQUIRE_SIGNED_PLUGINS: flag,
    TOOLHOST_TRUSTED_PUBLISHER_KEYS: { type: 'string', pattern: PUBLISHER_KEYS },
    AUDIT_BLOB_URL: { type: 'string', pattern: '^s3://' },
    AWS_ENDPOINT_URL_S3: { type: 'string', pattern: '^https?://[^\\s]+$' },
    AWS_REGION: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
    AWS_ACCESS_KEY_ID: { type: 'string', minLength: 1 },
    AWS_SECRET_ACCESS_KEY: { type: 'string', minLength: 1 },
    TOOLHOST_MANIFEST_STORE: { enum: ['auto', 'files', 'database'] },
    TOOLHOST_HOST_ID: { type: 'string', pattern: '^[A-Za-z0-9._:@-]{1,128}$' },
    TOOLHOST_FLEET_RECONCILE_MS: { type: 'integer', minimum: 50, maximum: 3_600_000 },
    TOOLHOST_MCP_SESSION_IDLE_SECONDS: { type: 'integer', minimum: 1, maximum: 86_400 },
    TOOLHOST_MCP_SESSIONS_PER_KEY: { type: 'integer', minimum: 1, maximum: 10_000 },
  },
} as const;

interface Env {
  HOST?: string;
  PORT?: number;
  TOOLHOST_MANIFESTS_DIR?: string;
  TOOLHOST_PLUGINS_DIR?: string;
  TOOLHOST_DATA_DIR?: string;
  DATABASE_URL?: string;
  REDIS_URL?: string;
  USE_SHARED_CONTEXT?: boolean;
  SESSION_TTL_SECONDS?: number;
  AUDIT_WRITE_MODE?: Settings['auditWriteMode'];
  AUDIT_INLINE_MAX_BYTES?: number;
  AGENT_TOOL_REGISTRY_MODE?: Settings['registryMode'];
  ENABLE_RAG?: boolean;
  ENABLE_MEMORY?: boolean;
  ENABLE_ESCALATION?: boolean;
  ENABLE_CRM_TOOL?: boolean;
  ENABLE_BILLING?: boolean;
  TOOLHOST_ADMIN_TOKEN?: string;
  LOG_LEVEL?: Settings['logLevel'];
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_BSP_SCHEDULE_DELAY?: number;
  TOOLHOST_ACCEPT_TRACEPARENT?: boolean;
  TOOLHOST_BODY_LIMIT_BYTES?: number;
  TOOLHOST_WATCH_MANIFESTS?: boolean;
  TOOLHOST_DRAIN_TIMEOUT_MS?: number;
  TOOLHOST_PLUGIN_START_TIMEOUT_MS?: number;
  TOOLHOST_PLUGIN_STOP_TIMEOUT_MS?: number;
  TOOLHOST_PLUGIN_HEAP_MB?: number;
  TOOLHOST_PLUGIN_HANG_GRACE_MS?: number;
  TOOLHOST_PLUGIN_HEARTBEAT_MS?: number;
  TOOLHOST_PLUGIN_CRASH_LIMIT?: number;
  TOOLHOST_PROCESS_SANDBOX?: Settings['pluginRuntime']['processSandbox'];
  TOOLHOST_API_KEYS?: string;
  TOOLHOST_API_KEYS_FILE?: string;
  TOOLHOST_METRICS_PUBLIC?: boolean;
  TOOLHOST_STARTUP_TIMEOUT_MS?: number;
  TOOLHOST_IDEMPOTENCY_TTL_SECONDS?: number;
  TOOLHOST_REGISTRY_URL?: string;
  TOOLHOST_REGISTRY_TOKEN?: string;
  TOOLHOST_REGISTRY_TIMEOUT_MS?: number;
  TOOLHOST_REGISTRY_RETRIES?: number;
  TOOLHOST_REQUIRE_SIGNED_PLUGINS?: boolean;
  TOOLHOST_TRUSTED_PUBLISHER_KEYS?: string;
  AUDIT_BLOB_URL?: string;
  AWS_ENDPOINT_URL_S3?: string;
  AWS_REGION?: string;
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  TOOLHOST_MANIFEST_STORE?: 'auto' | 'files' | 'database';
  TOOLHOST_HOST_ID?: string;
  TOOLHOST_FLEET_RECONCILE_MS?: number;
  TOOLHOST_MCP_SESSION_IDLE_SECONDS?: number;
  TOOLHOST_MCP_SESSIONS_PER_KEY?: number;
}

export const SETTINGS_VARIABLES = Object.keys(envSchema.properties);

const validate = new Ajv({ allErrors: true, coerceTypes: true }).compile<Env>(envSchema);

/** A bad value as an error message may show it: secrets hidden, URL passwords masked. */
function shownValue(variable: string, value: string): string {
  if (
    variable === 'TOOLHOST_ADMIN_TOKEN' ||
    variable === 'TOOLHOST_API_KEYS' ||
    variable === 'TOOLHOST_REGISTRY_TOKEN' ||
    variable === 'AWS_SECRET_ACCESS_KEY'
  ) {
    return 'the value';
  }
  if (variable.endsWith('_URL') || variable.endsWith('_ENDPOINT')) {
    return JSON.stringify(value.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@'));
  }
  return JSON.stringify(value);
}

function variableOf(instancePath: string): string {
  return instancePath.replace(/^\//, '');
}

/** The configured keys: TOOLHOST_API_KEYS, or the file TOOLHOST_API_KEYS_FILE names, plus the admin token's. */
function apiKeysOf(e: Env, cwd: string): ApiKeySetting[] {
  if (e.TOOLHOST_API_KEYS !== undefined && e.TOOLHOST_API_KEYS_FILE !== undefined) {
    throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable: 'TOOLHOST_API_KEYS_FILE',
      details: 'set either TOOLHOST_API_KEYS or TOOLHOST_API_KEYS_FILE, not both',
    });
  }
  let keys: ApiKeySetting[] = [];
  if (e.TOOLHOST_API_KEYS !== undefined) {
    keys = parseApiKeys('TOOLHOST_API_KEYS', e.TOOLHOST_API_KEYS);
  } else if (e.TOOLHOST_API_KEYS_FILE !== undefined) {
    const file = resolve(cwd, e.TOOLHOST_API_KEYS_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
        variable: 'TOOLHOST_API_KEYS_FILE',
        details: `${JSON.stringify(file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
    }
    keys = parseApiKeys('TOOLHOST_API_KEYS_FILE', text);
  }
  const variable =
    e.TOOLHOST_API_KEYS_FILE === undefined ? 'TOOLHOST_API_KEYS' : 'TOOLHOST_API_KEYS_FILE';
  return withAdminToken(variable, keys, e.TOOLHOST_ADMIN_TOKEN ?? null);
}

/**
 * Reads the host settings from the environment. Empty values count as unset.
 * @throws HostError `TOOLHOST_ERR_SETTINGS_INVALID` naming the first bad variable.
 */
export function loadSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): Settings {
  const picked: Record<string, string> = {};
  for (const name of SETTINGS_VARIABLES) {
    const value = env[name]?.trim();
    if (value) picked[name] = value;
  }
  if (!validate(picked)) {
    const [first] = validate.errors ?? [];
    const variable = variableOf(first?.instancePath ?? '');
    throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable,
      details: `${shownValue(variable, env[variable]?.trim() ?? '')} ${first?.message ?? 'is invalid'}`,
    });
  }
  const e = picked as Env;
  const dir = (value: string | undefined, fallback: string) => {
    const path = value ?? fallback;
    return isAbsolute(path) ? path : resolve(cwd, path);
  };
  const dataDir = dir(e.TOOLHOST_DATA_DIR, 'data');
  const pluginFlags: PluginFlags = {};
  if (e.ENABLE_RAG !== undefined) pluginFlags.rag = e.ENABLE_RAG;
  if (e.ENABLE_MEMORY !== undefined) pluginFlags.memory = e.ENABLE_MEMORY;
  if (e.ENABLE_ESCALATION !== undefined) pluginFlags.escalation = e.ENABLE_ESCALATION;
  if (e.ENABLE_CRM_TOOL !== undefined) pluginFlags.crm = e.ENABLE_CRM_TOOL;
  if (e.ENABLE_BILLING !== undefined) pluginFlags.billing = e.ENABLE_BILLING;
  const useSharedContext = e.USE_SHARED_CONTEXT ?? false;
  if (useSharedContext && !e.REDIS_URL) {
    throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable: 'USE_SHARED_CONTEXT',
      details: 'true needs REDIS_URL to be set',
    });
  }
  return {
    host: e.HOST ?? '127.0.0.1',
    port: e.PORT ?? 8080,
    manifestsDir: dir(e.TOOLHOST_MANIFESTS_DIR, 'manifests'),
    pluginsDir: dir(e.TOOLHOST_PLUGINS_DIR, 'plugins'),
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${join(dataDir, 'toolhost.sqlite')}`,
    redisUrl: e.REDIS_URL ?? null,
    useSharedContext,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS ?? 86_400,
    auditWriteMode: e.AUDIT_WRITE_MODE ?? 'sync',
    auditInlineMaxBytes: e.AUDIT_INLINE_MAX_BYTES ?? 16_384,
    registryMode: e.AGENT_TOOL_REGISTRY_MODE ?? 'registry',
    pluginFlags,
    adminToken: e.TOOLHOST_ADMIN_TOKEN ?? null,
    logLevel: e.LOG_LEVEL ?? 'info',
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
    otlpExportDelayMs: e.OTEL_BSP_SCHEDULE_DELAY ?? 5_000,
    acceptTraceContext: e.TOOLHOST_ACCEPT_TRACEPARENT ?? true,
    bodyLimitBytes: e.TOOLHOST_BODY_LIMIT_BYTES ?? 1_048_576,
    watchManifests: e.TOOLHOST_WATCH_MANIFESTS ?? true,
    drainTimeoutMs: e.TOOLHOST_DRAIN_TIMEOUT_MS ?? 10_000,
    pluginRuntime: {
      startTimeoutMs: e.TOOLHOST_PLUGIN_START_TIMEOUT_MS ?? 10_000,
      stopTimeoutMs: e.TOOLHOST_PLUGIN_STOP_TIMEOUT_MS ?? 5_000,
      heapMb: e.TOOLHOST_PLUGIN_HEAP_MB ?? 256,
      hangGraceMs: e.TOOLHOST_PLUGIN_HANG_GRACE_MS ?? 1_000,
      heartbeatMs: e.TOOLHOST_PLUGIN_HEARTBEAT_MS ?? 250,
      crashLimit: e.TOOLHOST_PLUGIN_CRASH_LIMIT ?? 5,
      processSandbox: e.TOOLHOST_PROCESS_SANDBOX ?? 'bwrap',
    },
    apiKeys: apiKeysOf(e, cwd),
    metricsPublic: e.TOOLHOST_METRICS_PUBLIC ?? false,
    startupTimeoutMs: e.TOOLHOST_STARTUP_TIMEOUT_MS ?? 30_000,
    idempotencyTtlSeconds: e.TOOLHOST_IDEMPOTENCY_TTL_SECONDS ?? 86_400,
    packageRegistry: packageRegistrySettings(e),
    auditBlobs: auditBlobSettings(e),
    fleet: fleetSettings(e),
    mcp: {
      sessionIdleMs: (e.TOOLHOST_MCP_SESSION_IDLE_SECONDS ?? 1_800) * 1000,
      sessionsPerKey: e.TOOLHOST_MCP_SESSIONS_PER_KEY ?? 32,
    },
  };
}

/** `AUDIT_BLOB_URL` and the AWS SDK's standard variables for it. */
function auditBlobSettings(e: Env): AuditBlobSettings {
  let location: BlobLocation;
  try {
    location = parseBlobUrl(e.AUDIT_BLOB_URL ?? null);
  } catch (error) {
    throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable: 'AUDIT_BLOB_URL',
      details: (error as Error).message,
    });
  }
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = e;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable: accessKeyId === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY',
      details: 'set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither',
    });
  }
  return {
    location,
    endpoint: e.AWS_ENDPOINT_URL_S3 ?? null,
    region: e.AWS_REGION ?? null,
    credentials:
      accessKeyId === undefined || secretAccessKey === undefined
        ? null
        : { accessKeyId, secretAccessKey },
  };
}

/** Where the desired plugin state lives: `auto` is the database on PostgreSQL, files otherwise. */
function fleetSettings(e: Env): FleetSettings {
  const postgres = /^postgres(ql)?:\/\//.test(e.DATABASE_URL ?? '');
  const chosen = e.TOOLHOST_MANIFEST_STORE ?? 'auto';
  if (chosen === 'database' && !postgres) {
    throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable: 'TOOLHOST_MANIFEST_STORE',
      details: '"database" needs DATABASE_URL to name PostgreSQL (the fleet shares one database)',
    });
  }
  return {
    manifestStore: chosen === 'auto' ? (postgres ? 'database' : 'files') : chosen,
    hostId: e.TOOLHOST_HOST_ID ?? `${hostname()}:${process.pid}`,
    reconcileMs: e.TOOLHOST_FLEET_RECONCILE_MS ?? 5_000,
  };
}

/** `TOOLHOST_REGISTRY_*` and the signature settings. */
function packageRegistrySettings(e: Env): PackageRegistrySettings {
  const trustedPublisherKeys = (e.TOOLHOST_TRUSTED_PUBLISHER_KEYS ?? '')
    .split(/[ ,]+/)
    .filter((key) => key !== '');
  const requireSignedPlugins = e.TOOLHOST_REQUIRE_SIGNED_PLUGINS ?? false;
  if (requireSignedPlugins && trustedPublisherKeys.length === 0) {
    throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable: 'TOOLHOST_REQUIRE_SIGNED_PLUGINS',
      details: 'true needs TOOLHOST_TRUSTED_PUBLISHER_KEYS to list at least one key',
    });
  }
  const url = e.TOOLHOST_REGISTRY_URL ?? null;
  return {
    url: url === null || url.endsWith('/') ? url : `${url}/`,
    token: e.TOOLHOST_REGISTRY_TOKEN ?? null,
    timeoutMs: e.TOOLHOST_REGISTRY_TIMEOUT_MS ?? 30_000,
    retries: e.TOOLHOST_REGISTRY_RETRIES ?? 2,
    requireSignedPlugins,
    trustedPublisherKeys,
  };
}
