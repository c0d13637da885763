import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * A name npm could have installed: one path segment, or `@scope/` and one, neither starting
 * with a period. Anything else (`../..`, `@../x`, `a/b`) is a path, not a package, and the
 * package.json that lists it may be a stranger's.
 */
const PACKAGE_NAME = /^(?:@[a-z0-9~-][\w.~-]*\/)?[a-z0-9~-][\w.~-]*$/i;

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/**
 * Real paths of a package folder and of every package it depends on, found as Node's
 * resolver would (`node_modules/<name>` in the folder and each ancestor), symlinks
 * followed: the permission model and the sandbox's binds see real paths, and a workspace
 * package is a symlink. A dependency that is not installed needs no grant. With `within`
 * (a real path), the search stops at that folder and nothing whose real path is outside it
 * is added: a registry install's dependencies are all in its own folder, and its
 * package.json must not name the host's packages into its grant.
 */
export function packageClosure(
  dir: string,
  into: Set<string> = new Set(),
  within: string | null = null,
): Set<string> {
  const real = realpathSync(dir);
  if (into.has(real) || (within !== null && !inside(real, within))) return into;
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
  }).filter((name) => PACKAGE_NAME.test(name));
  for (const name of names) {
    for (let at = real; within === null || inside(at, within); at = dirname(at)) {
      const candidate = join(at, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        packageClosure(candidate, into, within);
        break;
      }
      if (dirname(at) === at) break;
    }
  }
  return into;
}
