import { hasBrand } from '@toolhost/plugin-sdk/host';

/** Why a runtime, not the tool, failed a call: the host wrote the message, so clients may see it. */
export type RuntimeFaultCode = 'timeout' | 'crashed' | 'internal';

const RUNTIME_FAULT_BRAND = Symbol.for('toolhost.runtime-fault');

/**
 * A call that failed in the runtime around the tool (a worker that ran out of memory, a
 * process that exited, a runtime killed for a hang, a plugin that is not running). Unlike
 * an exception of the plugin, its message is the host's own and reaches the client.
 */
export class RuntimeFault extends Error {
  readonly code: RuntimeFaultCode;
  readonly [RUNTIME_FAULT_BRAND] = true;

  constructor(code: RuntimeFaultCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuntimeFault';
    this.code = code;
  }
}

export function isRuntimeFault(value: unknown): value is RuntimeFault {
  return hasBrand(value, RUNTIME_FAULT_BRAND);
}
