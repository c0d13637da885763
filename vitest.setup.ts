// A warning nobody expected (a deprecation, an experimental API, a listener leak) fails the run.
process.on('warning', (warning) => {
  throw new Error(`Unexpected process warning: ${warning.name}: ${warning.message}`);
});
