import { isToolhostError } from '@toolhost/plugin-sdk';
import { isHostError } from '../errors.js';
import { runCli } from './runCli.js';

/** Runs the CLI for `args` and sets the exit code; a coded error is printed without a stack trace. */
export function runMain(args: readonly string[]): void {
  runCli(args).then(
    (code) => {
      if (code !== null) process.exitCode = code;
    },
    (error: unknown) => {
      console.error(
        `toolhost: ${isToolhostError(error) || isHostError(error) ? `${error.code}: ${error.message}` : String((error as Error).stack ?? error)}`,
      );
      process.exitCode = 1;
    },
  );
}
