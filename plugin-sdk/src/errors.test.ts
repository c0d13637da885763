import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isToolError, isToolhostError, ToolError, ToolhostError } from './errors.js';
import type * as errorsModule from './errors.js';

const copyDir = mkdtempSync(join(tmpdir(), 'toolhost-sdk-copy-'));
afterAll(() => rmSync(copyDir, { recursive: true, force: true }));

type ErrorsModule = typeof errorsModule;

async function importSecondCopy(): Promise<ErrorsModule> {
  cpSync(new URL('.', import.meta.url), copyDir, { recursive: true });
  return (await import(pathToFileURL(join(copyDir, 'errors.ts')).href)) as ErrorsModule;
}

describe('errors', () => {
  it('renders the catalog template with its parameters', () => {
    const error = new ToolhostError('TOOLHOST_ERR_CONFIG_INVALID', {
      plugin: 'crm',
      details: 'field "baseUrl" is required',
    });
    expect(error.message).toBe(
      'Configuration of plugin \'crm\' is invalid: field "baseUrl" is required',
    );
    expect(error.code).toBe('TOOLHOST_ERR_CONFIG_INVALID');
  });

  it('guards recognise errors thrown by a second copy of the SDK', async () => {
    const second = await importSecondCopy();
    expect(second.ToolhostError).not.toBe(ToolhostError);
    const foreignHostError = new second.ToolhostError('TOOLHOST_ERR_TOOL_UNKNOWN', { tool: 'x.y' });
    const foreignToolError = new second.ToolError('not_found', 'gone');
    expect(foreignHostError).not.toBeInstanceOf(ToolhostError);
    expect(isToolhostError(foreignHostError)).toBe(true);
    expect(isToolError(foreignToolError)).toBe(true);
    expect(second.isToolError(new ToolError('timeout', 'slow'))).toBe(true);
  });

  it('guards refuse look-alikes', () => {
    expect(isToolhostError(new Error('x'))).toBe(false);
    expect(isToolError({ toolErrorCode: 'not_found' })).toBe(false);
    expect(isToolError(new ToolhostError('TOOLHOST_ERR_TOOL_UNKNOWN', { tool: 'a' }))).toBe(false);
    expect(isToolhostError(null)).toBe(false);
  });
});
