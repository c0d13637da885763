/** What a runtime is told when it starts (a worker's workerData, a child's argv). */
export interface RunnerData {
  /** `file:` URL of the SDK's entry the host hands its plugins (a real path). */
  sdkUrl: string;
  /** `file:` URL of the SDK's `./testing` entry. */
  testingUrl: string;
}

/** The `load` call: which module to import and the name its manifest gives it. */
export interface LoadRequest {
  /** Real path of the plugin's entry module. */
  entry: string;
  pluginName: string;
}

/** The `start` call: the context values the host resolved (config validated, secrets looked up). */
export interface StartRequest {
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** The third argument of `invoke`. */
export interface InvokeInfo {
  requestId: string;
  sessionId: string | null;
  attempt: number;
  /** The call span's W3C trace headers, for the plugin's `ctx.http` requests. */
  traceparent?: string;
  tracestate?: string;
}
