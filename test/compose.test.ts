import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSettings, SETTINGS_VARIABLES } from '../host/src/config/loadSettings.js';

// No Docker engine runs here: this checks docker-compose.yml against the host's settings
// schema and against the files it names, so a renamed variable or file fails a test.
const REPO = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(`${REPO}${path}`, 'utf8');

interface Service {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, unknown>;
  healthcheck?: { test: string[] };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const hosts = Object.entries(services).filter(([, s]) => s.build === '.');

/** `${VAR:-default}` → default, `${VAR:?message}` → a value the variable must have; `${VAR}` refused. */
function interpolate(value: string): string {
  return String(value).replace(
    /\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g,
    (_all, name: string, kind, rest: string) => {
      if (kind === '-') return rest;
      if (kind === '?') return `required-${name.toLowerCase()}-value`;
      throw new Error(`\${${name}} has no default: compose would pass an empty value`);
    },
  );
}

describe('docker-compose.yml', () => {
  it('has two host replicas and the services they use', () => {
    expect(hosts.map(([name]) => name)).toEqual(['host-a', 'host-b']);
    for (const name of ['postgres', 'redis', 'verdaccio', 'otel-collector', 'minio']) {
      expect(services[name]?.image, name).toBeTruthy();
    }
    for (const [name, host] of hosts) {
      expect(Object.keys(host.depends_on ?? {}).sort(), name).toEqual([
        'minio',
        'otel-collector',
        'postgres',
        'redis',
        'verdaccio',
      ]);
      // Each replica its own data dir: the async audit journal is locked to one process.
      expect(host.volumes?.[0], name).toMatch(/^host-[ab]-data:\/var\/lib\/toolhost$/);
    }
    expect(new Set(hosts.map(([, h]) => h.volumes?.[0])).size).toBe(2);
    // Each replica reports under its own stable name in the fleet's drift.
    expect(new Set(hosts.map(([, h]) => h.environment?.['TOOLHOST_HOST_ID'])).size).toBe(2);
    expect(hosts.every(([, h]) => h.environment?.['DATABASE_URL'])).toBe(true);
  });

  it("sets on the hosts only variables the host's settings schema knows, with values it accepts", () => {
    for (const [name, host] of hosts) {
      const env = Object.fromEntries(
        Object.entries(host.environment ?? {}).map(([k, v]) => [k, interpolate(v)]),
      );
      const unknown = Object.keys(env).filter((k) => !SETTINGS_VARIABLES.includes(k));
      expect(unknown, `${name}: variables the host does not read`).toEqual([]);
      const settings = loadSettings(env, '/app');
      expect(settings).toMatchObject({
        host: '0.0.0.0',
        port: 8080,
        useSharedContext: true,
        redisUrl: 'redis://redis:6379',
        otlpEndpoint: 'http://otel-collector:4318',
        auditBlobs: {
          location: { kind: 's3', bucket: 'toolhost-audit', prefix: 'blobs' },
          endpoint: 'http://minio:9000',
        },
        packageRegistry: { url: 'http://verdaccio:4873/' },
      });
      expect(settings.databaseUrl).toMatch(/^postgres:\/\/toolhost:[^@]+@postgres:5432\/toolhost$/);
      // Listening beyond loopback needs a key: the admin token is required, not defaulted.
      expect(String(host.environment?.['TOOLHOST_ADMIN_TOKEN'])).toMatch(
        /^\$\{TOOLHOST_ADMIN_TOKEN:\?/,
      );
      expect(settings.apiKeys.length).toBeGreaterThan(0);
    }
  });

  it("the hosts' addresses name the services that listen there", () => {
    const [, host] = hosts[0]!;
    const env = host.environment ?? {};
    const minio = services['minio']!.environment ?? {};
    expect(env['AWS_ACCESS_KEY_ID']).toBe(minio['MINIO_ROOT_USER']);
    expect(env['AWS_SECRET_ACCESS_KEY']).toBe(minio['MINIO_ROOT_PASSWORD']);
    const postgres = services['postgres']!.environment ?? {};
    expect(env['DATABASE_URL']).toContain(
      `${postgres['POSTGRES_USER']}:${postgres['POSTGRES_PASSWORD']}@`,
    );
    const collector = parse(read('deploy/otel-collector.yaml')) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      exporters: Record<string, unknown>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    };
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(collector.service.pipelines.traces).toMatchObject({
      receivers: ['otlp'],
      exporters: ['debug'],
    });
    expect(Object.keys(collector.exporters)).toEqual(['debug']);
  });

  it('mounts files that exist: the repo registry config and the collector config', () => {
    const mounted = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .filter((v) => v.startsWith('./'))
      .map((v) => v.split(':')[0]!);
    expect(mounted.sort()).toEqual(['./deploy/otel-collector.yaml', './registry/config.yaml']);
    for (const file of mounted) expect(existsSync(`${REPO}${file.slice(2)}`), file).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds in one stage and runs in another, as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^FROM \S+ AS build$/m);
    expect(final).toContain('COPY --from=build');
    expect(final).toMatch(/^USER toolhost$/m);
    expect(final).toMatch(/useradd --system --uid 10001/);
  });

  it('checks health on /readyz and starts the host', () => {
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/readyz/m);
    expect(final).toContain('CMD ["node", "host/dist/cli/main.js", "start"]');
  });

  it('copies the package.json of every workspace before npm ci', () => {
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    for (const workspace of workspaces) {
      expect(dockerfile, workspace).toContain(`COPY ${workspace}/package.json ${workspace}/`);
    }
  });
});
