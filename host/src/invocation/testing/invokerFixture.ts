import { Writable } from 'node:stream';
import type { CallContext, JsonObject, ToolSpec } from '@toolhost/plugin-sdk';
import type { CallPolicy } from '../../manifests/Manifest.js';
import {
  createInMemoryTracing,
  type InMemoryTracing,
} from '../../telemetry/createInMemoryTracing.js';
import { createLogger } from '../../telemetry/createLogger.js';
import { createToolInvoker, type ToolInvokerDeps } from '../createToolInvoker.js';
import type { RegisteredTool, ToolRuntime } from '../RegisteredTool.js';
import type { ToolInvoker } from '../ToolInvoker.js';

/** A tool method as a plain function: what an inline plugin's method would do. */
export type ToolFunction = (input: JsonObject, call: CallContext) => unknown;

/** A ToolRuntime whose tools are plain functions, run in-process like InlineRuntime. */
export class FunctionRuntime implements ToolRuntime {
  inFlight = 0;

  constructor(private readonly tools: Readonly<Record<string, ToolFunction>>) {}

  async invoke(tool: string, input: JsonObject, call: CallContext): Promise<unknown> {
    const fn = this.tools[tool];
    if (fn === undefined) throw new Error(`no tool ${tool}`);
    this.inFlight += 1;
    try {
      return await fn(input, call);
    } finally {
      this.inFlight -= 1;
    }
  }
}

export interface TestToolOptions {
  spec?: Partial<ToolSpec>;
  policy?: CallPolicy;
}

const defaultSpec: ToolSpec = {
  description: 'a test tool',
  inputSchema: { type: 'object' },
};

/** A RegisteredTool `<plugin>.<tool>` backed by `fn`; a new object each call, like a reload. */
export function testTool(
  name: string,
  fn: ToolFunction,
  options: TestToolOptions = {},
): RegisteredTool {
  const [pluginName = 'test', toolName = 'tool'] = name.split('.');
  return {
    name,
    pluginName,
    toolName,
    spec: { ...defaultSpec, ...options.spec },
    isolation: 'inline',
    policy: options.policy ?? {},
    runtime: new FunctionRuntime({ [toolName]: fn }),
  };
}

export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface InvokerFixture {
  invoker: ToolInvoker;
  tools: Map<string, RegisteredTool>;
  add(tool: RegisteredTool): RegisteredTool;
  tracing: InMemoryTracing;
  /** Every JSON log line, parsed, and as written. */
  lines: LogLine[];
  rawLines: string[];
}

/** An invoker over a mutable tool map, with in-memory spans and a debug-level JSON logger. */
export function invokerFixture(extra: Partial<ToolInvokerDeps> = {}): InvokerFixture {
  const tools = new Map<string, RegisteredTool>();
  const tracing = createInMemoryTracing();
  const lines: LogLine[] = [];
  const rawLines: string[] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        rawLines.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  const invoker = createToolInvoker({
    lookup: (name) => tools.get(name),
    tracer: tracing.tracer,
    logger: createLogger('debug', stream),
    ...extra,
  });
  return {
    invoker,
    tools,
    add(tool) {
      tools.set(tool.name, tool);
      return tool;
    },
    tracing,
    lines,
    rawLines,
  };
}
