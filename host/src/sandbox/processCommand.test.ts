import { describe, expect, it } from 'vitest';
import { processCommand } from './processCommand.js';

const base = {
  readPaths: ['/srv/runner', '/srv/plugins/crm'],
  cwd: '/srv/plugins/crm',
  heapMb: 128,
  addressSpaceMb: null,
  script: ['/srv/runner/childEntry.js', 'file:///sdk/index.js'],
};

describe('processCommand', () => {
  it('runs node under bubblewrap with every namespace, no capabilities and only read-only binds', () => {
    const { file, args } = processCommand({ ...base, sandbox: 'bwrap' });
    expect(file).toBe('bwrap');
    for (const flag of [
      '--unshare-user',
      '--unshare-pid',
      '--unshare-net',
      '--unshare-ipc',
      '--unshare-uts',
      '--disable-userns',
      '--die-with-parent',
      '--new-session',
    ]) {
      expect(args).toContain(flag);
    }
    expect(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2)).toEqual([
      '--cap-drop',
      'ALL',
    ]);
    expect(args.filter((a) => a === '--bind' || a === '--dev-bind')).toEqual([]);
    expect(args.join(' ')).toContain('--ro-bind /srv/plugins/crm /srv/plugins/crm');
    expect(args.slice(args.indexOf('--chdir'), args.indexOf('--chdir') + 2)).toEqual([
      '--chdir',
      '/srv/plugins/crm',
    ]);
  });

  it('gives node the permission model with reads of the granted paths only, and nothing else allowed', () => {
    for (const sandbox of ['bwrap', 'permission'] as const) {
      const { args } = processCommand({ ...base, sandbox });
      const node = args.slice(args.indexOf('--permission'));
      expect(node.filter((a) => a.startsWith('--allow-'))).toEqual([
        '--allow-fs-read=/srv/runner',
        '--allow-fs-read=/srv/plugins/crm',
      ]);
      expect(node).toEqual(
        expect.arrayContaining(['--max-old-space-size=128', '--max-semi-space-size=8']),
      );
      expect(node.slice(-2)).toEqual(base.script);
    }
    expect(processCommand({ ...base, sandbox: 'permission' }).args).not.toContain('--unshare-net');
  });

  it('bounds the address space with prlimit when asked', () => {
    const { file, args } = processCommand({ ...base, sandbox: 'bwrap', addressSpaceMb: 1_792 });
    expect([file, args[0], args[1], args[2]]).toEqual([
      'prlimit',
      `--as=${1_792 * 1024 * 1024}`,
      '--',
      'bwrap',
    ]);
  });
});
