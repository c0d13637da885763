import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Parser, type ReadEntry } from 'tar';
import { rawTarball } from '../../host/src/distribution/testing/rawTarball.js';
import { startRegistry, type PackageAccess } from '../../registry/src/index.js';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The environment for an npm child: ours, without the `npm_*` variables `npm test` sets (its prefix, its config). */
export function npmEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** A package's files: text, or JSON for objects. */
export type PackageFiles = Record<string, string | object>;

export interface TestRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** The publisher's bearer token. */
  token: string;
  /** An npmrc with the registry and the token, for `--userconfig`. */
  npmrc: string;
  /** A scratch folder of this registry's test file. */
  dir: string;
  storage: string;
  /** Runs the real npm (async, so the in-process registry keeps answering) against this registry. */
  npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }>;
  /** `npm publish` of a package made of `files`; resolves to its folder. */
  publish(files: PackageFiles): Promise<string>;
  /** Publishes a tarball with a version document we write ourselves (what npm sends, without npm). */
  rawPublish(manifest: Record<string, unknown>, tgz: Buffer): Promise<{ integrity: string }>;
  /** Publishes a package made of `files` through rawPublish (fast; the tarball is npm's layout). */
  publishFiles(files: PackageFiles): Promise<{ integrity: string }>;
  /** Publishes the repository's SDK with npm, after its dependencies (from the npm cache). */
  publishSdk(): Promise<void>;
  /** Publishes packages of the repository's lockfile from the npm cache `npm ci` filled, byte-identical. */
  seed(lockKey: string): Promise<void>;
  /** Adds a dist-tag with the publisher's token. */
  distTag(pkg: string, tag: string, version: string): Promise<number>;
  close(): Promise<void>;
}

async function addUser(url: string, name: string, password: string): Promise<string> {
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(`adduser ${name}: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

function toFiles(files: PackageFiles): Array<[string, string]> {
  return Object.entries(files).map(([path, content]) => [
    path,
    typeof content === 'string' ? content : JSON.stringify(content, null, 2),
  ]);
}

export async function writeFiles(root: string, files: PackageFiles): Promise<void> {
  for (const [path, content] of toFiles(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** The package.json inside an npm tarball (its root folder is `package/`, or `node/` for @types). */
function packageJsonOf(tgz: Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let found: Record<string, unknown> | null = null;
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        if (found || !/^[^/]+\/package\.json$/.test(entry.path)) return entry.resume();
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => {
          found = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        });
      },
    });
    parser.on('end', () => (found ? resolve(found) : reject(new Error('no package.json'))));
    parser.on('error', reject);
    parser.end(tgz);
  });
}

interface LockEntry {
  version: string;
  integrity?: string;
  dependencies?: Record<string, string>;
}

/** Where node would find `dep` from the package at lock key `from`. */
function resolveInLock(lock: Record<string, LockEntry>, from: string, dep: string): string {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (lock[candidate]) return candidate;
    if (base === '') throw new Error(`${dep} (needed by ${from}) is not in the lockfile`);
    const at = base.lastIndexOf('node_modules/');
    base = at === -1 ? '' : base.slice(0, at).replace(/\/$/, '');
  }
}

/** A lock key and every package it needs, by lock key. */
export function lockClosure(lock: Record<string, LockEntry>, key: string): string[] {
  const seen = new Set<string>();
  const visit = (at: string) => {
    if (seen.has(at)) return;
    seen.add(at);
    for (const dep of Object.keys(lock[at]?.dependencies ?? {}))
      visit(resolveInLock(lock, at, dep));
  };
  visit(key);
  return [...seen];
}

/** Reads a tarball out of npm's cache (cacache) by its integrity, checked. */
async function fromNpmCache(cache: string, integrity: string): Promise<Buffer> {
  const hex = Buffer.from(integrity.replace(/^sha512-/, ''), 'base64').toString('hex');
  const file = join(
    cache,
    '_cacache',
    'content-v2',
    'sha512',
    hex.slice(0, 2),
    hex.slice(2, 4),
    hex.slice(4),
  );
  const bytes = await readFile(file);
  if (createHash('sha512').update(bytes).digest('hex') !== hex)
    throw new Error(`${file} is corrupt`);
  return bytes;
}

/**
 * A real verdaccio in this process (one per test file), with a publisher. No uplinks: every
 * package a test needs is published into it, public ones from the npm cache (no network).
 */
export async function startTestRegistry(
  options: { access?: PackageAccess } = {},
): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'toolhost-registry-'));
  const registry = await startRegistry({
    dir: join(dir, 'registry'),
    logLevel: 'fatal',
    logFormat: 'json',
    ...(options.access ? { access: options.access } : {}),
  });
  const token = await addUser(registry.url, 'publisher', 'publisher-password-1');
  const npmrc = join(dir, 'npmrc');
  await writeFile(
    npmrc,
    `registry=${registry.url}\n${registry.url.replace(/^https?:/, '')}:_authToken=${token}\n`,
  );
  const cache = join(dir, 'npm-cache');
  const lock = (
    JSON.parse(await readFile(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    }
  ).packages;
  // `npm test` passes its effective cache down; outside npm, ask npm.
  const npmCache =
    process.env['npm_config_cache'] ??
    (await run('npm', ['config', 'get', 'cache'], { env: npmEnv() })).stdout;
  const seeded = new Set<string>();
  let packages = 0;

  const npm = (args: string[], cwd: string) =>
    run('npm', [...args, '--userconfig', npmrc, '--registry', registry.url, '--cache', cache], {
      cwd,
      env: npmEnv({
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
      }),
      maxBuffer: 16 * 1024 * 1024,
    });

  const rawPublish = async (manifest: Record<string, unknown>, tgz: Buffer) => {
    const name = String(manifest['name']);
    const version = String(manifest['version']);
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    const tarball = `${name}-${version}.tgz`.replace(/^@[^/]+\//, '');
    const body = {
      _id: name,
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          ...manifest,
          _id: `${name}@${version}`,
          dist: {
            integrity,
            shasum: createHash('sha1').update(tgz).digest('hex'),
            tarball: new URL(`${name}/-/${tarball}`, registry.url).href,
          },
        },
      },
      _attachments: {
        [tarball]: {
          content_type: 'application/octet-stream',
          data: tgz.toString('base64'),
          length: tgz.length,
        },
      },
    };
    const response = await fetch(new URL(name.replace('/', '%2f'), registry.url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`publishing ${name}@${version}: ${response.status} ${await response.text()}`);
    return { integrity };
  };

  const seed = async (lockKey: string) => {
    for (const key of lockClosure(lock, lockKey)) {
      const entry = lock[key] as LockEntry;
      const tgz = await fromNpmCache(npmCache.trim(), entry.integrity ?? '').catch(
        (error: unknown) => {
          throw new Error(
            `${key}@${entry.version} is not in the npm cache (run npm ci first): ${(error as Error).message}`,
          );
        },
      );
      const manifest = await packageJsonOf(tgz);
      const id = `${String(manifest['name'])}@${String(manifest['version'])}`;
      if (seeded.has(id)) continue;
      seeded.add(id);
      const { integrity } = await rawPublish(manifest, tgz);
      if (integrity !== entry.integrity) throw new Error(`${id}: seeded with another integrity`);
    }
  };

  return {
    url: registry.url,
    token,
    npmrc,
    dir,
    storage: registry.storage,
    npm,
    async publish(files) {
      const folder = join(dir, `package-${(packages += 1)}`);
      await writeFiles(folder, files);
      await npm(['publish'], folder);
      return folder;
    },
    rawPublish,
    async publishFiles(files) {
      const entries = toFiles(files).map(([path, data]) => ({ path: `package/${path}`, data }));
      const manifest = files['package.json'];
      if (typeof manifest !== 'object') throw new Error('publishFiles needs a package.json object');
      return rawPublish(manifest as Record<string, unknown>, rawTarball(entries));
    },
    async publishSdk() {
      await seed('plugin-sdk/node_modules/ajv');
      // The SDK is built already (npm test builds first); prepack would build it again.
      await npm(['publish', '-w', 'plugin-sdk', '--ignore-scripts'], REPO);
    },
    seed,
    async distTag(pkg, tag, version) {
      const response = await fetch(
        new URL(`-/package/${pkg.replace('/', '%2f')}/dist-tags/${tag}`, registry.url),
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(version),
        },
      );
      return response.status;
    },
    async close() {
      await registry.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
