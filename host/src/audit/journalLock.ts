import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { auditFailed } from './auditFailed.js';

const LOCK_FILE = 'journal.lock';
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Claims the journal in `dir` for this process: two writers would delete each other's
 * segments. A lock left by a process that is gone (a crash) is taken over.
 * @throws HostError `TOOLHOST_ERR_AUDIT_FAILED` when this process or another live one holds it.
 */
export async function acquireJournalLock(dir: string): Promise<void> {
  const file = join(dir, LOCK_FILE);
  if (heldHere.has(dir)) {
    throw auditFailed(`the audit journal ${dir} is in use`, 'this process has it open already');
  }
  try {
    await writeFile(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw auditFailed(
        `the audit journal ${dir} is in use`,
        `process ${owner} holds ${file}; one host per data dir, or delete the file if that process is not a toolhost`,
      );
    }
    await writeFile(file, String(process.pid));
  }
  heldHere.add(dir);
}

export async function releaseJournalLock(dir: string): Promise<void> {
  if (!heldHere.delete(dir)) return;
  await rm(join(dir, LOCK_FILE), { force: true });
}
