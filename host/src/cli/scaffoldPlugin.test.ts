import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffoldPlugin } from './scaffoldPlugin.js';

const REGISTRY = 'http://127.0.0.1:4873/';
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
const scratchDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolhost-new-'));
  scratch.push(dir);
  return dir;
};

describe('scaffoldPlugin', () => {
  it('writes a standalone, publishable package from the crm template', async () => {
    const dir = join(scratchDir(), 'orders');
    const files = await scaffoldPlugin({ name: 'orders', dir, registryUrl: REGISTRY });
    expect(files).toEqual([
      '.gitignore',
      '.npmrc',
      'README.md',
      'manifest.json',
      'package.json',
      'src/ConnectorTool.test.ts',
      'src/ConnectorTool.ts',
      'src/index.ts',
      'src/recordSchema.ts',
      'tsconfig.json',
    ]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg).toMatchObject({
      name: 'toolhost-plugin-orders',
      toolhost: { sdk: '^1.1.0', name: 'orders' },
      peerDependencies: { '@toolhost/plugin-sdk': '^1.1.0' },
      publishConfig: { registry: REGISTRY },
    });
    expect(pkg).not.toHaveProperty('private');
    const tsconfig = readFileSync(join(dir, 'tsconfig.json'), 'utf8');
    expect(tsconfig).not.toMatch(/extends|references/);
    const test = readFileSync(join(dir, 'src/ConnectorTool.test.ts'), 'utf8');
    expect(test).not.toContain('test/support');
    expect(test).toContain("describe('orders.lookup_record'");
    expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toContain("name: 'orders'");
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toMatchObject({
      secrets: { apiKey: { env: 'ORDERS_API_KEY' } },
    });
    expect(readFileSync(join(dir, '.npmrc'), 'utf8')).toBe(`@toolhost:registry=${REGISTRY}\n`);
  });

  it('refuses a bad name, a bad package name and a folder in use', async () => {
    const root = scratchDir();
    await expect(
      scaffoldPlugin({ name: 'Orders!', dir: join(root, 'a'), registryUrl: REGISTRY }),
    ).rejects.toThrow('a plugin name is a lowercase letter');
    await expect(
      scaffoldPlugin({
        name: 'orders',
        dir: join(root, 'b'),
        registryUrl: REGISTRY,
        packageName: 'Not A Name',
      }),
    ).rejects.toThrow('is not an npm package name');
    writeFileSync(join(root, 'keep.txt'), 'mine');
    await expect(
      scaffoldPlugin({ name: 'orders', dir: root, registryUrl: REGISTRY }),
    ).rejects.toMatchObject({
      code: 'TOOLHOST_ERR_SCAFFOLD_FAILED',
      message: expect.stringContaining('the folder exists and is not empty'),
    });
    expect(readFileSync(join(root, 'keep.txt'), 'utf8')).toBe('mine');
  });
});
