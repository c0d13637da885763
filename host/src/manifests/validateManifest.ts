import { Ajv, type ErrorObject } from 'ajv';
import { describeSchemaErrors } from '@toolhost/plugin-sdk/host';
import { HostError } from '../errors.js';
import type { Manifest } from './Manifest.js';
import { manifestSchema } from './manifestSchema.js';

const validate = new Ajv({ allErrors: true, strict: true }).compile<Manifest>(manifestSchema);

export type ManifestCheck = { ok: true; manifest: Manifest } | { ok: false; errors: string[] };

const SOURCE_BRANCH = '#/properties/source/oneOf/';
const MCP_BRANCH = `${SOURCE_BRANCH}2/properties/mcp/oneOf/`;

/** `source` is one of three shapes (an MCP server of two); report only the errors of the shape the author meant. */
function sourceErrorsOfIntendedShape(value: unknown, errors: ErrorObject[]): ErrorObject[] {
  const source = (value as { source?: unknown } | null)?.source;
  if (typeof source !== 'object' || source === null) {
    return errors.filter((e) => !e.schemaPath.startsWith(SOURCE_BRANCH));
  }
  const intended = 'package' in source ? 1 : 'mcp' in source ? 2 : 0;
  const server = (source as { mcp?: unknown }).mcp;
  const served = typeof server === 'object' && server !== null && 'url' in server ? 1 : 0;
  return errors.filter(
    (e) =>
      !(
        e.keyword === 'oneOf' &&
        (e.instancePath === '/source' || e.instancePath === '/source/mcp')
      ) &&
      !(
        e.schemaPath.startsWith(SOURCE_BRANCH) &&
        !e.schemaPath.startsWith(`${SOURCE_BRANCH}${intended}/`)
      ) &&
      !(e.schemaPath.startsWith(MCP_BRANCH) && !e.schemaPath.startsWith(`${MCP_BRANCH}${served}/`)),
  );
}

/** Validates parsed manifest JSON; each error names the field, e.g. `field "policy.timeoutMs" must be >= 1`. */
export function checkManifest(value: unknown): ManifestCheck {
  if (validate(value)) return { ok: true, manifest: value };
  const errors = sourceErrorsOfIntendedShape(value, validate.errors ?? []);
  return { ok: false, errors: describeSchemaErrors(errors) };
}

/**
 * Validates a manifest and returns it typed.
 * @throws HostError `TOOLHOST_ERR_MANIFEST_INVALID` naming the file and every bad field.
 */
export function parseManifest(value: unknown, file = 'manifest'): Manifest {
  const result = checkManifest(value);
  if (result.ok) return result.manifest;
  throw new HostError('TOOLHOST_ERR_MANIFEST_INVALID', {
    file,
    details: result.errors.join('; '),
  });
}
