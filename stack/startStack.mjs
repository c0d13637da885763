// The topology of docker-compose.yml, on loopback, from npm packages and this machine's
// PostgreSQL and Redis: two host processes sharing one PostgreSQL database (created for the
// stack, dropped when it stops), one Redis (sessions, cache), a verdaccio with the repo's
// registry config, a loopback OTLP/HTTP receiver in the collector's place, and s3rver as the
// S3 store of large audit payloads. Every port is 0 (free) unless asked otherwise.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(REPO, 'host/dist/cli/main.js');
const require = createRequire(import.meta.url);

/** Host settings an operator may pass through to both hosts from the stack's environment. */
const PASSED_THROUGH = [
  'AUDIT_WRITE_MODE',
  'AUDIT_INLINE_MAX_BYTES',
  'SESSION_TTL_SECONDS',
  'LOG_LEVEL',
  'AGENT_TOOL_REGISTRY_MODE',
  'ENABLE_RAG',
  'ENABLE_MEMORY',
  'ENABLE_ESCALATION',
  'ENABLE_CRM_TOOL',
];

async function importBuilt(path) {
  try {
    return await import(join(REPO, path));
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(`${path} is missing: run npm run build first`, { cause: error });
    }
    throw error;
  }
}

function maskPassword(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

async function startS3(directory, port) {
  const S3rver = require('s3rver');
  const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory });
  const address = await server.run();
  return { endpoint: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/** Starts `toolhost start` and resolves once it logged its listening line. */
function startHostProcess(name, env, onLine) {
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  let pending = '';
  return new Promise((resolve, reject) => {
    let url = null;
    const onData = (chunk) => {
      pending += chunk.toString();
      let end;
      while ((end = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        onLine(name, line);
        if (url === null && line.includes('"toolhost listening"')) {
          url = JSON.parse(line).url;
          resolve({
            name,
            url,
            child,
            async stop() {
              if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
              return exited;
            },
          });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => onLine(name, chunk.toString().trimEnd()));
    void exited.then((code) => {
      if (url === null) reject(new Error(`host ${name} exited with ${code} before listening`));
    });
  });
}

function copyManifests(to) {
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(join(REPO, 'manifests'))) {
    if (file.endsWith('.json')) copyFileSync(join(REPO, 'manifests', file), join(to, file));
  }
}

/**
 * Starts the stack. Options: `databaseUrl` (an admin URL of the PostgreSQL to create the
 * stack's database in), `redisUrl`, `hostPorts` ([a, b]), `env` (the environment whose
 * PASSED_THROUGH settings reach the hosts), `onLine(host, line)` for the hosts' output.
 * Resolves with where everything listens and `stop()`.
 */
export async function startStack(options = {}) {
  const env = options.env ?? process.env;
  const onLine = options.onLine ?? (() => {});
  const [hostPortA, hostPortB] = options.hostPorts ?? [0, 0];
  const root = mkdtempSync(join(tmpdir(), 'toolhost-stack-'));
  const stops = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`stack: stopping: ${error?.message ?? error}`);
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const { createPostgresDatabase } = await importBuilt('host/dist/db/createPostgresDatabase.js');
    const { startOtlpReceiver } = await importBuilt('host/dist/telemetry/startOtlpReceiver.js');
    const { startRegistry } = await importBuilt('registry/dist/index.js');

    const database = await createPostgresDatabase(
      options.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/test',
      { prefix: 'toolhost_stack_' },
    );
    stops.push(() => database.drop());
    const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';

    const otlp = await startOtlpReceiver({ port: options.otlpPort ?? 0 });
    stops.push(() => otlp.stop());
    const s3 = await startS3(join(root, 's3'), options.s3Port ?? 0);
    stops.push(() => s3.close());
    const registry = await startRegistry({
      dir: join(root, 'registry'),
      port: options.registryPort ?? 0,
    });
    stops.push(() => registry.close());

    const adminToken = `stack-admin-${randomBytes(12).toString('hex')}`;
    const clientKey = `stack-client-${randomBytes(12).toString('hex')}`;
    const shared = {
      ...Object.fromEntries(
        ['PATH', 'HOME', 'TMPDIR', 'LANG'].flatMap((k) =>
          process.env[k] ? [[k, process.env[k]]] : [],
        ),
      ),
      HOST: '127.0.0.1',
      TOOLHOST_PLUGINS_DIR: join(REPO, 'plugins'),
      TOOLHOST_WATCH_MANIFESTS: 'true',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      USE_SHARED_CONTEXT: 'true',
      AUDIT_BLOB_URL: 's3://toolhost-audit/stack',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      TOOLHOST_REGISTRY_URL: registry.url,
      TOOLHOST_ADMIN_TOKEN: adminToken,
      TOOLHOST_API_KEYS: JSON.stringify([
        { name: 'stack-client', key: clientKey, scopes: ['messages', 'tools'] },
      ]),
    };
    for (const name of PASSED_THROUGH) if (env[name]) shared[name] = env[name];

    const hosts = [];
    // One after the other: the first applies the migrations, the second finds them applied.
    for (const [name, port] of [
      ['a', hostPortA],
      ['b', hostPortB],
    ]) {
      const dir = join(root, `host-${name}`);
      copyManifests(join(dir, 'manifests'));
      const host = await startHostProcess(
        name,
        {
          ...shared,
          PORT: String(port),
          TOOLHOST_MANIFESTS_DIR: join(dir, 'manifests'),
          TOOLHOST_DATA_DIR: join(dir, 'data'),
        },
        onLine,
      );
      stops.push(() => host.stop());
      hosts.push(host);
    }

    return {
      hosts: hosts.map((h) => h.url),
      postgres: maskPassword(database.url),
      redis: maskPassword(redisUrl),
      registry: registry.url,
      otlp: otlp.endpoint,
      s3: { endpoint: s3.endpoint, bucket: 'toolhost-audit', prefix: 'stack' },
      adminToken,
      clientKey,
      hostProcesses: hosts,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
