import { readlinkSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * How a `process` plugin is confined. `bwrap`: bubblewrap (user, pid, network, IPC and UTS
 * namespaces, an empty root holding read-only binds of only what the child needs, no
 * capabilities) around Node's permission model. `permission`: the permission model alone,
 * a weaker mode an operator must choose (no network cut, same-user processes reachable).
 */
export type ProcessSandbox = 'bwrap' | 'permission';

export interface ProcessCommandOptions {
  sandbox: ProcessSandbox;
  /** Real paths the child may read (runner, SDK closure, plugin closure). */
  readPaths: readonly string[];
  /** Its working directory (the plugin's folder). */
  cwd: string;
  heapMb: number;
  /** Address space of the whole child, when `prlimit` can set it (bounds Buffers too). */
  addressSpaceMb: number | null;
  /** The script and its arguments. */
  script: readonly string[];
}

/** V8's young generation is 3 × the semi-space; the default semi-space would add ~192 MB. */
const SEMI_SPACE_MB = 8;

/** `/usr` and the merged-/usr links (`/lib` → `usr/lib`) Node's own binary needs. */
function systemBinds(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/lib', '/lib64', '/bin', '/sbin']) {
    let target: string | null = null;
    try {
      target = readlinkSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code !== 'EINVAL') throw error;
    }
    args.push(...(target === null ? ['--ro-bind', dir, dir] : ['--symlink', target, dir]));
  }
  return args;
}

function bwrapArgs(readPaths: readonly string[], cwd: string): string[] {
  const binds = new Set([dirname(realpathSync(process.execPath)), ...readPaths]);
  return [
    '--unshare-user',
    '--unshare-pid',
    '--unshare-net',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--hostname',
    'toolhost-sandbox',
    ...systemBinds(),
    ...[...binds].flatMap((path) => ['--ro-bind', path, path]),
    '--chdir',
    cwd,
  ];
}

/**
 * The command line of a confined child: `[prlimit --as=…] [bwrap … --] node --permission
 * --allow-fs-read=… <script>`. No `--allow-fs-write`, `--allow-child-process`,
 * `--allow-worker`, `--allow-addons`, `--allow-wasi` or `--allow-inspector` is ever given.
 */
export function processCommand(options: ProcessCommandOptions): { file: string; args: string[] } {
  const node = realpathSync(process.execPath);
  const nodeArgs = [
    '--permission',
    ...options.readPaths.map((path) => `--allow-fs-read=${path}`),
    `--max-old-space-size=${options.heapMb}`,
    `--max-semi-space-size=${SEMI_SPACE_MB}`,
    '--disable-sigusr1',
    ...options.script,
  ];
  const confined =
    options.sandbox === 'bwrap'
      ? ['bwrap', ...bwrapArgs(options.readPaths, options.cwd), '--', node, ...nodeArgs]
      : [node, ...nodeArgs];
  const full =
    options.addressSpaceMb === null
      ? confined
      : ['prlimit', `--as=${options.addressSpaceMb * 1024 * 1024}`, '--', ...confined];
  return { file: full[0]!, args: full.slice(1) };
}
