import {
  BaseTool,
  fail,
  ok,
  ToolError,
  type CallContext,
  type ToolResult,
} from '@toolhost/plugin-sdk';
import { isServiceRecord, type ServiceRecord } from './recordSchema.js';

export interface ConnectorConfig {
  [key: string]: unknown;
  /** Where the service's REST API lives; its origin must be granted in the manifest. */
  baseUrl: string;
  /** Per-request timeout; the host's policy.timeoutMs still bounds the whole call. */
  requestTimeoutMs: number;
}

/**
 * Looks records up in a REST API. 404 → not_found (a fact, never retried), 5xx and network
 * errors → upstream_error (retried by the host for this idempotent tool), 401/403 →
 * permission_denied pointing at the configuration, any other shape → invalid_output.
 */
export class ConnectorTool extends BaseTool<ConnectorConfig> {
  #apiKey = '';

  override async initialize(): Promise<void> {
    const apiKey = this.ctx.secrets['apiKey'];
    if (!apiKey) throw new Error('the API key is missing: set the secret "apiKey" in the manifest');
    this.#apiKey = apiKey;
  }

  async lookup_record(input: { id: string }, call: CallContext): Promise<ToolResult> {
    const url = `${this.ctx.config.baseUrl.replace(/\/+$/, '')}/records/${encodeURIComponent(input.id)}`;
    const { status, data } = await this.ctx.http.json(url, {
      headers: { authorization: `Bearer ${this.#apiKey}` },
      timeoutMs: this.ctx.config.requestTimeoutMs,
      signal: call.signal,
    });
    if (status === 404) return fail(`record ${input.id} not found`, 'not_found');
    if (status === 401 || status === 403) {
      throw new ToolError(
        'permission_denied',
        `the service refused our credentials (HTTP ${status}): check the apiKey secret`,
      );
    }
    if (status !== 200)
      throw new ToolError('upstream_error', `the service answered HTTP ${status}`);
    if (!isServiceRecord(data)) {
      throw new ToolError('invalid_output', 'the service answered a record of an unexpected shape');
    }
    return ok(this.#record(data), {
      source: '__PLUGIN_NAME__',
      fetchedAt: new Date().toISOString(),
    });
  }

  /** Only the documented fields: an upstream that adds fields must not leak them onward. */
  #record(data: ServiceRecord): ServiceRecord & { [key: string]: unknown } {
    return { id: data.id, name: data.name, status: data.status };
  }
}
