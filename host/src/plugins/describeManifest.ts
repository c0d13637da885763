import { readInstallRecord } from '../distribution/InstallRecord.js';
import { installLayout, recordFileOf } from '../distribution/installedPaths.js';
import type { ManifestPermissions } from '../manifests/Manifest.js';
import { checkManifest } from '../manifests/validateManifest.js';

/** One validation error of a manifest, with the field it is about when it names one. */
export interface ManifestFieldError {
  /** Dotted path such as `policy.timeoutMs`; null for errors about the whole file. */
  field: string | null;
  message: string;
}

export type PluginSource =
  | { kind: 'folder'; path: string }
  | {
      kind: 'registry';
      package: string;
      version: string;
      integrity: string | null;
      filesDigest: string | null;
      /** The trusted publisher key whose signature verified at install; null when unsigned. */
      signedBy: string | null;
      registry: string | null;
      installedAt: string | null;
    };

/** A plugin's manifest as the console shows it: the file, what it parses to, what is wrong with it. */
export interface ManifestView {
  plugin: string;
  file: string | null;
  text: string | null;
  /** The parsed JSON (valid or not); null when the file cannot be read or parsed. */
  manifest: unknown;
  errors: ManifestFieldError[];
  source: PluginSource | null;
  permissions: ManifestPermissions | null;
}

const FIELD = /^field "([^"]*)"/;

function fieldErrors(errors: readonly string[]): ManifestFieldError[] {
  return errors.map((message) => ({ field: FIELD.exec(message)?.[1] ?? null, message }));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringOr = (value: unknown): string | null => (typeof value === 'string' ? value : null);

async function sourceOf(
  manifest: Record<string, unknown>,
  dirs: { pluginsDir: string; dataDir: string },
): Promise<PluginSource | null> {
  const source = manifest['source'];
  if (!isObject(source)) return null;
  if (typeof source['path'] === 'string') return { kind: 'folder', path: source['path'] };
  const pkg = stringOr(source['package']);
  const version = stringOr(source['version']);
  if (pkg === null || version === null) return null;
  const record = await readInstallRecord(
    recordFileOf(installLayout(dirs.pluginsDir, dirs.dataDir), pkg, version),
  ).catch(() => null);
  return {
    kind: 'registry',
    package: pkg,
    version,
    integrity: stringOr(source['integrity']) ?? record?.integrity ?? null,
    filesDigest: stringOr(source['filesDigest']),
    signedBy: record?.signedBy ?? null,
    registry: record?.registry ?? null,
    installedAt: record?.installedAt ?? null,
  };
}

/**
 * Reads the manifest of a plugin where it is stored and checks it against the schema (the
 * same check the manifests watcher makes), with its source resolved against the install records.
 */
export async function describeManifest(
  plugin: string,
  file: string | null,
  dirs: { pluginsDir: string; dataDir: string },
  /** The manifest store's `readText`: the stored text of the plugin's manifest, or null. */
  readText: (plugin: string) => Promise<string | null>,
): Promise<ManifestView> {
  const view: ManifestView = {
    plugin,
    file,
    text: null,
    manifest: null,
    errors: [],
    source: null,
    permissions: null,
  };
  if (file === null) return view;
  let text: string | null;
  try {
    text = await readText(plugin);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ...view, errors: [{ field: null, message: `cannot be read (${code})` }] };
  }
  if (text === null) return { ...view, errors: [{ field: null, message: 'is not stored' }] };
  view.text = text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = `not valid JSON (${(error as Error).message})`;
    return { ...view, errors: [{ field: null, message }] };
  }
  view.manifest = value;
  const checked = checkManifest(value);
  if (!checked.ok) view.errors = fieldErrors(checked.errors);
  else if (checked.manifest.name !== plugin) {
    view.errors = [
      { field: 'name', message: `field "name" must match the file name ("${plugin}")` },
    ];
  }
  if (isObject(value)) {
    view.source = await sourceOf(value, dirs);
    if (isObject(value['permissions']))
      view.permissions = value['permissions'] as ManifestPermissions;
  }
  return view;
}
