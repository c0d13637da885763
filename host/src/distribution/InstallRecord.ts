import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileDigests } from './fileDigest.js';

/**
 * What `toolhost plugins install` recorded about one installed version, in the data dir
 * (outside the plugin folder, so editing the folder cannot edit the record with it; the
 * manifest pins `filesDigest`, so editing both is caught too).
 */
export interface InstallRecord {
  package: string;
  version: string;
  /** The tarball's sha512, checked against the registry's and any pin. */
  integrity: string;
  pluginName: string;
  sdkRange: string;
  /** The range asked for at install; `plugins update` looks for newer versions in it. */
  requested: string;
  /** The registry it came from. */
  registry: string;
  /** The id of the trusted publisher key whose signature verified, or null. */
  signedBy: string | null;
  /** sha256 of every installed file, dependencies included. */
  files: FileDigests;
  /** sha256 over `files`: what the manifest pins. */
  filesDigest: string;
  /** The package-lock.json of its production dependencies, so a reinstall gets the same tree. */
  lockfile: string | null;
  installedAt: string;
}

/** Reads a record; null when there is none. An unreadable or malformed one counts as none. */
export async function readInstallRecord(file: string): Promise<InstallRecord | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<InstallRecord>;
    const shaped =
      typeof value.package === 'string' &&
      typeof value.version === 'string' &&
      typeof value.integrity === 'string' &&
      typeof value.filesDigest === 'string' &&
      typeof value.files === 'object' &&
      value.files !== null;
    return shaped ? (value as InstallRecord) : null;
  } catch {
    return null;
  }
}

/** Writes a record atomically. */
export async function writeInstallRecord(file: string, record: InstallRecord): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
