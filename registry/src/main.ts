#!/usr/bin/env node
// `npm run registry`: the development registry on 127.0.0.1:$TOOLHOST_REGISTRY_PORT (4873),
// storage under $TOOLHOST_DATA_DIR/registry, until Ctrl-C.
import { isAbsolute, join, resolve } from 'node:path';
import { startRegistry } from './startRegistry.js';

function portOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 4873;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`TOOLHOST_REGISTRY_PORT must be a port number, not ${JSON.stringify(value)}`);
  }
  return port;
}

const dataDir = process.env['TOOLHOST_DATA_DIR']?.trim() || 'data';
const dir = join(isAbsolute(dataDir) ? dataDir : resolve(dataDir), 'registry');
try {
  const registry = await startRegistry({
    dir,
    port: portOf(process.env['TOOLHOST_REGISTRY_PORT']),
  });
  console.log(`toolhost registry (verdaccio) on ${registry.url}
  storage   ${registry.storage}
  a user    npm adduser --registry ${registry.url}
  the host  TOOLHOST_REGISTRY_URL=${registry.url}
Ctrl-C stops it.`);
  const stop = () => void registry.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE'
      ? 'toolhost registry: the port is in use; set TOOLHOST_REGISTRY_PORT to another one'
      : `toolhost registry: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
