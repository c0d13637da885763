import type { ErrorRebuild } from '../protocol/wireError.js';
import type { RunnerSdk } from './servePlugin.js';

/**
 * How errors of the host's capability calls look to the plugin: a ToolError of the plugin's
 * SDK (so `isToolError` and `instanceof ToolError` hold), a coded error with the host's
 * code and message.
 */
export function runnerRebuild(sdk: RunnerSdk): ErrorRebuild {
  return {
    toolError: (code, message) => new sdk.ToolError(code as never, message),
    codedError: (code, params, message) =>
      Object.assign(new Error(message), { name: 'ToolhostError', code, params }),
  };
}
