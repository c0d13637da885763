import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SDK_VERSION } from '@toolhost/plugin-sdk/host';
import { HostError } from '../errors.js';

/** The connector template (`host/templates/connector`), made from plugins/crm. */
const TEMPLATE = fileURLToPath(new URL('../../templates/connector/', import.meta.url));

/** The tool versions a new plugin builds and tests with: the repository's own. */
export const SCAFFOLD_DEV_DEPENDENCIES = {
  '@types/node': '24.19.2',
  typescript: '6.0.3',
  vitest: '5.1.1',
} as const;

const PLUGIN_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

export interface ScaffoldOptions {
  name: string;
  dir: string;
  /** The npm package name; `toolhost-plugin-<name>` by default. */
  packageName?: string;
  /** Where it publishes to and gets the SDK from. */
  registryUrl: string;
}

async function templateFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/**
 * Writes a new connector plugin package: the crm template's tool, schemas and harness test,
 * made standalone (its own tsconfig, a loopback stand-in server in its test, not private),
 * a package.json with `toolhost.sdk`, an .npmrc that takes `@toolhost/*` from the private
 * registry, and the operator's manifest choices. Resolves to the files written.
 * @throws HostError `TOOLHOST_ERR_SCAFFOLD_FAILED` for a bad name or a folder in use.
 */
export async function scaffoldPlugin(options: ScaffoldOptions): Promise<string[]> {
  const { name, dir, registryUrl } = options;
  const refuse = (details: string) =>
    new HostError('TOOLHOST_ERR_SCAFFOLD_FAILED', { plugin: name, dir, details });
  if (!PLUGIN_NAME.test(name)) {
    throw refuse('a plugin name is a lowercase letter, then up to 62 of a-z 0-9 _ -');
  }
  const packageName = options.packageName ?? `toolhost-plugin-${name}`;
  if (!PACKAGE_NAME.test(packageName)) throw refuse(`${packageName} is not an npm package name`);
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length > 0) throw refuse('the folder exists and is not empty');

  const env = `${name.toUpperCase().replace(/-/g, '_')}_API_KEY`;
  const fill = (text: string) =>
    text
      .replaceAll('__PLUGIN_NAME__', name)
      .replaceAll('__PACKAGE__', packageName)
      .replaceAll('__REGISTRY__', registryUrl)
      .replaceAll('__ENV__', env);
  const files = new Map<string, string>();
  for (const file of await templateFiles(TEMPLATE)) {
    const target = file === 'gitignore' ? '.gitignore' : file;
    files.set(target, fill(await readFile(join(TEMPLATE, file), 'utf8')));
  }
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  files.set(
    'package.json',
    json({
      name: packageName,
      version: '0.1.0',
      description: `A toolhost connector plugin: ${name}`,
      type: 'module',
      main: 'dist/index.js',
      exports: { '.': './dist/index.js' },
      files: ['dist', '!dist/**/*.test.*', 'README.md', 'manifest.json'],
      toolhost: { sdk: `^${SDK_VERSION}`, name },
      scripts: { build: 'tsc -p .', test: 'vitest run', prepack: 'npm run build' },
      peerDependencies: { '@toolhost/plugin-sdk': `^${SDK_VERSION}` },
      devDependencies: { '@toolhost/plugin-sdk': SDK_VERSION, ...SCAFFOLD_DEV_DEPENDENCIES },
      publishConfig: { registry: registryUrl },
    }),
  );
  files.set(
    'manifest.json',
    json({
      config: { baseUrl: 'http://127.0.0.1:4010' },
      secrets: { apiKey: { env } },
      permissions: { http: ['http://127.0.0.1:4010'] },
      policy: {
        timeoutMs: 2000,
        retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1000 },
        circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 10000 },
        bulkhead: { limit: 16, queue: 64 },
      },
    }),
  );
  files.set('.npmrc', `@toolhost:registry=${registryUrl}\n`);
  for (const [file, text] of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return [...files.keys()].sort();
}
