#!/usr/bin/env node
console.error('toolhost: the host runtime is not built yet (see the open host-runtime issue).');
process.exitCode = 1;
