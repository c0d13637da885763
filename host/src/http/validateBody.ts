import { describeSchemaErrors, type JsonSchema } from '@toolhost/plugin-sdk/host';
import { Ajv, type ValidateFunction } from 'ajv';
import { HttpProblem } from './problem.js';

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/**
 * Compiles `schema` once (cached per schema object) into a check that returns the body
 * typed as `T`.
 * @throws HttpProblem TOOLHOST_HTTP_INVALID_BODY naming every offending field.
 */
export function compileBodyValidator<T>(schema: JsonSchema): (body: unknown) => T {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const check = validate;
  return (body) => {
    if (check(body)) return body as T;
    throw new HttpProblem(
      'TOOLHOST_HTTP_INVALID_BODY',
      describeSchemaErrors(check.errors).join('; '),
    );
  };
}
