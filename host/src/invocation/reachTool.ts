import type winston from 'winston';
import type { RawStep } from './validateOutput.js';
import { ToolCallContext } from './ToolCallContext.js';

/** The innermost step: one attempt of the tool, through its plugin's runtime. */
export function reachTool(logger: winston.Logger): RawStep {
  return (call) => {
    call.attempts += 1;
    const context = new ToolCallContext(call, logger);
    try {
      // Promise.resolve hands a native promise back as it is; it only guards odd runtimes.
      return Promise.resolve(call.tool.runtime.invoke(call.tool.toolName, call.input, context));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
