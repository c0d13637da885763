import { toolChart } from './chart.js';
import { h } from './dom.js';
import type { ManifestView, PluginStatus, ToolDescription, ToolMinutes } from './types.js';

export interface PluginsModel {
  plugins: PluginStatus[];
  tools: Map<string, ToolDescription>;
  circuits: Map<string, string>;
  stats: Map<string, ToolMinutes>;
  manifests: Map<string, ManifestView>;
}

export type PluginAction = 'enable' | 'disable' | 'reload' | 'update' | 'remove';

export interface PluginsActions {
  act(plugin: string, action: PluginAction): void;
  install(spec: string, enable: boolean): void;
  showManifest(plugin: string): void;
}

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);

function sourceCell(view: ManifestView | undefined): HTMLElement {
  const source = view?.source;
  if (!source) return h('td', {}, view?.errors.length ? 'manifest refused' : '–');
  if (source.kind === 'folder')
    return h('td', {}, h('span', { class: 'tag' }, 'folder'), ' ', source.path);
  const integrity = source.integrity ?? 'no integrity pinned';
  return h(
    'td',
    {},
    h('span', { class: 'tag' }, 'registry'),
    ' ',
    `${source.package}@${source.version}`,
    h('br'),
    h(
      'span',
      { class: 'mono', attrs: { title: integrity } },
      integrity.slice(0, 24),
      integrity.length > 24 ? '…' : '',
    ),
    h('br'),
    source.signedBy === null
      ? h('span', { class: 'warn' }, 'unsigned')
      : h('span', { class: 'ok' }, `signed by ${source.signedBy}`),
  );
}

function permissionsCell(view: ManifestView | undefined): HTMLElement {
  const permissions = view?.permissions;
  if (!permissions || Object.keys(permissions).length === 0) return h('td', {}, 'none');
  return h(
    'td',
    {},
    h(
      'ul',
      { class: 'plain' },
      ...Object.entries(permissions).map(([name, value]) =>
        h(
          'li',
          {},
          h('strong', {}, name),
          ': ',
          Array.isArray(value) ? value.join(', ') : JSON.stringify(value),
        ),
      ),
    ),
  );
}

function toolsCell(status: PluginStatus, model: PluginsModel): HTMLElement {
  if (status.tools.length === 0) return h('td', {}, 'no tools served');
  return h(
    'td',
    {},
    h(
      'ul',
      { class: 'plain tools' },
      ...status.tools.map((tool) => {
        const circuit =
          model.circuits.get(tool) ?? model.tools.get(tool)?.state.circuit ?? 'closed';
        const stats = model.stats.get(tool);
        return h(
          'li',
          { attrs: { 'data-tool': tool } },
          h('span', { class: 'mono' }, tool),
          ' ',
          h(
            'span',
            { class: `circuit circuit-${circuit}`, attrs: { 'data-field': 'circuit' } },
            `circuit ${circuit}`,
          ),
          ' ',
          h(
            'span',
            { attrs: { 'data-field': 'rate' } },
            `${(stats?.callsPerMinute ?? 0).toFixed(1)} calls/min`,
          ),
          ', ',
          h(
            'span',
            { attrs: { 'data-field': 'errors' } },
            `${percent(stats?.errorRate ?? null)} errors`,
          ),
          ' ',
          stats ? toolChart(stats) : null,
        );
      }),
    ),
  );
}

function actionsCell(
  status: PluginStatus,
  view: ManifestView | undefined,
  actions: PluginsActions,
): HTMLElement {
  const button = (action: PluginAction, label: string, disabled = false) =>
    h(
      'button',
      {
        attrs: {
          type: 'button',
          'data-action': action,
          'aria-label': `${label} ${status.name}`,
          disabled,
        },
        on: { click: () => actions.act(status.name, action) },
      },
      label,
    );
  const running = status.state === 'enabled' || status.state === 'loading';
  return h(
    'td',
    { class: 'actions' },
    button('enable', 'Enable', running),
    button('disable', 'Disable', !running),
    button('reload', 'Reload'),
    view?.source?.kind === 'registry' ? button('update', 'Update') : null,
    view?.source?.kind === 'registry' ? button('remove', 'Remove') : null,
    h(
      'button',
      {
        attrs: {
          type: 'button',
          'data-action': 'manifest',
          'aria-label': `Manifest of ${status.name}`,
        },
        on: { click: () => actions.showManifest(status.name) },
      },
      'Manifest',
    ),
  );
}

function row(
  status: PluginStatus,
  model: PluginsModel,
  actions: PluginsActions,
): HTMLTableRowElement {
  const view = model.manifests.get(status.name);
  const runtime = status.runtime;
  return h(
    'tr',
    { attrs: { 'data-plugin': status.name, 'data-state': status.state } },
    h('th', { attrs: { scope: 'row' } }, status.name),
    h('td', {}, status.version ?? '–'),
    sourceCell(view),
    h(
      'td',
      {},
      status.isolation,
      runtime?.sandbox ? ` (${runtime.sandbox})` : '',
      runtime && runtime.restarts > 0 ? h('br') : null,
      runtime && runtime.restarts > 0 ? `${runtime.restarts} restarts` : '',
    ),
    h(
      'td',
      {},
      h(
        'span',
        { class: `state state-${status.state}`, attrs: { 'data-field': 'state' } },
        status.state,
      ),
      status.error
        ? h('p', { class: 'reason', attrs: { 'data-field': 'reason' } }, status.error)
        : null,
      runtime?.lastFault ? h('p', { class: 'reason' }, `last fault: ${runtime.lastFault}`) : null,
    ),
    permissionsCell(view),
    toolsCell(status, model),
    actionsCell(status, view, actions),
  );
}

/** The plugins table and the install form; `update` re-renders the table from the model. */
export function pluginsView(container: HTMLElement, actions: PluginsActions) {
  const spec = h('input', {
    attrs: { id: 'install-spec', name: 'spec', required: true, placeholder: '@acme/crm@^1' },
  });
  const enable = h('input', { attrs: { id: 'install-enable', type: 'checkbox', checked: true } });
  const progress = h('p', {
    attrs: { id: 'install-progress', role: 'status', 'aria-live': 'polite' },
  });
  const message = h('p', { attrs: { id: 'plugins-message', role: 'alert' }, class: 'error' });
  const form = h(
    'form',
    {
      class: 'inline',
      attrs: { 'aria-label': 'Registry install' },
      on: {
        submit: (event) => {
          event.preventDefault();
          actions.install(spec.value.trim(), enable.checked);
        },
      },
    },
    h('label', { attrs: { for: 'install-spec' } }, 'Install from the registry'),
    spec,
    h('label', { class: 'check', attrs: { for: 'install-enable' } }, enable, ' enable it'),
    h('button', { attrs: { type: 'submit' } }, 'Install'),
  );
  const body = h('tbody');
  const table = h(
    'table',
    { attrs: { id: 'plugins-table' } },
    h('caption', {}, 'Every plugin the host knows, as it runs now'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'Plugin',
          'Version',
          'Source',
          'Isolation',
          'State',
          'Permissions',
          'Tools (last hour)',
          'Actions',
        ].map((title) => h('th', { attrs: { scope: 'col' } }, title)),
      ),
    ),
    body,
  );
  // Every phase of the install or update under way, as the event stream reports them.
  const phases = h('ol', {
    class: 'phases',
    attrs: { id: 'install-phases', 'aria-label': 'Install phases' },
  });
  container.replaceChildren(form, progress, phases, message, h('div', { class: 'scroll' }, table));
  return {
    update(model: PluginsModel) {
      const focused = document.activeElement;
      const refocus =
        focused instanceof HTMLElement && body.contains(focused)
          ? [focused.closest('tr')?.dataset['plugin'], focused.dataset['action']]
          : null;
      body.replaceChildren(...model.plugins.map((status) => row(status, model, actions)));
      if (refocus) {
        const [plugin, action] = refocus;
        const again = [...body.querySelectorAll<HTMLButtonElement>('button')].find(
          (b) => b.closest('tr')?.dataset['plugin'] === plugin && b.dataset['action'] === action,
        );
        again?.focus();
      }
    },
    progress(text: string) {
      progress.textContent = text;
    },
    /** Adds a line to the phases list; another operation's first phase clears it. */
    phase(operation: string, name: string, text: string) {
      if (phases.dataset['operation'] !== operation) {
        phases.replaceChildren();
        phases.dataset['operation'] = operation;
      }
      phases.append(h('li', { attrs: { 'data-phase': name } }, text));
    },
    message(text: string) {
      message.textContent = text;
    },
  };
}

/** The manifest viewer: each field with its value, and the validation errors on the fields they name. */
export function manifestDialog(view: ManifestView): HTMLDialogElement {
  const rows: Array<[string, unknown]> = [];
  const walk = (value: unknown, path: string) => {
    if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0
    ) {
      for (const [key, inner] of Object.entries(value))
        walk(inner, path === '' ? key : `${path}.${key}`);
    } else rows.push([path, value]);
  };
  if (view.manifest !== null) walk(view.manifest, '');
  const fieldsWithRows = new Set(rows.map(([path]) => path));
  const errorsOf = (path: string) => view.errors.filter((e) => e.field === path);
  const loose = view.errors.filter((e) => e.field === null || !fieldsWithRows.has(e.field));
  const close = h('button', { attrs: { type: 'button', 'data-action': 'close' } }, 'Close');
  const dialog = h(
    'dialog',
    { class: 'manifest', attrs: { 'aria-labelledby': 'manifest-title', id: 'manifest-dialog' } },
    h('h3', { attrs: { id: 'manifest-title' } }, `Manifest of ${view.plugin}`),
    h('p', { class: 'mono' }, view.file ?? 'no manifest file'),
    view.errors.length === 0
      ? h('p', { class: 'ok' }, 'Valid.')
      : h(
          'p',
          { class: 'error', attrs: { role: 'alert' } },
          `${view.errors.length} validation error(s).`,
        ),
    loose.length
      ? h('ul', { class: 'errors' }, ...loose.map((e) => h('li', { class: 'error' }, e.message)))
      : null,
    h(
      'table',
      { class: 'fields' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { attrs: { scope: 'col' } }, 'Field'),
          h('th', { attrs: { scope: 'col' } }, 'Value'),
        ),
      ),
      h(
        'tbody',
        {},
        ...rows.map(([path, value], i) => {
          const errors = errorsOf(path);
          const id = `manifest-error-${i}`;
          return h(
            'tr',
            { class: errors.length ? 'invalid' : '', attrs: { 'data-field': path } },
            h('th', { attrs: { scope: 'row' } }, path),
            h(
              'td',
              {},
              h(
                'span',
                {
                  class: 'mono',
                  attrs: {
                    'aria-invalid': errors.length > 0,
                    'aria-describedby': errors.length ? id : null,
                  },
                },
                JSON.stringify(value),
              ),
              ...errors.map((e) => h('p', { class: 'error', attrs: { id } }, e.message)),
            ),
          );
        }),
      ),
    ),
    h(
      'details',
      {},
      h('summary', {}, 'The file as written'),
      h('pre', { class: 'json' }, view.text ?? ''),
    ),
    close,
  );
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  return dialog;
}
