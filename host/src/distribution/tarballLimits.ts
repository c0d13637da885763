/** What one plugin package may be; anything larger is refused before it is written anywhere. */
export interface TarballLimits {
  /** The compressed tarball, counted while it downloads. */
  maxTarballBytes: number;
  /** Entries (files and folders). */
  maxEntries: number;
  maxFileBytes: number;
  /** All files together, unpacked. */
  maxTotalBytes: number;
  /** Folders deep. */
  maxDepth: number;
  /** Unpacked bytes per compressed byte (a zip bomb compresses far better). */
  maxDecompressionRatio: number;
}

export const TARBALL_LIMITS: TarballLimits = {
  maxTarballBytes: 32 * 1024 * 1024,
  maxEntries: 2_000,
  maxFileBytes: 16 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxDepth: 32,
  maxDecompressionRatio: 200,
};
