import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  keyIdOf,
  parsePrivateKey,
  parsePublicKey,
  signatureTag,
  verifyRelease,
} from './releaseSignatures.js';

const INTEGRITY = `sha512-${'A'.repeat(86)}==`;

describe('publisher signatures (ed25519 over name@version:integrity, carried as a dist-tag)', () => {
  const publisher = generateSigningKey();
  const privateKey = parsePrivateKey(publisher.privateKeyPem);
  const trusted = [parsePublicKey(publisher.publicKey)];
  const { tag, keyId } = signatureTag(privateKey, '@acme/x', '1.0.0', INTEGRITY);

  it('verify the release they signed', () => {
    expect(tag).toMatch(/^toolhost-sig-[0-9a-f]{16}-[A-Za-z0-9_-]{86}$/);
    expect(keyId).toBe(publisher.keyId);
    expect(
      verifyRelease({ latest: '1.0.0', [tag]: '1.0.0' }, trusted, '@acme/x', '1.0.0', INTEGRITY),
    ).toEqual({
      ok: true,
      keyId,
    });
  });

  it.each([
    ['no signature', { latest: '1.0.0' }, '@acme/x', '1.0.0', INTEGRITY, 'it is not signed'],
    [
      'the tag moved to another version',
      { [tag]: '1.0.1' },
      '@acme/x',
      '1.0.1',
      INTEGRITY,
      'none of its signatures (1) verifies',
    ],
    [
      'other bytes (another integrity)',
      { [tag]: '1.0.0' },
      '@acme/x',
      '1.0.0',
      `sha512-${'B'.repeat(86)}==`,
      'none of its signatures (1) verifies',
    ],
    [
      'another package',
      { [tag]: '1.0.0' },
      '@acme/y',
      '1.0.0',
      INTEGRITY,
      'none of its signatures (1) verifies',
    ],
  ])('refuse %s', (_label, tags, pkg, version, integrity, reason) => {
    const verdict = verifyRelease(tags, trusted, pkg, version, integrity);
    expect(verdict).toMatchObject({ ok: false });
    expect(!verdict.ok && verdict.reason).toContain(reason);
  });

  it('refuse a signature by a key that is not trusted', () => {
    const stranger = signatureTag(
      parsePrivateKey(generateSigningKey().privateKeyPem),
      '@acme/x',
      '1.0.0',
      INTEGRITY,
    );
    expect(
      verifyRelease({ [stranger.tag]: '1.0.0' }, trusted, '@acme/x', '1.0.0', INTEGRITY).ok,
    ).toBe(false);
  });

  it('read a public key raw (base64) or as PEM, with the same id', () => {
    const pem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    expect(keyIdOf(parsePublicKey(pem))).toBe(keyIdOf(parsePublicKey(publisher.publicKey)));
    expect(publisher.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('refuse keys that are not ed25519 keys', () => {
    expect(() => parsePublicKey('c2hvcnQ=')).toThrow('32 bytes in base64');
    expect(() => parsePrivateKey('not a key')).toThrow();
  });
});
