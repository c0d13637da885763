import 'reflect-metadata';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container } from 'tsyringe';
import { afterAll, describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { describeWithProcessSandbox } from '../../../test/support/processSandbox.js';
import { loadSettings } from '../config/loadSettings.js';
import { createMemoryCacheBackend } from '../cache/createMemoryCacheBackend.js';
import { createRootContainer } from '../container/createRootContainer.js';
import { openDatabase } from '../db/openDatabase.js';
import type { Manifest, PackageSource } from '../manifests/Manifest.js';
import { createPluginLoader } from './createPluginLoader.js';

const runtime = loadSettings({}).pluginRuntime;

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A plugins dir with one installed-looking package whose top-level code leaves a marker. */
function pluginsDir(): { dir: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'toolhost-loader-registry-'));
  scratch.push(dir);
  const marker = join(dir, 'CODE-RAN');
  const pkg = join(dir, 'installed', '@acme+plugin-x@1.0.0');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: '@acme/plugin-x',
      version: '1.0.0',
      type: 'module',
      toolhost: { sdk: '^1.0.0' },
    }),
  );
  writeFileSync(
    join(pkg, 'index.js'),
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default {};\n`,
  );
  return { dir, marker };
}

const manifest = (isolation: NonNullable<Manifest['isolation']>): Manifest => ({
  name: 'x',
  enabled: true,
  source: { package: '@acme/plugin-x', version: '1.0.0' },
  isolation,
});

describe('the loader and registry packages', () => {
  it('runs the installed-package check before reading or importing anything of it', async () => {
    const { dir, marker } = pluginsDir();
    const checked: Array<[string, PackageSource]> = [];
    const refused = new Error('file index.js was changed after install');
    const load = createPluginLoader({
      pluginsDir: dir,
      container,
      runtime,
      installed: {
        verify: async (plugin, source) => {
          checked.push([plugin, source]);
          throw refused;
        },
      },
    });
    await expect(load(manifest('inline'))).rejects.toBe(refused);
    expect(checked).toEqual([['x', { package: '@acme/plugin-x', version: '1.0.0' }]]);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a registry package when it has no check to run', async () => {
    const { dir, marker } = pluginsDir();
    const load = createPluginLoader({ pluginsDir: dir, container, runtime });
    await expect(load(manifest('inline'))).rejects.toThrow(
      'registry packages cannot be verified by this loader',
    );
    expect(existsSync(marker)).toBe(false);
  });
});

describeWithProcessSandbox('the loader and registry packages in process isolation', () => {
  it('imports a process plugin only in its sandbox: its top-level code runs there, where its write is refused', async () => {
    const { dir, marker } = pluginsDir();
    const database = await openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    const load = createPluginLoader({
      pluginsDir: dir,
      container: createRootContainer({
        logger: createCapturingLogger().logger,
        database,
        cache: createMemoryCacheBackend(),
      }),
      runtime,
      installed: { verify: async () => undefined },
    });
    try {
      await expect(load(manifest('process'))).rejects.toThrow(
        'Access to this API has been restricted',
      );
      expect(existsSync(marker)).toBe(false);
    } finally {
      await database.close();
    }
  });
});
