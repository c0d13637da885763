#!/usr/bin/env node
// The CLI's entry: checks the Node version before anything else is loaded (nodeVersion.ts
// imports nothing), so an old Node gets one clear line instead of a SyntaxError.
import { nodeVersionProblem } from './nodeVersion.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem === null) {
  const { runMain } = await import('./runMain.js');
  runMain(process.argv.slice(2));
} else {
  console.error(problem);
  process.exitCode = 1;
}
