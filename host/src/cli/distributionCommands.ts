import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Settings } from '../config/Settings.js';
import { manifestChoicesOf, type ManifestChoices } from '../distribution/installedManifest.js';
import { PackageInstaller } from '../distribution/PackageInstaller.js';
import { PluginDistribution } from '../distribution/PluginDistribution.js';
import { publishSignature } from '../distribution/publishSignature.js';
import { generateSigningKey } from '../distribution/releaseSignatures.js';
import { HostError } from '../errors.js';
import type { ManifestStore } from '../manifests/ManifestStore.js';
import { progressLine } from './progressLine.js';
import { scaffoldPlugin } from './scaffoldPlugin.js';

export const DISTRIBUTION_USAGE = `  plugins new <name> [--dir <folder>] [--package <npm name>]
                                scaffold a connector plugin package from the crm template
  plugins install <spec> [--enable] [--manifest <file>]
                                install <name>[@<range>] from TOOLHOST_REGISTRY_URL, verified;
                                --manifest: config, secrets, permissions, policy, isolation
  plugins update <name> [<range>]
                                install the newest version in the range and switch to it
  plugins remove <name>         delete a registry plugin's manifest, folders and records
  plugins keygen <file>         write a new ed25519 signing key (PKCS#8 PEM, mode 0600)
  plugins sign <spec> --key <file>
                                sign a published release (a dist-tag; TOOLHOST_REGISTRY_TOKEN)`;

const DEFAULT_REGISTRY = 'http://127.0.0.1:4873/';

function installerOf(settings: Settings): PackageInstaller {
  return new PackageInstaller({
    pluginsDir: settings.pluginsDir,
    dataDir: settings.dataDir,
    registry: settings.packageRegistry,
  });
}

async function choicesFrom(file: string | undefined): Promise<ManifestChoices> {
  if (file === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new HostError('TOOLHOST_ERR_MANIFEST_INVALID', {
      file,
      details: `cannot be read as JSON (${(error as Error).message})`,
    });
  }
  return manifestChoicesOf(value, file);
}

function usage(line: string): number {
  console.error(`usage: toolhost ${line}`);
  return 2;
}

/**
 * The distribution subcommands of `toolhost plugins`; resolves to null for any other. They
 * work on the files (installed folders, records, manifests); a running host follows.
 */
export async function distributionCommand(
  settings: Settings,
  action: string | undefined,
  args: readonly string[],
  manifests: () => Promise<ManifestStore>,
): Promise<number | null> {
  const distributionOf = async () =>
    new PluginDistribution(installerOf(settings), await manifests());
  switch (action) {
    case 'new': {
      const { values, positionals } = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: { dir: { type: 'string' }, package: { type: 'string' } },
      });
      const [name] = positionals;
      if (!name) return usage('plugins new <name> [--dir <folder>] [--package <npm name>]');
      const dir = resolve(values.dir ?? name);
      const files = await scaffoldPlugin({
        name,
        dir,
        registryUrl: settings.packageRegistry.url ?? DEFAULT_REGISTRY,
        ...(values.package ? { packageName: values.package } : {}),
      });
      console.log(`created plugin '${name}' in ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}`);
      console.log(`next: cd ${dir} && npm install && npm run build && npm test && npm publish`);
      return 0;
    }
    case 'install': {
      const { values, positionals } = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: { enable: { type: 'boolean' }, manifest: { type: 'string' } },
      });
      const [spec] = positionals;
      if (!spec) return usage('plugins install <name>[@<range>] [--enable] [--manifest <file>]');
      const progress = progressLine();
      const installed = await (
        await distributionOf()
      )
        .install(spec, {
          enable: values.enable ?? false,
          choices: await choicesFrom(values.manifest),
          onProgress: progress.listener,
        })
        .finally(() => progress.done());
      const { record, manifest } = installed;
      console.log(`installed ${record.package}@${record.version} as plugin '${installed.name}' (${manifest.enabled ? 'enabled' : 'disabled'})
  integrity  ${record.integrity}
  files      ${Object.keys(record.files).length}, ${record.filesDigest}
  signed by  ${record.signedBy ?? 'nobody (unsigned)'}
  manifest   ${installed.manifestFile} (isolation ${manifest.isolation ?? 'inline'})`);
      console.log(
        manifest.enabled
          ? 'a running host loads it now; see GET /v1/tools or /readyz'
          : `enable it with: toolhost plugins enable ${installed.name}`,
      );
      return 0;
    }
    case 'update': {
      const [name, range] = args;
      if (!name) return usage('plugins update <name> [<range>]');
      const progress = progressLine();
      const update = await (
        await distributionOf()
      )
        .update(name, { ...(range ? { range } : {}), onProgress: progress.listener })
        .finally(() => progress.done());
      if (!update.changed) {
        console.log(`${name} is up to date (${update.to.package}@${update.to.version})`);
        return 0;
      }
      const pruned = await update.prune();
      console.log(`updated ${name}: ${update.from.version} -> ${update.to.version} (${update.to.integrity})
a running host starts ${update.to.version} beside ${update.from.version}, switches, then drains the old one${pruned.length ? `\nremoved older versions: ${pruned.join(', ')}` : ''}`);
      return 0;
    }
    case 'remove': {
      const [name] = args;
      if (!name) return usage('plugins remove <name>');
      const removal = await (await distributionOf()).remove(name);
      await removal.deleteFiles();
      console.log(
        `removed ${name} (${removal.package} ${removal.versions.join(', ') || 'no versions'})`,
      );
      return 0;
    }
    case 'keygen': {
      const [file] = args;
      if (!file) return usage('plugins keygen <file>');
      const key = generateSigningKey();
      await writeFile(file, key.privateKeyPem, { mode: 0o600, flag: 'wx' }).catch(
        (error: unknown) => {
          throw new HostError('TOOLHOST_ERR_SIGNING_KEY_INVALID', {
            key: file,
            details: `cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          });
        },
      );
      console.log(`wrote the private key to ${file} (keep it secret)
  key id      ${key.keyId}
  public key  ${key.publicKey}
trust it in a host with: TOOLHOST_TRUSTED_PUBLISHER_KEYS=${key.publicKey}`);
      return 0;
    }
    case 'sign': {
      const { values, positionals } = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: { key: { type: 'string' } },
      });
      const [spec] = positionals;
      if (!spec || !values.key) return usage('plugins sign <name>@<version> --key <file>');
      const keyFile = isAbsolute(values.key) ? values.key : resolve(values.key);
      const pem = await readFile(keyFile, 'utf8').catch((error: unknown) => {
        throw new HostError('TOOLHOST_ERR_SIGNING_KEY_INVALID', {
          key: keyFile,
          details: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        });
      });
      const installer = installerOf(settings);
      const signed = await publishSignature(installer, spec, pem, keyFile);
      console.log(`signed ${signed.package}@${signed.version} (${signed.integrity}) with key ${signed.keyId}
  dist-tag  ${signed.tag}`);
      return 0;
    }
    default:
      return null;
  }
}

/** The lines of `toolhost plugins list`: source, and for registry plugins integrity and check. */
export async function listPlugins(settings: Settings, store: ManifestStore): Promise<string[]> {
  const rows = await new PluginDistribution(installerOf(settings), store).list();
  return rows.map((row) => {
    const name = row.name.padEnd(20);
    if (row.enabled === null) return `${name} invalid   ${row.source}`;
    const state = row.enabled ? 'enabled ' : 'disabled';
    if (!row.registry) return `${name} ${state}  ${row.source}`;
    const integrity = row.integrity ? `${row.integrity.slice(0, 19)}…` : 'no integrity pinned';
    return `${name} ${state}  ${row.source}  ${integrity}  ${row.check ?? ''}`;
  });
}
