const positiveInt = { type: 'integer', minimum: 1 } as const;
const nonNegativeInt = { type: 'integer', minimum: 0 } as const;

/** JSON Schema of a manifest file (DESIGN section 5). */
export const manifestSchema = {
  $id: 'https://toolhost.dev/schemas/manifest.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'enabled', 'source'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,62}$' },
    enabled: { type: 'boolean' },
    source: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['path'],
          properties: { path: { type: 'string', minLength: 1 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['package', 'version'],
          properties: {
            package: {
              type: 'string',
              pattern: '^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*$',
            },
            version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$' },
            integrity: { type: 'string', pattern: '^sha(256|384|512)-[A-Za-z0-9+/]+=*$' },
            filesDigest: { type: 'string', pattern: '^sha256-[A-Za-z0-9+/]{43}=$' },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['mcp'],
          properties: {
            mcp: {
              oneOf: [
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['command'],
                  properties: {
                    command: { type: 'string', minLength: 1, pattern: '^\\S+$' },
                    args: { type: 'array', maxItems: 256, items: { type: 'string' } },
                    env: {
                      type: 'object',
                      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
                      additionalProperties: { type: 'string' },
                    },
                  },
                },
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['url'],
                  properties: { url: { type: 'string', pattern: '^https?://[^\\s]+$' } },
                },
              ],
            },
          },
        },
      ],
    },
    isolation: { enum: ['inline', 'worker', 'process'] },
    config: { type: 'object' },
    secrets: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['env'],
        properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
      },
    },
    permissions: {
      type: 'object',
      additionalProperties: false,
      properties: {
        http: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', pattern: '^https?://[^/?#\\s]+$' },
        },
        cache: { type: 'boolean' },
        store: { type: 'boolean' },
        search: { type: 'boolean' },
      },
    },
    policy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        timeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
        retry: {
          type: 'object',
          additionalProperties: false,
          properties: {
            maxAttempts: { type: 'integer', minimum: 1, maximum: 10 },
            initialDelayMs: nonNegativeInt,
            maxDelayMs: nonNegativeInt,
          },
        },
        circuitBreaker: {
          type: 'object',
          additionalProperties: false,
          properties: { consecutiveFailures: positiveInt, halfOpenAfterMs: positiveInt },
        },
        bulkhead: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: positiveInt, queue: nonNegativeInt },
        },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        heapMb: { type: 'integer', minimum: 16, maximum: 16384 },
        startTimeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
        stopTimeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
      },
    },
  },
} as const;
