#!/usr/bin/env node
import { isToolhostError } from '@toolhost/plugin-sdk';
import { isHostError } from '../errors.js';
import { runCli } from './runCli.js';

runCli(process.argv.slice(2)).then(
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
