import { createHash } from 'node:crypto';
import { describeSchemaErrors } from '@toolhost/plugin-sdk/host';
import { Ajv } from 'ajv';
import { HostError } from '../errors.js';
import { API_KEY_SCOPES, type ApiKeySetting } from './Settings.js';

/** What a key name may look like: it shows up in logs, in Redis keys and as a session's owner. */
export const KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Who calls in protected mode (no keys), and so owns its sessions; no configured key may take this name. */
export const ANONYMOUS_KEY_NAME = 'anonymous';

/** The name of the key TOOLHOST_ADMIN_TOKEN stands for. */
export const ADMIN_TOKEN_KEY_NAME = 'admin';

const DIGEST = /^sha256:([0-9a-fA-F]{64})$/;

interface ApiKeyEntry {
  name: string;
  key: string;
  scopes: ApiKeySetting['scopes'];
  tools?: string[];
  readOnly?: boolean;
}

const keyListSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      name: { type: 'string', pattern: KEY_NAME_PATTERN.source },
      // A digest, or the secret itself: visible ASCII, as a bearer token must be.
      key: {
        anyOf: [
          { type: 'string', pattern: DIGEST.source },
          { type: 'string', pattern: '^[\\x21-\\x7e]{16,512}$' },
        ],
      },
      scopes: { type: 'array', items: { enum: API_KEY_SCOPES }, uniqueItems: true },
      tools: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'string',
          pattern: '^[a-z][a-z0-9_-]{0,62}\\.(?:\\*|[A-Za-z0-9_.-]{1,128})$',
        },
      },
      readOnly: { type: 'boolean' },
    },
    required: ['name', 'key', 'scopes'],
    additionalProperties: false,
  },
} as const;

const validate = new Ajv({ allErrors: false, strict: true }).compile<ApiKeyEntry[]>(keyListSchema);

/** SHA-256 of a key, lowercase hex: how keys are kept and looked up. */
export function sha256Hex(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Parses the JSON list of API keys (TOOLHOST_API_KEYS or the file TOOLHOST_API_KEYS_FILE
 * names). Error messages name the entry and field, never a key's value.
 * @throws HostError `TOOLHOST_ERR_SETTINGS_INVALID` naming `variable`.
 */
export function parseApiKeys(variable: string, text: string): ApiKeySetting[] {
  const invalid = (details: string) =>
    new HostError('TOOLHOST_ERR_SETTINGS_INVALID', { variable, details });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('is not valid JSON (a list like [{"name": …, "key": …, "scopes": […]}])');
  }
  if (!validate(value)) {
    const [first] = validate.errors ?? [];
    const anyOfKey = first?.instancePath.endsWith('/key') === true;
    const field = anyOfKey
      ? `field "${first.instancePath.slice(1).replace('/', '.')}" must be sha256:<64 hex digits> or 16 to 512 visible ASCII characters`
      : describeSchemaErrors(first ? [first] : []).join('; ');
    throw invalid(field.replace(/"(\d+)\./, '"[$1].'));
  }
  return value.map((entry, index) => {
    const where = `entry [${index}] ('${entry.name}')`;
    if (entry.name === ANONYMOUS_KEY_NAME) {
      throw invalid(`${where}: the name '${ANONYMOUS_KEY_NAME}' is reserved for protected mode`);
    }
    const restricted = entry.tools !== undefined || entry.readOnly !== undefined;
    if (restricted && !entry.scopes.includes('tools')) {
      throw invalid(`${where}: "tools" and "readOnly" restrict the tools scope, which it lacks`);
    }
    const digest = DIGEST.exec(entry.key)?.[1];
    return {
      name: entry.name,
      sha256: digest === undefined ? sha256Hex(entry.key) : digest.toLowerCase(),
      scopes: [...entry.scopes],
      tools: entry.tools ? [...entry.tools] : null,
      readOnly: entry.readOnly ?? false,
    };
  });
}

/**
 * Adds the admin token's key and checks the whole list: names and secrets are unique.
 * @throws HostError `TOOLHOST_ERR_SETTINGS_INVALID` naming `variable`.
 */
export function withAdminToken(
  variable: string,
  keys: readonly ApiKeySetting[],
  adminToken: string | null,
): ApiKeySetting[] {
  const all = [...keys];
  if (adminToken !== null) {
    all.push({
      name: ADMIN_TOKEN_KEY_NAME,
      sha256: sha256Hex(adminToken),
      scopes: ['admin'],
      tools: null,
      readOnly: false,
    });
  }
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const key of all) {
    const by =
      key.name === ADMIN_TOKEN_KEY_NAME && adminToken !== null ? 'TOOLHOST_ADMIN_TOKEN' : variable;
    if (names.has(key.name)) {
      throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
        variable: by,
        details: `two keys are named '${key.name}' (TOOLHOST_ADMIN_TOKEN is the key '${ADMIN_TOKEN_KEY_NAME}')`,
      });
    }
    if (digests.has(key.sha256)) {
      throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
        variable: by,
        details: `key '${key.name}' has the same secret as another key`,
      });
    }
    names.add(key.name);
    digests.add(key.sha256);
  }
  return all;
}
