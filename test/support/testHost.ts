import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../host/src/config/loadSettings.js';
import type { Settings } from '../../host/src/config/Settings.js';
import type { Manifest } from '../../host/src/manifests/Manifest.js';
import { startHost, type Host } from '../../host/src/startHost.js';
import { createCapturingLogger, type LogLine } from './capturingLogger.js';

const fixtures = new URL('../fixtures/plugins/', import.meta.url);

/** A scratch directory tree for one host: manifests, plugins and data. */
export interface HostDirs {
  root: string;
  manifestsDir: string;
  pluginsDir: string;
  dataDir: string;
  /** Copies `test/fixtures/plugins/<name>` (or a repo plugin) into the plugins dir. */
  addPlugin(fixture: string, as?: string): void;
  writeManifest(manifest: Manifest): void;
  remove(): void;
}

export function createHostDirs(): HostDirs {
  const root = mkdtempSync(join(tmpdir(), 'toolhost-test-'));
  const dirs = {
    manifestsDir: join(root, 'manifests'),
    pluginsDir: join(root, 'plugins'),
    dataDir: join(root, 'data'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return {
    root,
    ...dirs,
    addPlugin(fixture, as = fixture) {
      const source = fixture.startsWith('repo:')
        ? new URL(`../../plugins/${fixture.slice(5)}/`, import.meta.url)
        : new URL(`${fixture}/`, fixtures);
      cpSync(source, join(dirs.pluginsDir, as.replace(/^repo:/, '')), {
        recursive: true,
        filter: (path) => !path.includes('node_modules'),
      });
    },
    writeManifest(manifest) {
      const file = join(dirs.manifestsDir, `${manifest.name}.json`);
      writeFileSync(`${file}.tmp`, JSON.stringify(manifest, null, 2));
      cpSync(`${file}.tmp`, file);
      rmSync(`${file}.tmp`);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Settings for a test host: loopback, an ephemeral port, the given dirs, env overrides. */
export function testSettings(dirs: HostDirs, env: Record<string, string> = {}): Settings {
  return loadSettings({
    PORT: '0',
    LOG_LEVEL: 'info',
    TOOLHOST_MANIFESTS_DIR: dirs.manifestsDir,
    TOOLHOST_PLUGINS_DIR: dirs.pluginsDir,
    TOOLHOST_DATA_DIR: dirs.dataDir,
    TOOLHOST_DRAIN_TIMEOUT_MS: '2000',
    ...env,
  });
}

export interface TestHost {
  host: Host;
  dirs: HostDirs;
  lines: LogLine[];
  /** Resolves with the first log line (logged already or still to come) that matches. */
  lineMatching(matches: (line: LogLine) => boolean): Promise<LogLine>;
  request(
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  stop(): Promise<void>;
}

/** Boots a real host in this process on scratch dirs; call `stop()` in afterEach/afterAll. */
export async function startTestHost(
  prepare: (dirs: HostDirs) => void = () => {},
  env: Record<string, string> = {},
): Promise<TestHost> {
  const dirs = createHostDirs();
  prepare(dirs);
  const { logger, lines, lineMatching } = createCapturingLogger(env['LOG_LEVEL'] ?? 'info');
  const host = await startHost(testSettings(dirs, env), { logger });
  return {
    host,
    dirs,
    lines,
    lineMatching,
    async request(path, init) {
      const response = await fetch(`${host.url}${path}`, init);
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? (JSON.parse(text) as unknown) : null,
      };
    },
    async stop() {
      await host.stop();
      dirs.remove();
    },
  };
}
