import {
  BaseTool,
  fail,
  ok,
  ToolError,
  type CallContext,
  type ToolResult,
} from '@toolhost/plugin-sdk';
import { isCustomerProfile, type CustomerProfile } from './customerSchema.js';

export interface CrmConfig {
  [key: string]: unknown;
  /** Where the CRM's REST API lives, e.g. `https://crm.example.com/api`; its origin must be granted. */
  baseUrl: string;
  /** Per-request timeout; the host's policy.timeoutMs still bounds the whole call. */
  requestTimeoutMs: number;
}

/**
 * Looks customers up in a CRM REST API. The error mapping is the part to copy:
 * 404 → not_found (a fact, never retried), 5xx and network errors → upstream_error
 * (retried by the host for this idempotent tool), 401/403 → permission_denied with a
 * message that points at the configuration, any other shape → invalid_output.
 */
export class CrmTool extends BaseTool<CrmConfig> {
  #apiKey = '';

  override async initialize(): Promise<void> {
    const apiKey = this.ctx.secrets['apiKey'];
    if (!apiKey)
      throw new Error('the CRM API key is missing: set the secret "apiKey" in the manifest');
    this.#apiKey = apiKey;
  }

  async lookup_customer(input: { customerId: string }, call: CallContext): Promise<ToolResult> {
    const url = `${this.ctx.config.baseUrl.replace(/\/+$/, '')}/customers/${encodeURIComponent(input.customerId)}`;
    const response = await this.ctx.http.json(url, {
      headers: { authorization: `Bearer ${this.#apiKey}` },
      timeoutMs: this.ctx.config.requestTimeoutMs,
      signal: call.signal,
    });
    const { status, data } = response;
    if (status === 404) return fail(`customer ${input.customerId} not found`, 'not_found');
    if (status === 401 || status === 403) {
      throw new ToolError(
        'permission_denied',
        `the CRM refused our credentials (HTTP ${status}): check the apiKey secret of the crm manifest`,
      );
    }
    if (status >= 500) throw new ToolError('upstream_error', `the CRM answered HTTP ${status}`);
    if (status !== 200)
      throw new ToolError('upstream_error', `the CRM answered an unexpected HTTP ${status}`);
    if (!isCustomerProfile(data)) {
      throw new ToolError(
        'invalid_output',
        'the CRM answered a customer record of an unexpected shape',
      );
    }
    return ok(this.#profile(data), { source: 'crm', fetchedAt: new Date().toISOString() });
  }

  /** Only the documented fields: an upstream that adds fields must not leak them onward. */
  #profile(data: CustomerProfile): CustomerProfile & { [key: string]: unknown } {
    return {
      id: data.id,
      name: data.name,
      email: data.email,
      plan: data.plan,
      accountStatus: data.accountStatus,
      openOrders: data.openOrders.map(({ id, status, total }) => ({ id, status, total })),
    };
  }
}
