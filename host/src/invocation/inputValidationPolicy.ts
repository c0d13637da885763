import { fail } from '@toolhost/plugin-sdk';
import type { Policy } from './Policy.js';
import type { SchemaCheck } from './ToolValidators.js';

/** Refuses input that breaks the tool's inputSchema with `invalid_input`, naming each field. */
export function inputValidationPolicy(check: SchemaCheck): Policy {
  return (next) => (call) => {
    const problems = check(call.input);
    if (problems === null) return next(call);
    return Promise.resolve(
      fail(`Input of tool '${call.tool.name}' is invalid: ${problems}`, 'invalid_input'),
    );
  };
}
