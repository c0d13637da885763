import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { createMemoryCacheBackend } from '../cache/createMemoryCacheBackend.js';
import { createRootContainer } from '../container/createRootContainer.js';
import type { Database } from '../db/Database.js';
import { openDatabase } from '../db/openDatabase.js';
import { loadSettings } from '../config/loadSettings.js';
import { isHostError } from '../errors.js';
import type { Manifest } from '../manifests/Manifest.js';
import { describeWithProcessSandbox } from '../../../test/support/processSandbox.js';
import { createPluginLoader, type PluginLoader } from './createPluginLoader.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/plugins/', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'toolhost-loader-'));
let database: Database;
let load: PluginLoader;

beforeAll(async () => {
  database = await openDatabase(`sqlite:${join(dataDir, 'db.sqlite')}`);
  const container = createRootContainer({
    logger: createCapturingLogger().logger,
    database,
    cache: createMemoryCacheBackend(),
  });
  load = createPluginLoader({
    pluginsDir: FIXTURES,
    container,
    runtime: loadSettings({}).pluginRuntime,
  });
});

afterAll(async () => {
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const parity: Manifest = {
  name: 'parity',
  enabled: true,
  source: { path: 'parity' },
  permissions: { store: true },
  policy: { timeoutMs: 1_500 },
};

const call = { requestId: 'r', sessionId: null, attempt: 1 } as const;

describe('createPluginLoader', () => {
  it('starts a plugin on capabilities resolved from the root container it was given', async () => {
    const started = await load(parity);
    try {
      expect(started).toMatchObject({
        isolation: 'inline',
        policy: { timeoutMs: 1_500 },
        version: '1.0.0',
      });
      const logger = createCapturingLogger().logger;
      const signal = new AbortController().signal;
      await expect(
        started.runtime.invoke('use_store', {}, { ...call, signal, logger }),
      ).resolves.toMatchObject({ success: true });
      const rows = await database.orm.em
        .getConnection()
        .execute(`select "key" from "plugin_document" where "plugin" = 'parity'`);
      expect(rows).toEqual([{ key: 'k' }]);
    } finally {
      await started.runtime.stop(100);
    }
  });

  it('starts a worker plugin on the same capabilities', async () => {
    const started = await load({ ...parity, isolation: 'worker' });
    try {
      expect(started).toMatchObject({ isolation: 'worker', version: '1.0.0' });
      expect(started.runtime.report).toMatchObject({ isolation: 'worker', restarts: 0 });
      expect(Object.keys(started.description.tools)).toContain('use_store');
      const logger = createCapturingLogger().logger;
      const signal = new AbortController().signal;
      await expect(
        started.runtime.invoke('use_store', {}, { ...call, signal, logger }),
      ).resolves.toMatchObject({ success: true });
      const rows = await database.orm.em
        .getConnection()
        .execute(`select "key" from "plugin_document" where "plugin" = 'parity'`);
      expect(rows).toEqual([{ key: 'k' }]);
    } finally {
      await started.runtime.stop(100);
    }
  });

  it('refuses isolation process with a coded error where its sandbox does not run', async () => {
    const refusing = createPluginLoader({
      pluginsDir: FIXTURES,
      container: createRootContainer({
        logger: createCapturingLogger().logger,
        database,
        cache: createMemoryCacheBackend(),
      }),
      runtime: loadSettings({}).pluginRuntime,
      checkSandbox: async () => ({
        available: false,
        reason: 'bwrap: Creating new namespace failed: No space left on device',
        addressSpaceLimit: false,
      }),
    });
    const error = await refusing({ ...parity, isolation: 'process' }).catch((e: unknown) => e);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_SANDBOX_UNAVAILABLE');
    expect((error as Error).message).toBe(
      "Plugin 'parity' needs isolation 'process', but its sandbox (bwrap) does not run on this machine: bwrap: Creating new namespace failed: No space left on device",
    );
  });

  it.each([
    [
      'a missing source folder',
      { ...parity, source: { path: 'nowhere' } },
      `Plugin 'parity' could not be loaded: source folder ${join(FIXTURES, 'nowhere')} does not exist`,
    ],
  ])('refuses %s with a coded error', async (_label, manifest, message) => {
    const error = await load(manifest).catch((e: unknown) => e);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_PLUGIN_LOAD_FAILED');
    expect((error as Error).message).toBe(message);
  });
});

describeWithProcessSandbox('createPluginLoader with the process sandbox', () => {
  it('starts a process plugin in its sandbox, and reports the sandbox in force', async () => {
    const started = await load({ ...parity, isolation: 'process' });
    try {
      expect(started.runtime.report).toMatchObject({ isolation: 'process', sandbox: 'bwrap' });
      const logger = createCapturingLogger().logger;
      const signal = new AbortController().signal;
      await expect(
        started.runtime.invoke('show_config', {}, { ...call, signal, logger }),
      ).resolves.toMatchObject({ success: true, data: { config: { region: 'eu' } } });
    } finally {
      await started.runtime.stop(100);
    }
  });
});
