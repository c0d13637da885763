import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageClosure } from './packageClosure.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'toolhost-closure-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkg(
  dir: string,
  dependencies: Record<string, string> = {},
  peerDependencies: Record<string, string> = {},
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'x', dependencies, peerDependencies }),
  );
}

describe('packageClosure', () => {
  it('follows dependencies as the resolver finds them, symlinks to their real paths', () => {
    const plugin = join(root, 'plugins', 'crm');
    pkg(plugin, { shared: '1', hoisted: '1', missing: '1' });
    pkg(join(root, 'workspace', 'shared'), { leaf: '1' });
    mkdirSync(join(plugin, 'node_modules'), { recursive: true });
    symlinkSync(join(root, 'workspace', 'shared'), join(plugin, 'node_modules', 'shared'));
    pkg(join(root, 'node_modules', 'hoisted'));
    pkg(join(root, 'workspace', 'node_modules', 'leaf'));

    expect([...packageClosure(plugin)].sort()).toEqual(
      [
        plugin,
        join(root, 'workspace', 'shared'),
        join(root, 'node_modules', 'hoisted'),
        join(root, 'workspace', 'node_modules', 'leaf'),
      ].sort(),
    );
  });

  it('follows no dependency name that is a path, not a package', () => {
    const host = join(root, 'paths');
    pkg(host);
    pkg(join(host, 'data'));
    const plugin = join(host, 'plugins', 'installed', 'p');
    pkg(plugin, { '../../../..': '1', '@../data': '1' }, { '..': '*', 'a/../../..': '*' });
    pkg(join(host, 'plugins', 'installed', 'p', 'node_modules', 'a'));

    expect([...packageClosure(plugin)]).toEqual([plugin]);
  });

  it('within a folder: no search above it, nothing whose real path is outside it', () => {
    const host = join(root, 'within');
    const plugin = join(host, 'plugins', 'installed', 'p');
    pkg(plugin, { own: '1', linked: '1' }, { 'host-only': '*' });
    pkg(join(plugin, 'node_modules', 'own'), { nested: '1', 'host-too': '1' });
    pkg(join(plugin, 'node_modules', 'own', 'node_modules', 'nested'));
    pkg(join(host, 'node_modules', 'host-only'));
    pkg(join(host, 'node_modules', 'host-too'));
    pkg(join(host, 'elsewhere'));
    symlinkSync(join(host, 'elsewhere'), join(plugin, 'node_modules', 'linked'));

    expect([...packageClosure(plugin, new Set(), plugin)].sort()).toEqual(
      [
        plugin,
        join(plugin, 'node_modules', 'own'),
        join(plugin, 'node_modules', 'own', 'node_modules', 'nested'),
      ].sort(),
    );
    // Unbounded, as for a path plugin, the resolver's search finds all of them.
    expect(packageClosure(plugin).size).toBe(6);
  });
});
