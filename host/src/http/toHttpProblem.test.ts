import { ToolhostError, type ToolhostErrorCode } from '@toolhost/plugin-sdk/host';
import { describe, expect, it } from 'vitest';
import { HostError, type HostErrorCode } from '../errors.js';
import { HttpProblem } from './problem.js';
import { toHttpProblem } from './toHttpProblem.js';

describe('toHttpProblem', () => {
  it('keeps an HttpProblem as it is', () => {
    const problem = new HttpProblem('TOOLHOST_HTTP_INVALID_BODY', 'field "input" is required');
    expect(toHttpProblem(problem)).toBe(problem);
  });

  const params = { plugin: 'crm', tool: 'crm.x', file: 'crm.json', details: 'boom' };
  const host = (code: HostErrorCode) => new HostError(code, params);
  const sdk = (code: ToolhostErrorCode) => new ToolhostError(code, params);

  it.each([
    [host('TOOLHOST_ERR_PLUGIN_UNKNOWN'), 'TOOLHOST_HTTP_PLUGIN_UNKNOWN', 404],
    [host('TOOLHOST_ERR_PLUGIN_LOAD_FAILED'), 'TOOLHOST_HTTP_PLUGIN_REFUSED', 422],
    [host('TOOLHOST_ERR_SDK_INCOMPATIBLE'), 'TOOLHOST_HTTP_PLUGIN_REFUSED', 422],
    [host('TOOLHOST_ERR_MANIFEST_INVALID'), 'TOOLHOST_HTTP_PLUGIN_REFUSED', 422],
    [host('TOOLHOST_ERR_SECRET_MISSING'), 'TOOLHOST_HTTP_PLUGIN_REFUSED', 422],
    [host('TOOLHOST_ERR_DATABASE_UNAVAILABLE'), 'TOOLHOST_HTTP_UNAVAILABLE', 503],
    [host('TOOLHOST_ERR_SESSION_UNAVAILABLE'), 'TOOLHOST_HTTP_UNAVAILABLE', 503],
    [host('TOOLHOST_ERR_AUDIT_FAILED'), 'TOOLHOST_HTTP_UNAVAILABLE', 503],
    [sdk('TOOLHOST_ERR_TOOL_UNKNOWN'), 'TOOLHOST_HTTP_TOOL_UNKNOWN', 404],
    [sdk('TOOLHOST_ERR_PLUGIN_INVALID'), 'TOOLHOST_HTTP_PLUGIN_REFUSED', 422],
    [sdk('TOOLHOST_ERR_CONFIG_INVALID'), 'TOOLHOST_HTTP_PLUGIN_REFUSED', 422],
  ] as const)('maps %s to %s', (error, code, status) => {
    expect(toHttpProblem(error)).toMatchObject({ code, status });
  });

  it('does not show what a database outage says', () => {
    const problem = toHttpProblem(
      new HostError('TOOLHOST_ERR_DATABASE_UNAVAILABLE', {
        details: 'password authentication failed',
      }),
    );
    expect(problem.detail).not.toContain('password');
  });

  it('passes exposed client errors (http-errors style) through with their status', () => {
    const error = Object.assign(new Error('request timed out'), { status: 408, expose: true });
    expect(toHttpProblem(error)).toMatchObject({ code: 'TOOLHOST_HTTP_BAD_REQUEST', status: 408 });
    const large = Object.assign(new Error('too large'), { status: 413, expose: true });
    expect(toHttpProblem(large).code).toBe('TOOLHOST_HTTP_BODY_TOO_LARGE');
  });

  it.each([
    ['a plain Error', new Error('db password is hunter2')],
    ['an unexposed 4xx', Object.assign(new Error('internal detail'), { status: 400 })],
    [
      'a ToolhostError with no HTTP meaning',
      new ToolhostError('TOOLHOST_ERR_HARNESS_ASSERTION', { tool: 'x', details: 'y' }),
    ],
    [
      'a HostError with no HTTP meaning',
      new HostError('TOOLHOST_ERR_SETTINGS_INVALID', { variable: 'PORT', details: 'y' }),
    ],
    ['a string', 'oops'],
  ])('turns %s into TOOLHOST_HTTP_INTERNAL with a fixed detail', (_name, error) => {
    const problem = toHttpProblem(error);
    expect(problem).toMatchObject({
      code: 'TOOLHOST_HTTP_INTERNAL',
      status: 500,
      detail: 'the server failed to answer this request',
    });
    expect(problem.cause).toBe(error);
  });
});
