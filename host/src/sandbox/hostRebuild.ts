import { ToolError } from '@toolhost/plugin-sdk';
import { ERROR_CATALOG, isToolErrorCode, ToolhostError } from '@toolhost/plugin-sdk/host';
import { HOST_ERRORS, HostError } from '../errors.js';
import type { ErrorRebuild } from './protocol/wireError.js';

/**
 * How errors from a plugin's runtime are rebuilt in the host: a ToolError keeps a code of the
 * catalog (anything else is `internal`), a coded error is rendered from the host's own
 * catalogs (its text from the runtime is dropped), anything else stays a plain Error.
 */
export const hostRebuild: ErrorRebuild = {
  toolError: (code, message) => new ToolError(isToolErrorCode(code) ? code : 'internal', message),
  codedError: (code, params) => {
    if (Object.hasOwn(ERROR_CATALOG, code)) {
      return new ToolhostError(code as keyof typeof ERROR_CATALOG, params);
    }
    if (Object.hasOwn(HOST_ERRORS, code))
      return new HostError(code as keyof typeof HOST_ERRORS, params);
    return null;
  },
};
