import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { HostError } from '../errors.js';
import { nerfDart, type RegistryAccess } from './registryAccess.js';

const run = promisify(execFile);

/** The host hands every plugin its own copy of the SDK; a plugin never installs one. */
const HOST_PROVIDED = new Set(['@toolhost/plugin-sdk']);

export interface DependencyInstall {
  /** The resolved tree, recorded so a reinstall gets exactly it (`npm ci`). */
  lockfile: string;
}

const TAG = /^[A-Za-z][A-Za-z0-9._-]*$/;

/**
 * The plugin's `dependencies` and `optionalDependencies` but the SDK, each a registry spec:
 * a git, file, link, alias or URL spec would make npm fetch from elsewhere than the registry.
 * @throws HostError `TOOLHOST_ERR_PACKAGE_INVALID` naming the first other spec.
 */
export function productionDependencies(
  pkg: Record<string, unknown>,
  label: string,
): Record<string, string> {
  const wanted: Record<string, string> = {};
  for (const field of ['dependencies', 'optionalDependencies']) {
    const deps = pkg[field];
    if (typeof deps !== 'object' || deps === null) continue;
    for (const [name, range] of Object.entries(deps as Record<string, unknown>)) {
      if (HOST_PROVIDED.has(name)) continue;
      if (typeof range !== 'string' || (semver.validRange(range) === null && !TAG.test(range))) {
        throw new HostError('TOOLHOST_ERR_PACKAGE_INVALID', {
          package: label,
          details: `its dependency ${name} is ${JSON.stringify(range)}, not a version range of the registry`,
        });
      }
      wanted[name] = range;
    }
  }
  return wanted;
}

/**
 * Every package of an npm lockfile must come from the registry: a transitive git or URL
 * dependency would not.
 * @returns the first package resolved elsewhere, with where from; null if none.
 */
export function resolvedElsewhere(lockfile: string, registryUrl: string): string | null {
  const { packages = {} } = JSON.parse(lockfile) as {
    packages?: Record<string, { resolved?: string; link?: boolean }>;
  };
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '') continue;
    if (entry.link === true) return `${path} (a link)`;
    if (typeof entry.resolved !== 'string' || !entry.resolved.startsWith(registryUrl)) {
      return `${path} (from ${entry.resolved ?? 'nowhere recorded'})`;
    }
  }
  return null;
}

/**
 * Installs a plugin's production dependencies into `<pluginDir>/node_modules` with no
 * lifecycle script run, from the host's registry only. npm runs in a staging folder whose
 * package.json holds only those dependencies (npm would resolve the plugin's dev and peer
 * dependencies too, which the registry need not have), through an async child process
 * (npm's CPU and memory stay out of the host) whose environment is only PATH and HOME (no
 * host secret reaches it); the registry token goes in a 0600 npmrc that is removed after.
 * Resolves to null when there is nothing to install.
 * @throws HostError `TOOLHOST_ERR_DEPENDENCIES_FAILED` with npm's error lines.
 */
export async function installDependencies(
  pluginDir: string,
  staging: string,
  access: RegistryAccess,
  label: string,
  lockfile: string | null,
): Promise<DependencyInstall | null> {
  const pkg = JSON.parse(await readFile(join(pluginDir, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const dependencies = productionDependencies(pkg, label);
  if (Object.keys(dependencies).length === 0) return null;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(
      join(staging, 'package.json'),
      JSON.stringify({
        name: 'toolhost-plugin-dependencies',
        version: '0.0.0',
        private: true,
        dependencies,
      }),
    );
    if (lockfile !== null) await writeFile(join(staging, 'package-lock.json'), lockfile);
    const npmrc = join(staging, '.npmrc-host');
    // No global or scope-specific registries either: only the one it was given.
    const globalrc = join(staging, '.npmrc-global');
    await writeFile(globalrc, '');
    const auth =
      access.token === null ? '' : `${nerfDart(access.url)}:_authToken=${access.token}\n`;
    await writeFile(npmrc, `registry=${access.url}\n${auth}`, { mode: 0o600 });
    const args = [
      lockfile === null ? 'install' : 'ci',
      '--omit=dev',
      '--omit=peer',
      '--ignore-scripts',
      '--no-bin-links',
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      '--loglevel=error',
      `--userconfig=${npmrc}`,
      `--globalconfig=${globalrc}`,
      `--registry=${access.url}`,
      `--cache=${access.cacheDir}`,
      `--fetch-timeout=${access.timeoutMs}`,
      `--fetch-retries=${access.retries}`,
    ];
    try {
      await run('npm', args, {
        cwd: staging,
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? staging },
        maxBuffer: 8 * 1024 * 1024,
        timeout: Math.max(120_000, access.timeoutMs * (access.retries + 1) * 4),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new HostError(
          'TOOLHOST_ERR_DEPENDENCIES_FAILED',
          { package: label, details: 'npm is not on the PATH of the host' },
          { cause: error },
        );
      }
      const output =
        String((error as { stderr?: unknown }).stderr ?? '') || (error as Error).message;
      const lines = output
        .split('\n')
        .filter((line) => /err/i.test(line))
        .slice(0, 4)
        .join(' | ');
      throw new HostError(
        'TOOLHOST_ERR_DEPENDENCIES_FAILED',
        { package: label, details: lines || output.trim().slice(0, 400) || 'npm failed' },
        { cause: error },
      );
    }
    const resolved = await readFile(join(staging, 'package-lock.json'), 'utf8');
    const elsewhere = resolvedElsewhere(resolved, access.url);
    if (elsewhere !== null) {
      throw new HostError('TOOLHOST_ERR_DEPENDENCIES_FAILED', {
        package: label,
        details: `${elsewhere} does not come from the registry ${access.url}`,
      });
    }
    await rm(join(pluginDir, 'node_modules'), { recursive: true, force: true });
    await rename(join(staging, 'node_modules'), join(pluginDir, 'node_modules'));
    return { lockfile: resolved };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
