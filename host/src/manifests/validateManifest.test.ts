import { describe, expect, it } from 'vitest';
import { isHostError } from '../errors.js';
import { checkManifest, parseManifest } from './validateManifest.js';

const valid = {
  name: 'crm',
  enabled: false,
  source: { path: 'crm' },
  isolation: 'inline',
  config: { baseUrl: 'http://127.0.0.1:4010' },
  secrets: { apiKey: { env: 'CRM_API_KEY' } },
  permissions: { http: ['http://127.0.0.1:4010'], cache: true, store: false },
  policy: {
    timeoutMs: 2000,
    retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1000 },
    circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 10000 },
    bulkhead: { limit: 16, queue: 64 },
  },
};

function errorsOf(value: unknown): string[] {
  const result = checkManifest(value);
  if (result.ok) throw new Error('expected the manifest to be refused');
  return result.errors;
}

describe('manifest schema', () => {
  it('accepts the full example of the design and a minimal one', () => {
    expect(checkManifest(valid)).toEqual({ ok: true, manifest: valid });
    expect(checkManifest({ name: 'rag', enabled: true, source: { path: 'rag' } }).ok).toBe(true);
  });

  it('accepts a registry package source pinned to a version and integrity', () => {
    const manifest = {
      ...valid,
      source: { package: '@acme/tool-billing', version: '1.4.2', integrity: 'sha512-AbC+/9==' },
    };
    expect(checkManifest(manifest).ok).toBe(true);
  });

  it('accepts the file digest pin and process isolation an install writes, and refuses a bad pin', () => {
    const source = {
      package: '@acme/tool-billing',
      version: '1.4.2',
      integrity: 'sha512-AbC+/9==',
      filesDigest: `sha256-${'a'.repeat(43)}=`,
    };
    expect(checkManifest({ ...valid, source, isolation: 'process' }).ok).toBe(true);
    expect(checkManifest({ ...valid, source: { ...source, filesDigest: 'md5-x' } })).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('field "source.filesDigest" must match pattern')],
    });
  });

  it.each([
    ['a missing name', { ...valid, name: undefined }, 'field "name" is required'],
    ['a bad name', { ...valid, name: 'Bad Name' }, 'field "name" must match pattern'],
    ['enabled as a string', { ...valid, enabled: 'yes' }, 'field "enabled" must be boolean'],
    [
      'an unknown isolation',
      { ...valid, isolation: 'vm' },
      'field "isolation" must be one of ["inline","worker","process"]',
    ],
    ['an unknown top-level field', { ...valid, colour: 'red' }, 'field "colour" is not allowed'],
    [
      'a zero timeout',
      { ...valid, policy: { timeoutMs: 0 } },
      'field "policy.timeoutMs" must be >= 1',
    ],
    [
      'a fractional retry count',
      { ...valid, policy: { retry: { maxAttempts: 1.5 } } },
      'field "policy.retry.maxAttempts" must be integer',
    ],
    [
      'an http grant with a path',
      { ...valid, permissions: { http: ['http://x.test/api'] } },
      'field "permissions.http.0" must match pattern',
    ],
    [
      'a secret without env',
      { ...valid, secrets: { apiKey: { value: 'plain' } } },
      'field "secrets.apiKey.env" is required',
    ],
    [
      'a package source without version',
      { ...valid, source: { package: '@acme/x' } },
      'field "source.version" is required',
    ],
    [
      'a path source that is empty',
      { ...valid, source: { path: '' } },
      'field "source.path" must NOT have fewer than 1 characters',
    ],
  ])('refuses %s, naming the field', (_label, manifest, message) => {
    const errors = errorsOf(JSON.parse(JSON.stringify(manifest)));
    expect(errors.join('\n')).toContain(message);
  });

  it('a package source reports only package-shape errors', () => {
    const errors = errorsOf({ ...valid, source: { package: '@acme/x', version: 'latest' } });
    expect(errors).toEqual([
      'field "source.version" must match pattern "^\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$"',
    ]);
  });

  it('refuses something that is not an object', () => {
    expect(errorsOf([])).toEqual(['field "(root)" must be object']);
  });

  it('parseManifest throws a coded error naming the file and field', () => {
    try {
      parseManifest({ ...valid, enabled: 1 }, 'manifests/crm.json');
      expect.unreachable();
    } catch (error) {
      expect(isHostError(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'TOOLHOST_ERR_MANIFEST_INVALID',
        message: 'Manifest manifests/crm.json is invalid: field "enabled" must be boolean',
      });
    }
  });
});

describe('an MCP server source', () => {
  const mcp = (source: unknown) => ({ name: 'outside', enabled: true, source: { mcp: source } });

  it('accepts a stdio command with args and env, and a URL', () => {
    for (const source of [
      { command: 'node', args: ['server.mjs'], env: { API_BASE: 'http://x.test' } },
      { command: '/usr/bin/mcp-server' },
      { url: 'https://mcp.example.com/mcp' },
    ]) {
      expect(checkManifest(mcp(source)).ok, JSON.stringify(source)).toBe(true);
    }
  });

  it.each([
    ['neither command nor url', {}, 'field "source.mcp.command" is required'],
    [
      'both a command and a url',
      { command: 'node', url: 'http://x.test/mcp' },
      'field "source.mcp.command" is not allowed',
    ],
    [
      'a command with spaces',
      { command: 'node server.mjs' },
      'field "source.mcp.command" must match',
    ],
    ['args that are not strings', { command: 'node', args: [1] }, 'field "source.mcp.args.0"'],
    ['an env name that is no name', { command: 'node', env: { 'A-B': 'x' } }, 'source.mcp.env'],
    [
      'an env value that is no string',
      { command: 'node', env: { A: 1 } },
      'field "source.mcp.env.A"',
    ],
    ['a url that is not http', { url: 'file:///etc/passwd' }, 'field "source.mcp.url" must match'],
    [
      'an unknown field',
      { command: 'node', shell: true },
      'field "source.mcp.shell" is not allowed',
    ],
  ])('refuses %s, naming the field', (_label, source, message) => {
    expect(errorsOf(mcp(source)).join('\n')).toContain(message);
  });

  it('reports only errors of the mcp shape', () => {
    expect(errorsOf(mcp({ url: 'nope' }))).toEqual([
      'field "source.mcp.url" must match pattern "^https?://[^\\s]+$"',
    ]);
    expect(errorsOf(mcp({ command: '' }))).toEqual([
      'field "source.mcp.command" must NOT have fewer than 1 characters',
      'field "source.mcp.command" must match pattern "^\\S+$"',
    ]);
  });
});
