import {
  describeSchemaErrors,
  PLUGIN_SCHEMA_OPTIONS,
  toolResultSchema,
  type JsonSchema,
} from '@toolhost/plugin-sdk/host';
import { Ajv, type ValidateFunction } from 'ajv';
import type { RegisteredTool } from './RegisteredTool.js';

/** A compiled schema check: null when the value passes, else one sentence per broken field. */
export type SchemaCheck = (value: unknown) => string | null;

export interface ToolValidators {
  input: SchemaCheck;
  /** The whole ToolResult against the SDK's schema, then `data` against `outputSchema`. */
  result: SchemaCheck;
  data: SchemaCheck | null;
}

function toCheck(validate: ValidateFunction): SchemaCheck {
  return (value) => (validate(value) ? null : describeSchemaErrors(validate.errors).join('; '));
}

let resultCheck: SchemaCheck | null = null;

function toolResultCheck(): SchemaCheck {
  return (resultCheck ??= toCheck(
    new Ajv({ allErrors: true, strict: true }).compile(toolResultSchema),
  ));
}

/** A schema that does not compile fails every call that needs it, with the reason. */
function compileOrRefuse(ajv: Ajv, schema: JsonSchema, what: string): SchemaCheck {
  try {
    return toCheck(ajv.compile(schema));
  } catch (error) {
    const reason = `its ${what} does not compile: ${(error as Error).message}`;
    return () => reason;
  }
}

/**
 * Compiles one tool's schemas. Each RegisteredTool gets its own ajv instance, so a
 * reloaded plugin's schemas (even with the same `$id`) compile afresh and the old ones
 * are collected with the old tool.
 */
export function compileToolValidators(tool: RegisteredTool): ToolValidators {
  const ajv = new Ajv(PLUGIN_SCHEMA_OPTIONS);
  const { inputSchema, outputSchema } = tool.spec;
  return {
    input: compileOrRefuse(ajv, inputSchema, 'inputSchema'),
    result: toolResultCheck(),
    data: outputSchema === undefined ? null : compileOrRefuse(ajv, outputSchema, 'outputSchema'),
  };
}
