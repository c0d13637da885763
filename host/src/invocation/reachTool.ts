import type winston from 'winston';
import { failureOfTool } from './failureOfTool.js';
import type { RawStep } from './validateOutput.js';
import { ToolCallContext } from './ToolCallContext.js';

/**
 * The innermost step: one attempt of the tool, through its plugin's runtime. What the tool
 * throws answers as a failed ToolResult (failureOfTool); what it returns goes on unchecked.
 */
export function reachTool(logger: winston.Logger): RawStep {
  return (call) => {
    call.attempts += 1;
    const context = new ToolCallContext(call, logger);
    const failed = (error: unknown) => failureOfTool(call, error, logger);
    try {
      // Promise.resolve hands a native promise back as it is; it only guards odd runtimes.
      return Promise.resolve(
        call.tool.runtime.invoke(call.tool.toolName, call.input, context),
      ).then(null, failed);
    } catch (error) {
      return Promise.resolve(failed(error));
    }
  };
}
