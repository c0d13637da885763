import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isHostError } from '../errors.js';
import { loadSettings } from './loadSettings.js';
import { maskSettings } from './maskSettings.js';
import { sha256Hex } from './parseApiKeys.js';

const WEB_KEY = 'web-secret-key-0123456789';
const AGENT_KEY = 'agent-secret-key-0123456789';

function refusal(env: Record<string, string>): { variable: string; message: string } {
  try {
    loadSettings(env, '/srv');
  } catch (error) {
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_SETTINGS_INVALID');
    const { variable } = (error as { params: { variable: string } }).params;
    return { variable, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
}

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('API keys in the settings', () => {
  it('has none by default: protected mode', () => {
    expect(loadSettings({}).apiKeys).toEqual([]);
    expect(loadSettings({ TOOLHOST_API_KEYS: '  ' }).apiKeys).toEqual([]);
  });

  it('reads TOOLHOST_API_KEYS, keeping each secret only as its SHA-256', () => {
    const digest = sha256Hex(AGENT_KEY).toUpperCase();
    const settings = loadSettings({
      TOOLHOST_API_KEYS: JSON.stringify([
        { name: 'web', key: WEB_KEY, scopes: ['messages'] },
        {
          name: 'agent',
          key: `sha256:${digest}`,
          scopes: ['tools'],
          tools: ['rag.search', 'crm.*'],
          readOnly: true,
        },
      ]),
    });
    expect(settings.apiKeys).toEqual([
      {
        name: 'web',
        sha256: sha256Hex(WEB_KEY),
        scopes: ['messages'],
        tools: null,
        readOnly: false,
      },
      {
        name: 'agent',
        sha256: digest.toLowerCase(),
        scopes: ['tools'],
        tools: ['rag.search', 'crm.*'],
        readOnly: true,
      },
    ]);
    expect(JSON.stringify(settings)).not.toContain(WEB_KEY);
  });

  it('TOOLHOST_ADMIN_TOKEN is the key "admin" with the admin scope', () => {
    const settings = loadSettings({ TOOLHOST_ADMIN_TOKEN: 'an-admin-token-of-length' });
    expect(settings.apiKeys).toEqual([
      {
        name: 'admin',
        sha256: sha256Hex('an-admin-token-of-length'),
        scopes: ['admin'],
        tools: null,
        readOnly: false,
      },
    ]);
  });

  it('reads the same list from the file TOOLHOST_API_KEYS_FILE names, relative to the cwd', () => {
    dir = mkdtempSync(join(tmpdir(), 'toolhost-keys-'));
    writeFileSync(
      join(dir, 'keys.json'),
      JSON.stringify([{ name: 'web', key: WEB_KEY, scopes: ['messages'] }]),
    );
    const settings = loadSettings({ TOOLHOST_API_KEYS_FILE: 'keys.json' }, dir);
    expect(settings.apiKeys.map((key) => key.name)).toEqual(['web']);
    expect(refusal({ TOOLHOST_API_KEYS_FILE: join(dir, 'missing.json') })).toMatchObject({
      variable: 'TOOLHOST_API_KEYS_FILE',
      message: expect.stringContaining('cannot be read (ENOENT)'),
    });
  });

  it.each([
    ['not JSON', '[{', 'is not valid JSON'],
    ['not a list', '{"name":"web"}', 'must be array'],
    ['no scopes', `[{"name":"web","key":"${WEB_KEY}"}]`, 'field "[0].scopes" is required'],
    [
      'an unknown scope',
      `[{"name":"web","key":"${WEB_KEY}","scopes":["root"]}]`,
      'field "[0].scopes.0" must be one of ["messages","tools","admin"]',
    ],
    [
      'a short key',
      '[{"name":"web","key":"short","scopes":["messages"]}]',
      'field "[0].key" must be sha256:<64 hex digits> or 16 to 512 visible ASCII characters',
    ],
    [
      'a key with a space',
      '[{"name":"web","key":"has a space in it, 16+","scopes":["messages"]}]',
      'field "[0].key" must be sha256',
    ],
    [
      'a bad name',
      `[{"name":"we b","key":"${WEB_KEY}","scopes":["messages"]}]`,
      'field "[0].name" must match pattern',
    ],
    [
      'an unknown field',
      `[{"name":"web","key":"${WEB_KEY}","scopes":["messages"],"admin":true}]`,
      'field "[0].admin" is not allowed',
    ],
    [
      'the reserved name',
      `[{"name":"anonymous","key":"${WEB_KEY}","scopes":["messages"]}]`,
      "the name 'anonymous' is reserved for protected mode",
    ],
    [
      'a tool list without the tools scope',
      `[{"name":"web","key":"${WEB_KEY}","scopes":["messages"],"tools":["rag.search"]}]`,
      '"tools" and "readOnly" restrict the tools scope, which it lacks',
    ],
    [
      'a malformed tool name',
      `[{"name":"a","key":"${WEB_KEY}","scopes":["tools"],"tools":["*"]}]`,
      'field "[0].tools.0" must match pattern',
    ],
    [
      'two keys of one name',
      `[{"name":"web","key":"${WEB_KEY}","scopes":["messages"]},{"name":"web","key":"${AGENT_KEY}","scopes":["tools"]}]`,
      "two keys are named 'web'",
    ],
    [
      'two names for one secret',
      `[{"name":"web","key":"${WEB_KEY}","scopes":["messages"]},{"name":"agent","key":"sha256:${sha256Hex(WEB_KEY)}","scopes":["tools"]}]`,
      "key 'agent' has the same secret as another key",
    ],
  ])('refuses %s, naming the variable and never a secret', (_case, value, message) => {
    const refused = refusal({ TOOLHOST_API_KEYS: value });
    expect(refused.variable).toBe('TOOLHOST_API_KEYS');
    expect(refused.message).toContain(message);
    expect(refused.message).not.toContain(WEB_KEY);
    expect(refused.message).not.toContain(AGENT_KEY);
  });

  it('refuses a key named like the admin token, and both variables at once', () => {
    expect(
      refusal({
        TOOLHOST_ADMIN_TOKEN: 'an-admin-token-of-length',
        TOOLHOST_API_KEYS: `[{"name":"admin","key":"${WEB_KEY}","scopes":["admin"]}]`,
      }),
    ).toMatchObject({
      variable: 'TOOLHOST_ADMIN_TOKEN',
      message: expect.stringContaining("two keys are named 'admin'"),
    });
    expect(
      refusal({ TOOLHOST_API_KEYS: '[]', TOOLHOST_API_KEYS_FILE: '/etc/toolhost/keys.json' })
        .message,
    ).toContain('set either TOOLHOST_API_KEYS or TOOLHOST_API_KEYS_FILE, not both');
  });

  it('masks every digest for logging, keeping names, scopes and tool lists', () => {
    const settings = loadSettings({
      TOOLHOST_ADMIN_TOKEN: 'an-admin-token-of-length',
      TOOLHOST_API_KEYS: JSON.stringify([
        { name: 'agent', key: AGENT_KEY, scopes: ['tools'], tools: ['rag.search'] },
      ]),
    });
    const masked = maskSettings(settings);
    const text = JSON.stringify(masked);
    for (const key of settings.apiKeys) expect(text).not.toContain(key.sha256);
    expect(text).not.toContain(AGENT_KEY);
    expect(masked['apiKeys']).toEqual([
      { name: 'agent', sha256: '***', scopes: ['tools'], tools: ['rag.search'], readOnly: false },
      { name: 'admin', sha256: '***', scopes: ['admin'], tools: null, readOnly: false },
    ]);
  });

  it('reads the other front-door settings', () => {
    expect(loadSettings({})).toMatchObject({
      metricsPublic: false,
      startupTimeoutMs: 30_000,
      idempotencyTtlSeconds: 86_400,
    });
    expect(
      loadSettings({
        TOOLHOST_METRICS_PUBLIC: 'true',
        TOOLHOST_STARTUP_TIMEOUT_MS: '0',
        TOOLHOST_IDEMPOTENCY_TTL_SECONDS: '60',
      }),
    ).toMatchObject({ metricsPublic: true, startupTimeoutMs: 0, idempotencyTtlSeconds: 60 });
    expect(refusal({ TOOLHOST_IDEMPOTENCY_TTL_SECONDS: '0' }).variable).toBe(
      'TOOLHOST_IDEMPOTENCY_TTL_SECONDS',
    );
  });
});
