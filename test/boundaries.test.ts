// Dependencies point one way (STYLE.md, "Boundaries"). This file is where the order is
// written down; the README's layout section lists the same order, and a test keeps the two
// in step.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST_SRC = join(ROOT, 'host', 'src');
const SDK_SRC = join(ROOT, 'plugin-sdk', 'src');

/**
 * `host/src`, top to bottom: each folder (or top-level file) imports only from itself and
 * from those listed after it.
 */
const HOST_LAYERS = [
  'cli',
  'index.ts',
  'startHost.ts',
  'startup',
  'http',
  'mcp',
  'auth',
  'agent',
  'audit',
  'fleet',
  'plugins',
  'sandbox',
  'container',
  'invocation',
  'session',
  'distribution',
  'manifests',
  'db',
  'cache',
  'redis',
  'pii',
  'telemetry',
  'config',
  'errors.ts',
] as const;

/** What a plugin may import of the SDK; everything else of it is for the host only. */
const PLUGIN_FACING_SDK = new Set(['@toolhost/plugin-sdk', '@toolhost/plugin-sdk/testing']);

interface Arrow {
  specifier: string;
  /** The file it resolves to, for relative specifiers. */
  to: string | null;
}

/** A source file and its text. */
interface Source {
  path: string;
  text: string;
}

function sourceFiles(dir: string, extensions = ['.ts']): Source[] {
  const found: Source[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path, extensions));
    else if (extensions.some((ext) => name.endsWith(ext)) && !name.endsWith('.d.ts'))
      found.push({ path, text: readFileSync(path, 'utf8') });
  }
  return found;
}

/** Every import, `export … from`, dynamic `import('…')` and `import type` of a file. */
function arrowsOf({ path, text }: Source): Arrow[] {
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName: specifier }) => ({
    specifier,
    to: specifier.startsWith('.')
      ? resolve(dirname(path), specifier).replace(/\.js$/, '.ts')
      : null,
  }));
}

const rel = (file: string) => relative(ROOT, file).split(sep).join('/');

/** The host layer a file belongs to: its first path segment under host/src (`x.test.ts` is `x.ts`'s). */
function hostLayerOf(file: string): string | null {
  const inside = relative(HOST_SRC, file);
  if (inside.startsWith('..')) return null;
  return inside.split(sep)[0]?.replace(/\.test\.ts$/, '.ts') ?? null;
}

/** Arrows inside host/src that point up (or sideways into a layer that is not listed). */
function hostViolations(files: readonly Source[]): string[] {
  const rank = new Map<string, number>(HOST_LAYERS.map((layer, i) => [layer, i]));
  const problems: string[] = [];
  for (const source of files) {
    const file = source.path;
    const from = hostLayerOf(file);
    if (from === null) continue;
    const fromRank = rank.get(from);
    if (fromRank === undefined) {
      problems.push(`${rel(file)}: host/src/${from} is not in HOST_LAYERS`);
      continue;
    }
    for (const arrow of arrowsOf(source)) {
      if (arrow.specifier === '@toolhost/host' || arrow.specifier.startsWith('@toolhost/host/')) {
        problems.push(`${rel(file)} imports ${arrow.specifier}: the host never imports itself`);
      }
      if (arrow.to === null) continue;
      const to = hostLayerOf(arrow.to);
      if (to === null || to === from) continue;
      const toRank = rank.get(to);
      if (toRank === undefined || toRank < fromRank) {
        problems.push(
          `${rel(file)} imports ${rel(arrow.to)}: ${from} may import only from ${HOST_LAYERS.slice(fromRank + 1).join(', ')}`,
        );
      }
    }
  }
  return problems;
}

/** The SDK's own parts: the root export, then `host/` (host-only) and `testing/` above it. */
function sdkPartOf(file: string): 'root' | 'host' | 'testing' {
  const first = relative(SDK_SRC, file).split(sep)[0];
  return first === 'host' || first === 'testing' ? first : 'root';
}

const SDK_MAY_IMPORT: Record<ReturnType<typeof sdkPartOf>, ReadonlySet<string>> = {
  root: new Set(['root']),
  host: new Set(['root', 'host']),
  testing: new Set(['root', 'host', 'testing']),
};

function sdkViolations(files: readonly Source[]): string[] {
  const problems: string[] = [];
  for (const source of files) {
    const file = source.path;
    const part = sdkPartOf(file);
    for (const arrow of arrowsOf(source)) {
      if (arrow.to === null) {
        if (arrow.specifier.startsWith('@toolhost/')) {
          problems.push(`${rel(file)} imports ${arrow.specifier}: the SDK depends on no host`);
        }
        continue;
      }
      if (relative(SDK_SRC, arrow.to).startsWith('..')) {
        problems.push(`${rel(file)} imports ${rel(arrow.to)}, outside the SDK`);
      } else if (!file.endsWith('.test.ts') && !SDK_MAY_IMPORT[part].has(sdkPartOf(arrow.to))) {
        // Unit tests sit beside the code but use it as a plugin author would, harness included.
        problems.push(`${rel(file)} imports ${rel(arrow.to)}: the SDK's ${part} part may not`);
      }
    }
  }
  return problems;
}

/** Plugins see the SDK's root and `./testing` only, and nothing of the host. */
function pluginViolations(files: readonly Source[]): string[] {
  const problems: string[] = [];
  for (const source of files) {
    const file = source.path;
    for (const arrow of arrowsOf(source)) {
      const sdk =
        arrow.specifier === '@toolhost/plugin-sdk' ||
        arrow.specifier.startsWith('@toolhost/plugin-sdk/');
      if (sdk && !PLUGIN_FACING_SDK.has(arrow.specifier)) {
        problems.push(`${rel(file)} imports ${arrow.specifier}, which is for the host only`);
      }
      if (arrow.specifier.startsWith('@toolhost/host')) {
        problems.push(`${rel(file)} imports ${arrow.specifier}: plugins never see the host`);
      }
      const into = arrow.to === null ? null : rel(arrow.to);
      if (into?.startsWith('host/') || into?.startsWith('plugin-sdk/')) {
        problems.push(`${rel(file)} imports ${into}: plugins reach the SDK by its package name`);
      }
    }
  }
  return problems;
}

const pluginFiles = () => [
  ...readdirSync(join(ROOT, 'plugins')).flatMap((name) =>
    sourceFiles(join(ROOT, 'plugins', name), ['.ts', '.js']),
  ),
  ...sourceFiles(join(ROOT, 'test', 'fixtures', 'plugins'), ['.js']),
];

describe('dependencies point one way', () => {
  it('every folder of host/src imports only from the layers below it', () => {
    expect(hostViolations(sourceFiles(HOST_SRC))).toEqual([]);
  });

  it('every folder and top-level file of host/src has its place in the order', () => {
    const present = readdirSync(HOST_SRC)
      .filter((name) => statSync(join(HOST_SRC, name)).isDirectory() || name.endsWith('.ts'))
      .map((name) => name.replace(/\.test\.ts$/, '.ts'));
    expect(present.filter((name) => !(HOST_LAYERS as readonly string[]).includes(name))).toEqual(
      [],
    );
  });

  it('the SDK depends on no host, and its root export on neither of its subpaths', () => {
    expect(sdkViolations(sourceFiles(SDK_SRC))).toEqual([]);
  });

  it('plugins import the SDK by name, its root and ./testing only, and nothing of the host', () => {
    expect(pluginViolations(pluginFiles())).toEqual([]);
  });

  it('the README lists the same layer order', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const layout = readme.slice(readme.indexOf('## Layout'));
    const block = /```\n([\s\S]*?)```/.exec(layout.slice(layout.indexOf('host/src/')))?.[1] ?? '';
    const listed = block
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0]?.replace(/\/$/, ''))
      .filter((name): name is string => name !== undefined && name !== '');
    expect(listed).toEqual([...HOST_LAYERS]);
  });

  it('fails when an arrow points back up, and names it', () => {
    const at = (path: string, text: string): Source => ({ path: join(ROOT, path), text });
    expect(
      hostViolations([
        at('host/src/invocation/x.ts', "import type { HttpDeps } from '../http/HttpDeps.js';"),
        at('host/src/db/x.ts', "export { auditFailed } from '../audit/auditFailed.js';"),
        at('host/src/audit/x.ts', "const m = await import('../db/openDatabase.js');"),
        at('host/src/elsewhere/x.ts', ''),
      ]),
    ).toEqual([
      'host/src/invocation/x.ts imports host/src/http/HttpDeps.ts: invocation may import only from session, distribution, manifests, db, cache, redis, pii, telemetry, config, errors.ts',
      'host/src/db/x.ts imports host/src/audit/auditFailed.ts: db may import only from cache, redis, pii, telemetry, config, errors.ts',
      'host/src/elsewhere/x.ts: host/src/elsewhere is not in HOST_LAYERS',
    ]);
    expect(
      pluginViolations([
        at('plugins/x/index.js', "import { createFetchHttp } from '@toolhost/plugin-sdk/host';"),
      ]),
    ).toEqual(['plugins/x/index.js imports @toolhost/plugin-sdk/host, which is for the host only']);
  });
});
