import { describe, expect, it } from 'vitest';
import { applyPluginFlags } from './applyPluginFlags.js';

describe('applyPluginFlags', () => {
  it('leaves the manifest in charge when no flag is set', () => {
    expect(applyPluginFlags('crm', false, {})).toEqual({ enabled: false, forcedBy: null });
    expect(applyPluginFlags('greeter', true, { crm: false })).toEqual({
      enabled: true,
      forcedBy: null,
    });
  });

  it('a flag forces its plugin on or off and says which variable did', () => {
    expect(applyPluginFlags('crm', false, { crm: true })).toEqual({
      enabled: true,
      forcedBy: 'ENABLE_CRM_TOOL=true',
    });
    expect(applyPluginFlags('rag', true, { rag: false })).toEqual({
      enabled: false,
      forcedBy: 'ENABLE_RAG=false',
    });
    expect(applyPluginFlags('billing', true, { billing: true })).toEqual({
      enabled: true,
      forcedBy: null,
    });
  });
});
