import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * Real paths of a package folder and of every package it depends on, found as Node's
 * resolver would (`node_modules/<name>` in the folder and each ancestor), symlinks
 * followed: the permission model and the sandbox's binds see real paths, and a workspace
 * package is a symlink. A dependency that is not installed needs no grant.
 */
export function packageClosure(dir: string, into: Set<string> = new Set()): Set<string> {
  const real = realpathSync(dir);
  if (into.has(real)) return into;
  into.add(real);
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return into;
  }
  const names = Object.keys({
    ...pkg.dependencies,
    ...pkg.optionalDependencies,
    ...pkg.peerDependencies,
  });
  for (const name of names) {
    for (let at = real; ; at = dirname(at)) {
      const candidate = join(at, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        packageClosure(candidate, into);
        break;
      }
      if (dirname(at) === at) break;
    }
  }
  return into;
}
