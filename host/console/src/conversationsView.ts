import type { Api } from './api.js';
import { ApiError, segment } from './api.js';
import { h, json } from './dom.js';
import type { AgentResponse, AuditEntry, SessionContext } from './types.js';

const describe = (error: unknown) =>
  error instanceof ApiError ? `${error.code}: ${error.message}` : String(error);

function contextList(context: SessionContext): HTMLElement {
  const pairs: Array<[string, unknown]> = [
    ['messages', context.messageCount],
    ['failures', context.failureCount],
    ['escalated', context.escalated],
    ['escalation ticket', context.escalationTicketId ?? 'none'],
    ['customer', context.customerId ?? 'none'],
    ['last intent', context.lastIntent ?? 'none'],
    ['created', context.createdAt],
    ['updated', context.updatedAt],
  ];
  return h(
    'dl',
    { class: 'pairs', attrs: { id: 'session-context' } },
    ...pairs.flatMap(([k, v]) => [
      h('dt', {}, k),
      h('dd', { attrs: { 'data-field': k } }, String(v)),
    ]),
  );
}

function auditTable(entries: AuditEntry[], api: Api): HTMLElement {
  if (entries.length === 0)
    return h('p', { attrs: { id: 'audit-empty' } }, 'No audit entries yet.');
  return h(
    'table',
    { attrs: { id: 'audit-table' } },
    h('caption', {}, 'Audit entries, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Time', 'Message (redacted)', 'Tools', 'Sources', 'Escalation', 'Trace', 'Payload'].map(
          (t) => h('th', { attrs: { scope: 'col' } }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...entries.map((entry) => {
        const payload = h('div');
        const fetchPayload = h(
          'button',
          {
            attrs: { type: 'button', 'aria-label': `Fetch the full payload of ${entry.id}` },
            on: {
              click: () => {
                if (entry.rawPayloadKey === null) return;
                payload.replaceChildren(h('p', {}, 'Fetching…'));
                api
                  .get<unknown>(
                    `/v1/admin/audit/payload?key=${encodeURIComponent(entry.rawPayloadKey)}`,
                  )
                  .then((value) => payload.replaceChildren(json(value, 'audit payload')))
                  .catch((error: unknown) =>
                    payload.replaceChildren(h('p', { class: 'error' }, describe(error))),
                  );
              },
            },
          },
          'Fetch',
        );
        return h(
          'tr',
          { attrs: { 'data-audit': entry.id, 'data-request-id': entry.requestId } },
          h('td', {}, h('time', { attrs: { datetime: entry.timestamp } }, entry.timestamp)),
          h(
            'td',
            { attrs: { 'data-field': 'text' } },
            entry.messageText,
            entry.piiRedacted ? h('span', { class: 'tag' }, ' redacted') : null,
          ),
          h(
            'td',
            {},
            entry.toolsCalled.length === 0
              ? 'none'
              : h(
                  'ul',
                  { class: 'plain' },
                  ...entry.toolsCalled.map((call) =>
                    h(
                      'li',
                      { attrs: { 'data-tool': call.tool } },
                      h('span', { class: 'mono' }, call.tool),
                      ' ',
                      h(
                        'span',
                        { class: call.outcome === 'success' ? 'ok' : 'warn' },
                        call.outcome,
                      ),
                      call.errorCode ? ` ${call.errorCode}` : '',
                      ` (${call.attempts} attempt${call.attempts === 1 ? '' : 's'}, ${Math.round(call.durationMs)} ms)`,
                    ),
                  ),
                ),
          ),
          h(
            'td',
            {},
            entry.selectedSources.length === 0
              ? 'none'
              : entry.selectedSources.map((s) => s.title).join('; '),
          ),
          h('td', {}, entry.escalationTicketId ?? 'none'),
          h('td', { class: 'mono' }, entry.traceId ?? '–'),
          h('td', {}, entry.rawPayloadKey === null ? 'inline' : fetchPayload, payload),
        );
      }),
    ),
  );
}

/** Look a session up (its context and audit trail), and send it a message with the signed-in key. */
export function conversationsView(container: HTMLElement, api: Api) {
  const sessionInput = h('input', {
    attrs: {
      id: 'session-id',
      name: 'session',
      required: true,
      pattern: '[A-Za-z0-9._:-]{1,128}',
      autocomplete: 'off',
    },
  });
  const output = h('div', { attrs: { id: 'session-output', 'aria-live': 'polite' } });
  const lookupError = h('p', { class: 'error', attrs: { role: 'alert', id: 'session-error' } });
  const text = h('textarea', {
    attrs: { id: 'message-text', name: 'text', rows: 3, required: true, maxlength: 8000 },
  });
  const answer = h('div', { attrs: { id: 'message-answer', 'aria-live': 'polite' } });

  async function lookUp(sessionId: string): Promise<void> {
    lookupError.textContent = '';
    const [context, audit] = await Promise.allSettled([
      api.get<SessionContext>(`/v1/admin/sessions/${segment(sessionId)}`),
      api.get<{ entries: AuditEntry[] }>(`/v1/sessions/${segment(sessionId)}/audit`),
    ]);
    output.replaceChildren(
      h('h3', {}, `Session ${sessionId}`),
      context.status === 'fulfilled'
        ? contextList(context.value)
        : h('p', { class: 'error' }, `context: ${describe(context.reason)}`),
      h('h3', {}, 'Audit'),
      audit.status === 'fulfilled'
        ? auditTable(audit.value.entries, api)
        : h('p', { class: 'error' }, `audit: ${describe(audit.reason)}`),
    );
  }

  const lookupForm = h(
    'form',
    {
      class: 'inline',
      attrs: { 'aria-label': 'Look up a session' },
      on: {
        submit: (event) => {
          event.preventDefault();
          void lookUp(sessionInput.value.trim()).catch((error: unknown) => {
            lookupError.textContent = describe(error);
          });
        },
      },
    },
    h('label', { attrs: { for: 'session-id' } }, 'Session id'),
    sessionInput,
    h('button', { attrs: { type: 'submit' } }, 'Look up'),
  );
  const sendForm = h(
    'form',
    {
      attrs: { 'aria-label': 'Send a message as this session' },
      on: {
        submit: (event) => {
          event.preventDefault();
          const sessionId = sessionInput.value.trim();
          if (!sessionInput.reportValidity()) return;
          answer.replaceChildren(h('p', {}, 'Waiting for the answer…'));
          api
            .post<AgentResponse>(
              `/v1/sessions/${segment(sessionId)}/messages`,
              { text: text.value },
              { 'Idempotency-Key': crypto.randomUUID() },
            )
            .then(async (response) => {
              answer.replaceChildren(
                h('h4', {}, 'Answer'),
                h('p', { class: 'reply', attrs: { 'data-field': 'reply' } }, response.reply),
                h('p', { class: 'hint' }, `request ${response.requestId}`),
                h(
                  'details',
                  {},
                  h('summary', {}, 'Whole response'),
                  json(response, 'agent response'),
                ),
              );
              await lookUp(sessionId);
            })
            .catch((error: unknown) => {
              const hint =
                error instanceof ApiError && error.status === 403
                  ? ' (sending needs a key with the messages scope as well as admin)'
                  : '';
              answer.replaceChildren(
                h('p', { class: 'error', attrs: { role: 'alert' } }, describe(error) + hint),
              );
            });
        },
      },
    },
    h('label', { attrs: { for: 'message-text' } }, 'Message to send as this session'),
    text,
    h('button', { attrs: { type: 'submit' } }, 'Send'),
  );
  container.replaceChildren(lookupForm, lookupError, sendForm, answer, output);
}
