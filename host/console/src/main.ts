import { ApiError, createApi, segment, type Api } from './api.js';
import { conversationsView } from './conversationsView.js';
import { byId } from './dom.js';
import { keyStore } from './keyStore.js';
import { connectLive } from './live.js';
import {
  manifestDialog,
  pluginsView,
  type PluginAction,
  type PluginsModel,
} from './pluginsView.js';
import { toolsView } from './toolsView.js';
import type { ManifestView, PluginStatus, StatsSnapshot, ToolDescription } from './types.js';

const VIEWS = ['plugins', 'tools', 'conversations'] as const;
type View = (typeof VIEWS)[number];
const STATS_REFRESH_MS = 15_000;

const describe = (error: unknown) =>
  error instanceof ApiError ? `${error.code}: ${error.message}` : String(error);

function showView(view: View): void {
  for (const name of VIEWS) {
    byId(`view-${name}`).hidden = name !== view;
    const button = document.querySelector<HTMLButtonElement>(`#views button[data-view="${name}"]`);
    if (name === view) button?.setAttribute('aria-current', 'page');
    else button?.removeAttribute('aria-current');
  }
  document.body.dataset['view'] = view;
}

function phaseText(event: {
  operation: string;
  target: string;
  progress: Record<string, unknown>;
}): string {
  const { phase, ...rest } = event.progress;
  const detail = Object.entries(rest)
    .filter(([k]) => k !== 'spec')
    .map(([k, v]) => `${String(v)} ${k}`)
    .join(', ');
  return `${event.operation} ${event.target}: ${String(phase)}${detail ? ` (${detail})` : ''}`;
}

/** Signed in: load everything, follow the event stream, refresh the counters now and then. */
function start(api: Api, onSignOut: () => void): () => void {
  const model: PluginsModel = {
    plugins: [],
    tools: new Map(),
    circuits: new Map(),
    stats: new Map(),
    manifests: new Map(),
  };
  let toolList: ToolDescription[] = [];
  /** Installs and updates whose request has not answered yet, as `install <spec>` / `update <name>`. */
  const pending = new Set<string>();
  const tools = toolsView(byId('tools'), api);
  conversationsView(byId('conversations'), api);

  const plugins = pluginsView(byId('plugins'), {
    act(name, action: PluginAction) {
      if (
        action === 'remove' &&
        !window.confirm(`Remove plugin ${name}? Its files and manifest are deleted.`)
      )
        return;
      plugins.message('');
      plugins.progress(`${action} ${name}…`);
      const operation = `${action} ${name}`;
      pending.add(operation);
      api
        .post<unknown>(`/v1/admin/plugins/${segment(name)}/${action}`)
        .finally(() => pending.delete(operation))
        .then(() => {
          plugins.progress(`${action} ${name}: done`);
          return refresh();
        })
        .catch((error: unknown) => {
          plugins.progress('');
          plugins.message(`${action} ${name} failed: ${describe(error)}`);
          void refresh();
        });
    },
    install(spec, enable) {
      plugins.message('');
      plugins.progress(`install ${spec}: starting`);
      const operation = `install ${spec}`;
      pending.add(operation);
      api
        .post<{ plugin: PluginStatus }>('/v1/admin/plugins/install', { spec, enable })
        .finally(() => pending.delete(operation))
        .then((answer) => {
          plugins.progress(
            `install ${spec}: done, ${answer.plugin.name} is ${answer.plugin.state}`,
          );
          return refresh();
        })
        .catch((error: unknown) => {
          plugins.progress('');
          plugins.message(`install ${spec} failed: ${describe(error)}`);
        });
    },
    showManifest(name) {
      api
        .get<ManifestView>(`/v1/admin/plugins/${segment(name)}/manifest`)
        .then((view) => {
          const dialog = manifestDialog(view);
          document.body.append(dialog);
          dialog.showModal();
        })
        .catch((error: unknown) => plugins.message(`manifest of ${name}: ${describe(error)}`));
    },
  });

  const render = () => {
    plugins.update(model);
    tools.update(toolList);
  };

  // A circuit event newer than a tool list request wins over that list's (older) answer.
  let eventCount = 0;
  const circuitEvents = new Map<string, { state: string; seen: number }>();

  async function refreshTools(): Promise<void> {
    const asked = eventCount;
    const answer = await api.get<{ tools: ToolDescription[] }>('/v1/tools');
    toolList = answer.tools;
    model.tools = new Map(toolList.map((t) => [t.name, t]));
    model.circuits = new Map(
      toolList.map((t) => {
        const event = circuitEvents.get(t.name);
        return [t.name, event && event.seen > asked ? event.state : t.state.circuit];
      }),
    );
  }

  async function refreshStats(): Promise<void> {
    const stats = await api.get<StatsSnapshot>('/v1/admin/tools/stats');
    model.stats = new Map(stats.tools.map((t) => [t.tool, t]));
  }

  async function refreshManifests(names: string[]): Promise<void> {
    const views = await Promise.all(
      names.map((name) =>
        api.get<ManifestView>(`/v1/admin/plugins/${segment(name)}/manifest`).catch(() => null),
      ),
    );
    for (const view of views) if (view) model.manifests.set(view.plugin, view);
  }

  async function refresh(): Promise<void> {
    const { plugins: list } = await api.get<{ plugins: PluginStatus[] }>('/v1/admin/plugins');
    model.plugins = list;
    await Promise.all([refreshTools(), refreshStats(), refreshManifests(list.map((p) => p.name))]);
    render();
    document.body.dataset['loaded'] = 'true';
  }

  let toolsTimer: number | undefined;
  const stopLive = connectLive(api, {
    plugin(change) {
      const index = model.plugins.findIndex((p) => p.name === change.plugin);
      if (change.status === null) {
        if (index >= 0) model.plugins.splice(index, 1);
      } else if (index >= 0) model.plugins[index] = change.status;
      else {
        model.plugins.push(change.status);
        model.plugins.sort((a, b) => a.name.localeCompare(b.name));
      }
      render();
      // The row changed from the event itself; the tool list follows shortly after.
      clearTimeout(toolsTimer);
      toolsTimer = window.setTimeout(() => {
        const names = change.status ? [change.plugin] : [];
        void Promise.all([refreshTools(), refreshStats(), refreshManifests(names)]).then(
          render,
          () => undefined,
        );
      }, 100);
    },
    circuit(change) {
      eventCount += 1;
      circuitEvents.set(change.tool, { state: change.state, seen: eventCount });
      model.circuits.set(change.tool, change.state);
      render();
    },
    install(event) {
      const operation = `${event.operation} ${event.target}`;
      plugins.phase(operation, event.progress.phase, phaseText(event));
      // A phase that arrives after its request answered must not hide how it ended.
      if (pending.has(operation)) plugins.progress(phaseText(event));
    },
    status(text) {
      const live = byId('live');
      live.textContent = text;
      live.dataset['state'] = text.split(':')[0] ?? text;
    },
  });
  const statsTimer = window.setInterval(() => {
    void refreshStats().then(render, () => undefined);
  }, STATS_REFRESH_MS);

  // Coming back to the plugins view shows the counters as they are now.
  const pluginsButton = document.querySelector<HTMLButtonElement>(
    '#views button[data-view="plugins"]',
  );
  const onPlugins = () => void refreshStats().then(render, () => undefined);
  pluginsButton?.addEventListener('click', onPlugins);

  const signOut = byId<HTMLButtonElement>('sign-out');
  signOut.hidden = false;
  signOut.onclick = () => onSignOut();
  byId('views').hidden = false;
  byId('sign-in').hidden = true;
  showView('plugins');
  void refresh().catch((error: unknown) => plugins.message(describe(error)));
  return () => {
    pluginsButton?.removeEventListener('click', onPlugins);
    stopLive();
    clearInterval(statsTimer);
    clearTimeout(toolsTimer);
  };
}

function main(): void {
  let stop: (() => void) | null = null;
  const form = byId<HTMLFormElement>('sign-in-form');
  const input = byId<HTMLInputElement>('api-key');
  const error = byId('sign-in-error');

  const signOut = () => {
    stop?.();
    stop = null;
    keyStore.clear();
    byId('sign-out').hidden = true;
    byId('views').hidden = true;
    for (const view of VIEWS) byId(`view-${view}`).hidden = true;
    byId('sign-in').hidden = false;
    delete document.body.dataset['loaded'];
    input.value = '';
    input.focus();
  };

  /** A key is good when the admin plugin list answers to it. */
  async function signIn(key: string): Promise<void> {
    const api = createApi(key);
    try {
      await api.get('/v1/admin/plugins');
    } catch (failure) {
      keyStore.clear();
      error.textContent =
        failure instanceof ApiError && failure.status === 401
          ? 'That key is not valid.'
          : failure instanceof ApiError && failure.status === 403
            ? 'That key has no admin scope.'
            : `Cannot sign in: ${describe(failure)}`;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    input.value = '';
    keyStore.write(key);
    stop = start(api, signOut);
    byId('main').focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(input.value.trim());
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('#views button')) {
    button.addEventListener('click', () => showView(button.dataset['view'] as View));
  }
  const saved = keyStore.read();
  if (saved) void signIn(saved);
  else input.focus();
}

main();
