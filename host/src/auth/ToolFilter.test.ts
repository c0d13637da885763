import { describe, expect, it } from 'vitest';
import { createToolFilter, EVERY_TOOL } from './ToolFilter.js';

const readOnly = { readOnly: true };

describe('createToolFilter', () => {
  it('without a list or readOnly lets every tool through', () => {
    expect(createToolFilter(null, false)).toBe(EVERY_TOOL);
    expect(EVERY_TOOL.allows({ name: 'rag.add_documents' })).toBe(true);
  });

  it('a list names tools and whole plugins', () => {
    const filter = createToolFilter(['rag.search', 'crm.*'], false);
    expect(filter.unrestricted).toBe(false);
    for (const name of ['rag.search', 'crm.lookup_customer', 'crm.x']) {
      expect(filter.allowsName(name), name).toBe(true);
    }
    for (const name of [
      'rag.add_documents',
      'memory.recall',
      'crm',
      'crmx.lookup',
      'rag.search2',
    ]) {
      expect(filter.allowsName(name), name).toBe(false);
    }
  });

  it('readOnly lets only tools annotated readOnly: true through, within the list', () => {
    const all = createToolFilter(null, true);
    expect(all.allowsName('rag.add_documents')).toBe(true);
    expect(all.allows({ name: 'rag.search', annotations: readOnly })).toBe(true);
    expect(all.allows({ name: 'rag.add_documents', annotations: { readOnly: false } })).toBe(false);
    expect(all.allows({ name: 'memory.remember' })).toBe(false);
    const some = createToolFilter(['rag.*'], true);
    expect(some.allows({ name: 'crm.lookup_customer', annotations: readOnly })).toBe(false);
    expect(some.allows({ name: 'rag.search', annotations: readOnly })).toBe(true);
  });
});
