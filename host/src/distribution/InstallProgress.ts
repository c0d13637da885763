/** What an install is doing, for a progress line on a terminal. */
export type InstallProgress =
  | { phase: 'resolving'; spec: string }
  | { phase: 'downloading'; bytes: number }
  | { phase: 'verifying'; bytes: number }
  | { phase: 'unpacking'; files: number }
  | { phase: 'installing dependencies'; count: number }
  | { phase: 'recording' };

export type ProgressListener = (progress: InstallProgress) => void;
