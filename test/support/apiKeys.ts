/** API keys for hosts under test, as TOOLHOST_API_KEYS lists them. */
export interface TestKey {
  name: string;
  key: string;
  scopes: Array<'messages' | 'tools' | 'admin'>;
  tools?: string[];
  readOnly?: boolean;
}

/** A client that sends messages and calls tools: what the tests of those routes use. */
export const CLIENT: TestKey = {
  name: 'client',
  key: 'client-key-for-tests-0123456789',
  scopes: ['messages', 'tools'],
};

/** Another tenant with the same rights, for ownership tests. */
export const OTHER_CLIENT: TestKey = {
  name: 'other-client',
  key: 'other-client-key-for-tests-0123',
  scopes: ['messages', 'tools'],
};

/** `{ TOOLHOST_API_KEYS }` for these keys. */
export function keysEnv(...keys: TestKey[]): { TOOLHOST_API_KEYS: string } {
  return { TOOLHOST_API_KEYS: JSON.stringify(keys) };
}

/** The Authorization header of a key (or of a raw token such as the admin token). */
export function bearer(key: TestKey | string): { authorization: string } {
  return { authorization: `Bearer ${typeof key === 'string' ? key : key.key}` };
}
