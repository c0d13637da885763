import pacote from 'pacote';
import { HostError } from '../errors.js';
import type { ProgressListener } from './InstallProgress.js';
import { pacoteOptions, registryFailure, type RegistryAccess } from './registryAccess.js';

/**
 * Downloads a release's tarball into memory, counting bytes against `maxBytes`. pacote checks
 * the bytes against `integrity` as the stream ends, so the buffer is returned only once they
 * matched; the handler may run again on a retry, hence a fresh buffer each time.
 * @throws HostError `TOOLHOST_ERR_INTEGRITY_MISMATCH`, `TOOLHOST_ERR_TARBALL_UNSAFE` (too
 *   large), or a registry failure.
 */
export async function fetchTarball(
  release: { name: string; version: string; integrity: string },
  access: RegistryAccess,
  maxBytes: number,
  onProgress: ProgressListener,
): Promise<Buffer> {
  const label = `${release.name}@${release.version}`;
  try {
    return await pacote.tarball.stream(
      label,
      async (stream) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > maxBytes) {
            throw new HostError('TOOLHOST_ERR_TARBALL_UNSAFE', {
              package: label,
              entry: '(archive)',
              reason: `the tarball is over the ${maxBytes}-byte limit`,
            });
          }
          chunks.push(chunk);
          onProgress({ phase: 'downloading', bytes });
        }
        return Buffer.concat(chunks);
      },
      { ...pacoteOptions(access), integrity: release.integrity },
    );
  } catch (error) {
    if (error instanceof HostError) throw error;
    if ((error as { code?: unknown }).code === 'EINTEGRITY') {
      throw new HostError(
        'TOOLHOST_ERR_INTEGRITY_MISMATCH',
        { package: label, details: `the tarball's bytes do not match ${release.integrity}` },
        { cause: error },
      );
    }
    throw registryFailure(error, access, label);
  }
}
