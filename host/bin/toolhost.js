#!/usr/bin/env node
// The `toolhost` bin. It exists before the first build, so `npm ci` links it; the CLI itself
// is host/dist/cli/main.js, which `npm run build` makes.
import('../dist/cli/main.js').catch((error) => {
  if (
    error?.code === 'ERR_MODULE_NOT_FOUND' &&
    String(error.message).includes('dist/cli/main.js')
  ) {
    console.error('toolhost: the host is not built yet; run npm run build first');
    process.exitCode = 1;
    return;
  }
  throw error;
});
