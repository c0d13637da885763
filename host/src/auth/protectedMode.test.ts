import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../config/parseApiKeys.js';
import { isHostError } from '../errors.js';
import { createKeyRing } from './KeyRing.js';
import { assertProtectedMode, isLoopbackAddress, isLoopbackHost } from './protectedMode.js';

const noKeys = createKeyRing([]);
const someKey = createKeyRing([
  {
    name: 'web',
    sha256: sha256Hex('web-secret-0123456789'),
    scopes: ['messages'],
    tools: null,
    readOnly: false,
  },
]);

describe('protected mode', () => {
  it.each(['127.0.0.1', '127.3.4.5', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each([
    '0.0.0.0',
    '::',
    '10.0.0.5',
    '192.168.1.2',
    '::ffff:10.0.0.1',
    'example.internal',
    '128.0.0.1',
    '127.0.0.1.nip.io',
  ])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));

  it('refuses to listen beyond loopback without keys, with a coded error naming the address', () => {
    for (const host of ['0.0.0.0', '::', 'toolhost.internal']) {
      let error: unknown;
      try {
        assertProtectedMode(noKeys, host);
      } catch (thrown) {
        error = thrown;
      }
      expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_PROTECTED_MODE');
      expect((error as Error).message).toContain(`refuses ${host}`);
    }
    expect(() => assertProtectedMode(noKeys, '127.0.0.1')).not.toThrow();
    expect(() => assertProtectedMode(someKey, '0.0.0.0')).not.toThrow();
  });

  it('checks the address actually bound when it is given: localhost must resolve to loopback', () => {
    expect(() => assertProtectedMode(noKeys, 'localhost', '127.0.0.1')).not.toThrow();
    expect(() => assertProtectedMode(noKeys, 'localhost', '10.1.2.3')).toThrow(
      /refuses 10\.1\.2\.3/,
    );
    expect(isLoopbackAddress('localhost')).toBe(false);
  });
});
