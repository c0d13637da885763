import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * Publisher signatures travel as registry dist-tags: `toolhost-sig-<keyId>-<signature>`
 * pointing at the signed version. A tag works with stock tools (`npm dist-tag add`), outlives
 * later publishes, and comes with the packument the installer fetches anyway; a file in the
 * tarball could not sign the tarball's own integrity. Whoever may write the registry can
 * delete a tag (which fails closed under TOOLHOST_REQUIRE_SIGNED_PLUGINS), not forge one.
 */
export const SIGNATURE_TAG_PREFIX = 'toolhost-sig-';
const SIGNATURE_TAG = /^toolhost-sig-([0-9a-f]{16})-([A-Za-z0-9_-]{86})$/;
/** DER SubjectPublicKeyInfo header of an ed25519 key; the raw 32 bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** What a publisher signs: the release's name, version and tarball integrity. */
export function signedMessage(pkg: string, version: string, integrity: string): Buffer {
  return Buffer.from(`${pkg}@${version}:${integrity}`, 'utf8');
}

/** The raw 32-byte key in base64 (44 characters), as TOOLHOST_TRUSTED_PUBLISHER_KEYS lists it. */
export function rawPublicKey(key: KeyObject): string {
  return key
    .export({ format: 'der', type: 'spki' })
    .subarray(ED25519_SPKI_PREFIX.length)
    .toString('base64');
}

/** A short name for a key: the first 16 hex characters of sha256 over its raw bytes. */
export function keyIdOf(key: KeyObject): string {
  return createHash('sha256')
    .update(Buffer.from(rawPublicKey(key), 'base64'))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Reads a public key: 32 raw bytes in base64, or a PEM (spki).
 * @throws Error when it is neither, or not an ed25519 key.
 */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    const key = createPublicKey(trimmed);
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new Error(`it is an ${String(key.asymmetricKeyType)} key, not ed25519`);
    }
    return key;
  }
  const raw = Buffer.from(trimmed, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== trimmed) {
    throw new Error('an ed25519 public key is 32 bytes in base64 (44 characters) or a PEM');
  }
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
}

/**
 * Reads a private signing key (PKCS#8 PEM).
 * @throws Error when it is not an ed25519 private key.
 */
export function parsePrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`it is an ${String(key.asymmetricKeyType)} key, not ed25519`);
  }
  return key;
}

/** A new key pair: the private key as PKCS#8 PEM, the public one raw in base64. */
export function generateSigningKey(): { privateKeyPem: string; publicKey: string; keyId: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: rawPublicKey(publicKey),
    keyId: keyIdOf(publicKey),
  };
}

/** The dist-tag that carries `privateKey`'s signature of the release. */
export function signatureTag(
  privateKey: KeyObject,
  pkg: string,
  version: string,
  integrity: string,
): { tag: string; keyId: string } {
  const keyId = keyIdOf(createPublicKey(privateKey));
  const signature = sign(null, signedMessage(pkg, version, integrity), privateKey).toString(
    'base64url',
  );
  return { tag: `${SIGNATURE_TAG_PREFIX}${keyId}-${signature}`, keyId };
}

export type SignatureVerdict = { ok: true; keyId: string } | { ok: false; reason: string };

/**
 * Whether a trusted key signed exactly this release, judged from the packument's dist-tags.
 * Moving a tag to another version, changing the bytes (so the integrity), or an untrusted
 * key all fail.
 */
export function verifyRelease(
  distTags: Readonly<Record<string, string>>,
  trusted: readonly KeyObject[],
  pkg: string,
  version: string,
  integrity: string,
): SignatureVerdict {
  const byId = new Map(trusted.map((key) => [keyIdOf(key), key]));
  const message = signedMessage(pkg, version, integrity);
  let signatures = 0;
  for (const [tag, tagged] of Object.entries(distTags)) {
    const match = SIGNATURE_TAG.exec(tag);
    if (match === null || tagged !== version) continue;
    signatures += 1;
    const key = byId.get(match[1] as string);
    if (key && verify(null, message, key, Buffer.from(match[2] as string, 'base64url'))) {
      return { ok: true, keyId: match[1] as string };
    }
  }
  return {
    ok: false,
    reason:
      signatures === 0
        ? 'it is not signed'
        : `none of its signatures (${signatures}) verifies with a key in TOOLHOST_TRUSTED_PUBLISHER_KEYS`,
  };
}
