import { open } from 'node:fs/promises';

/**
 * fsyncs a folder, so a file just created or renamed in it survives a power loss.
 * Platforms that cannot open a folder for syncing (Windows) are left alone.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (isUnsupported(error)) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!isUnsupported(error)) throw error;
  } finally {
    await handle.close();
  }
}

function isUnsupported(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL';
}
