import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSettings } from '../host/src/config/loadSettings.js';
import { createSqlRunner } from '../host/src/db/createSqlRunner.js';
import { createScratchPostgres } from '../host/src/db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../host/src/db/testing/ScratchDatabase.js';
import { startHost, type Host } from '../host/src/startHost.js';
import { bearer, keysEnv, type TestKey } from './support/apiKeys.js';
import { REPO_PLUGINS_DIR } from './support/builtinPlugins.js';
import { createCapturingLogger } from './support/capturingLogger.js';
import { describeWithPostgres, postgresUrl } from './support/services.js';

const REPO_MANIFESTS_DIR = fileURLToPath(new URL('../manifests/', import.meta.url));
const OPS: TestKey = {
  name: 'ops',
  key: 'ops-key-for-console-fleet-0123456789',
  scopes: ['admin'],
};

describeWithPostgres('the console’s manifest viewer on database manifests', () => {
  let root: string;
  let scratch: ScratchDatabase;
  let host: Host;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'toolhost-console-fleet-'));
    scratch = await createScratchPostgres(postgresUrl());
    const manifestsDir = join(root, 'manifests');
    mkdirSync(manifestsDir);
    for (const plugin of ['rag', 'escalation']) {
      copyFileSync(
        join(REPO_MANIFESTS_DIR, `${plugin}.json`),
        join(manifestsDir, `${plugin}.json`),
      );
    }
    const settings = loadSettings({
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: scratch.url,
      TOOLHOST_MANIFESTS_DIR: manifestsDir,
      TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
      TOOLHOST_DATA_DIR: join(root, 'data'),
      TOOLHOST_FLEET_RECONCILE_MS: '600000',
      ...keysEnv(OPS),
    });
    expect(settings.fleet.manifestStore).toBe('database');
    host = await startHost(settings, { logger: createCapturingLogger().logger });
  });
  afterAll(async () => {
    await host?.stop();
    await scratch?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  const view = async (plugin: string) => {
    const response = await fetch(`${host.url}/v1/admin/plugins/${plugin}/manifest`, {
      headers: bearer(OPS),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      file: string | null;
      text: string | null;
      manifest: { name?: string } | null;
      errors: { field: string | null; message: string }[];
    };
  };

  it('shows the row a plugin was applied from, not a missing file', async () => {
    const rag = await view('rag');
    expect(rag.file).toBe('plugin_manifest/rag');
    expect(JSON.parse(rag.text ?? 'null')).toMatchObject({ name: 'rag', enabled: true });
    expect(rag.errors).toEqual([]);
  });

  it('puts the error of a row the schema refuses on its field', async () => {
    await createSqlRunner(host.database.orm).all(
      `update "plugin_manifest" set "manifest" = jsonb_set("manifest", '{policy,timeoutMs}', '0') where "name" = ?`,
      ['escalation'],
    );
    const escalation = await view('escalation');
    expect(escalation.manifest).toMatchObject({ name: 'escalation', policy: { timeoutMs: 0 } });
    expect(escalation.errors.map((error) => error.field)).toContain('policy.timeoutMs');
  });
});
