import type { ErrorObject } from 'ajv';

/** `policy.retry.maxAttempts` from ajv's `/policy/retry/maxAttempts`. */
function fieldPath(instancePath: string, missingProperty?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (missingProperty) parts.push(missingProperty);
  return parts.length === 0 ? '(root)' : parts.join('.');
}

/**
 * Turns ajv errors into sentences that each name the offending field, e.g.
 * `field "policy.timeoutMs" must be >= 1`.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  if (!errors || errors.length === 0) return [];
  const sentences = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        sentences.add(
          `field "${fieldPath(error.instancePath, String(params['missingProperty']))}" is required`,
        );
        break;
      case 'additionalProperties':
        sentences.add(
          `field "${fieldPath(error.instancePath, String(params['additionalProperty']))}" is not allowed`,
        );
        break;
      case 'enum':
        sentences.add(
          `field "${fieldPath(error.instancePath)}" must be one of ${JSON.stringify(params['allowedValues'])}`,
        );
        break;
      default:
        sentences.add(`field "${fieldPath(error.instancePath)}" ${error.message ?? 'is invalid'}`);
    }
  }
  return [...sentences];
}
