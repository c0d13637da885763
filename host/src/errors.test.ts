import { ToolhostError } from '@toolhost/plugin-sdk/host';
import { describe, expect, it } from 'vitest';
import { HostError, isHostError } from './errors.js';

describe('HostError', () => {
  it('renders its catalog template and keeps code and parameters', () => {
    const error = new HostError('TOOLHOST_ERR_SECRET_MISSING', {
      plugin: 'crm',
      secret: 'apiKey',
      env: 'CRM_API_KEY',
    });
    expect(error.message).toBe(
      "Secret 'apiKey' of plugin 'crm' references environment variable CRM_API_KEY, which is not set",
    );
    expect(error).toMatchObject({ name: 'HostError', code: 'TOOLHOST_ERR_SECRET_MISSING' });
  });

  it('isHostError goes by the brand, so a copy from another module instance counts', () => {
    const fromAnotherCopy = Object.assign(new Error('x'), {
      code: 'TOOLHOST_ERR_AUDIT_FAILED',
      [Symbol.for('toolhost.host-error')]: true,
    });
    expect(isHostError(fromAnotherCopy)).toBe(true);
    expect(isHostError(new HostError('TOOLHOST_ERR_AUDIT_FAILED', { details: 'x' }))).toBe(true);
  });

  it('isHostError refuses look-alikes and the SDK errors', () => {
    expect(isHostError({ code: 'TOOLHOST_ERR_AUDIT_FAILED' })).toBe(false);
    expect(isHostError(new ToolhostError('TOOLHOST_ERR_PLUGIN_INVALID', {}))).toBe(false);
    expect(isHostError(null)).toBe(false);
  });
});
