import { ToolError } from '@toolhost/plugin-sdk';
import { ERROR_CATALOG, isToolErrorCode, ToolhostError } from '@toolhost/plugin-sdk/host';
import type { ErrorRebuild } from './protocol/wireError.js';

/**
 * How errors from a plugin's runtime are rebuilt in the host: a ToolError keeps a code of the
 * catalog (anything else is `internal`), an SDK error (a module that is no plugin) is
 * rendered from the SDK's catalog (its text from the runtime is dropped). A runtime never
 * speaks for the host: a host error code from it is no host error, only a plain Error.
 */
export const hostRebuild: ErrorRebuild = {
  toolError: (code, message) => new ToolError(isToolErrorCode(code) ? code : 'internal', message),
  codedError: (code, params) =>
    Object.hasOwn(ERROR_CATALOG, code)
      ? new ToolhostError(code as keyof typeof ERROR_CATALOG, params)
      : null,
};
