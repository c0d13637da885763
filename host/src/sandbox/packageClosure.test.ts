import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageClosure } from './packageClosure.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'toolhost-closure-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkg(dir: string, dependencies: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', dependencies }));
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
});
