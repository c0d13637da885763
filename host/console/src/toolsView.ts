import type { Api } from './api.js';
import { ApiError, segment } from './api.js';
import { h, json } from './dom.js';
import { schemaForm } from './schemaForm.js';
import type { CallRecord, ToolDescription, ToolResult } from './types.js';

function annotationList(annotations: Record<string, unknown>): HTMLElement {
  const entries = Object.entries(annotations);
  if (entries.length === 0) return h('p', {}, 'No annotations.');
  return h(
    'dl',
    { class: 'pairs' },
    ...entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, JSON.stringify(v))]),
  );
}

function recordList(record: CallRecord): HTMLElement {
  return h(
    'dl',
    { class: 'pairs record', attrs: { 'data-outcome': record.outcome } },
    h('dt', {}, 'outcome'),
    h('dd', { attrs: { 'data-field': 'outcome' } }, record.outcome),
    h('dt', {}, 'attempts'),
    h('dd', { attrs: { 'data-field': 'attempts' } }, record.attempts),
    h('dt', {}, 'duration'),
    h('dd', { attrs: { 'data-field': 'duration' } }, `${record.durationMs.toFixed(1)} ms`),
    h('dt', {}, 'error code'),
    h('dd', { attrs: { 'data-field': 'errorCode' } }, record.errorCode ?? 'none'),
  );
}

function toolCard(tool: ToolDescription, api: Api): HTMLElement {
  const result = h('div', {
    class: 'result',
    attrs: { 'aria-live': 'polite', 'data-field': 'result' },
  });
  const form = schemaForm(
    `tool-${tool.name.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    tool.inputSchema,
    (input) => {
      result.replaceChildren(h('p', {}, 'Calling…'));
      api
        .post<{ result: ToolResult; record: CallRecord }>(
          `/v1/admin/tools/${segment(tool.name)}/invoke`,
          { input },
        )
        .then(({ result: answer, record }) => {
          result.replaceChildren(
            h(
              'h5',
              {},
              answer.success
                ? 'ToolResult: success'
                : `ToolResult: failed (${answer.errorCode ?? 'no code'})`,
            ),
            json(answer, `ToolResult of ${tool.name}`),
            h('h5', {}, 'Call record'),
            recordList(record),
          );
        })
        .catch((error: unknown) => {
          const message =
            error instanceof ApiError ? `${error.code}: ${error.message}` : String(error);
          result.replaceChildren(h('p', { class: 'error', attrs: { role: 'alert' } }, message));
        });
    },
    `Call ${tool.name}`,
  );
  return h(
    'details',
    { class: 'tool', attrs: { 'data-tool': tool.name } },
    h(
      'summary',
      {},
      h('span', { class: 'mono' }, tool.name),
      ' ',
      h(
        'span',
        { class: `circuit circuit-${tool.state.circuit}` },
        `circuit ${tool.state.circuit}`,
      ),
      ' — ',
      h('span', { class: 'description', attrs: { 'data-field': 'description' } }, tool.description),
    ),
    h(
      'p',
      {},
      `plugin ${tool.plugin}, isolation ${tool.isolation}${tool.sandbox ? ` (${tool.sandbox})` : ''}`,
    ),
    h('h4', {}, 'Annotations'),
    annotationList(tool.annotations),
    h('h4', {}, 'Input schema'),
    json(tool.inputSchema, `input schema of ${tool.name}`),
    h('h4', {}, 'Output schema'),
    tool.outputSchema
      ? json(tool.outputSchema, `output schema of ${tool.name}`)
      : h('p', {}, 'None declared.'),
    h('h4', {}, 'Try a call'),
    form,
    result,
  );
}

/** Every served tool, each with its schemas, annotations and a form to try a call. */
export function toolsView(container: HTMLElement, api: Api) {
  return {
    update(tools: ToolDescription[]) {
      const open = new Set(
        [...container.querySelectorAll<HTMLDetailsElement>('details.tool[open]')].map(
          (d) => d.dataset['tool'],
        ),
      );
      // A tool whose card is open keeps it (and what was typed into it) across refreshes.
      const kept = new Map(
        [...container.querySelectorAll<HTMLDetailsElement>('details.tool')].map((d) => [
          d.dataset['tool'],
          d,
        ]),
      );
      const cards = tools.map((tool) => {
        const existing = kept.get(tool.name);
        return existing && open.has(tool.name) ? existing : toolCard(tool, api);
      });
      container.replaceChildren(
        tools.length === 0
          ? h('p', {}, 'No tools are served.')
          : h('div', { class: 'tool-list' }, ...cards),
      );
    },
  };
}
