import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigFile } from 'verdaccio';

/** The registry's config file in the repository (`registry/config.yaml`). */
export const CONFIG_FILE = fileURLToPath(new URL('../config.yaml', import.meta.url));

/** Who may read packages: anyone (the dev default) or only users with a token. */
export type PackageAccess = '$all' | '$authenticated';

export interface RegistryConfigOptions {
  /** The registry keeps `storage/` and `htpasswd` here (`<TOOLHOST_DATA_DIR>/registry`). */
  dir: string;
  access?: PackageAccess;
  /** `-1` closes registration; unset lets `npm adduser` create users. */
  maxUsers?: number;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'http';
  logFormat?: 'pretty' | 'json';
}

interface PackageRule {
  access: string;
  publish: string;
  unpublish: string;
}

/** The parts of a verdaccio config this repository sets. */
export interface RegistryConfig {
  self_path: string;
  storage: string;
  auth: { htpasswd: { file: string; max_users?: number } };
  packages: Record<string, PackageRule>;
  log: { type: string; format: string; level: string };
  [key: string]: unknown;
}

/**
 * `registry/config.yaml` with its paths made absolute under `options.dir`. verdaccio takes
 * `self_path` only as the base of relative paths; all of ours are absolute.
 */
export function registryConfig(options: RegistryConfigOptions): RegistryConfig {
  const parsed = parseConfigFile(CONFIG_FILE) as unknown as RegistryConfig;
  const packages = Object.fromEntries(
    Object.entries(parsed.packages).map(([pattern, rule]) => [
      pattern,
      { ...rule, access: options.access ?? rule.access },
    ]),
  );
  const htpasswd: RegistryConfig['auth']['htpasswd'] = {
    ...parsed.auth.htpasswd,
    file: join(options.dir, 'htpasswd'),
  };
  if (options.maxUsers !== undefined) htpasswd.max_users = options.maxUsers;
  return {
    ...parsed,
    self_path: join(options.dir, 'config.yaml'),
    storage: join(options.dir, 'storage'),
    auth: { ...parsed.auth, htpasswd },
    packages,
    log: {
      ...parsed.log,
      level: options.logLevel ?? parsed.log.level,
      format: options.logFormat ?? parsed.log.format,
    },
  };
}
