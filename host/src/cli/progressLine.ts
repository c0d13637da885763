import type { InstallProgress, ProgressListener } from '../distribution/InstallProgress.js';

function kilobytes(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

export function describeProgress(progress: InstallProgress): string {
  switch (progress.phase) {
    case 'resolving':
      return `resolving ${progress.spec}`;
    case 'downloading':
      return `downloading ${kilobytes(progress.bytes)}`;
    case 'verifying':
      return `verifying ${kilobytes(progress.bytes)} (sha512)`;
    case 'unpacking':
      return `unpacking ${progress.files} entries`;
    case 'installing dependencies':
      return `installing ${progress.count} dependencies (scripts disabled)`;
    case 'recording':
      return 'recording a digest of every file';
  }
}

/** One line on a terminal, rewritten as an install goes; nothing when `stream` is not a TTY. */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): {
  listener: ProgressListener;
  done(): void;
} {
  if (!stream.isTTY) return { listener: () => {}, done: () => {} };
  let shown = false;
  return {
    listener: (progress) => {
      shown = true;
      stream.write(`\r\x1b[2K${describeProgress(progress)}`);
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
