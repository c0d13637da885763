import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../config/parseApiKeys.js';
import type { ApiKeySetting } from '../config/Settings.js';
import { createKeyRing } from './KeyRing.js';
import { ANONYMOUS_PRINCIPAL } from './Principal.js';

const key = (name: string, secret: string, more: Partial<ApiKeySetting> = {}): ApiKeySetting => ({
  name,
  sha256: sha256Hex(secret),
  scopes: ['messages'],
  tools: null,
  readOnly: false,
  ...more,
});

describe('createKeyRing', () => {
  const keys = createKeyRing([
    key('web', 'web-secret-0123456789'),
    key('agent', 'agent-secret-0123456789', {
      scopes: ['tools'],
      tools: ['rag.search'],
      readOnly: true,
    }),
  ]);

  it('finds the principal of a presented key, scheme case-insensitive', () => {
    const web = keys.authenticate('Bearer web-secret-0123456789');
    expect(web).toMatchObject({ ok: true, principal: { name: 'web' } });
    expect(web.ok && [...web.principal.scopes]).toEqual(['messages']);
    const agent = keys.authenticate('bearer   agent-secret-0123456789 ');
    expect(agent.ok && agent.principal.name).toBe('agent');
    expect(agent.ok && agent.principal.tools.allowsName('rag.search')).toBe(true);
    expect(agent.ok && agent.principal.tools.allowsName('memory.recall')).toBe(false);
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['Basic d2ViOnNlY3JldA==', 'missing'],
    ['Bearer', 'missing'],
    ['Bearer two words', 'missing'],
    ['Bearer web-secret-012345678', 'unknown'],
    ['Bearer web-secret-0123456789x', 'unknown'],
    ['Bearer WEB-SECRET-0123456789', 'unknown'],
    [`Bearer sha256:${sha256Hex('web-secret-0123456789')}`, 'unknown'],
  ])('refuses %j as %s', (header, failure) => {
    expect(keys.authenticate(header)).toEqual({ ok: false, failure });
  });

  it('knows which scopes some key grants', () => {
    expect(keys.protectedMode).toBe(false);
    expect([keys.grants('messages'), keys.grants('tools'), keys.grants('admin')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('in protected mode every caller is the anonymous principal, whatever it sends', () => {
    const open = createKeyRing([]);
    expect(open.protectedMode).toBe(true);
    for (const header of [undefined, 'Bearer anything-at-all-here']) {
      expect(open.authenticate(header)).toEqual({ ok: true, principal: ANONYMOUS_PRINCIPAL });
    }
    expect([...ANONYMOUS_PRINCIPAL.scopes]).toEqual(['messages', 'tools']);
    expect(open.grants('admin')).toBe(false);
  });
});
