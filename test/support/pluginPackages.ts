import type { PackageFiles } from './registry.js';

export interface FixturePlugin {
  /** The npm package name, e.g. `@acme/plugin-hello`. */
  package: string;
  version: string;
  /** What `definePlugin({ name })` says; the installer derives the same from the package name. */
  plugin: string;
  sdk?: string;
  dependencies?: Record<string, string>;
  /** Code run at the top of index.js, before definePlugin. */
  prelude?: string;
  /** More files of the package. */
  files?: PackageFiles;
  /** Other package.json fields. */
  fields?: Record<string, unknown>;
}

/**
 * A plugin package of one tool, `<plugin>.version`, whose answer names the package version,
 * so a test sees which version served a call.
 */
export function fixturePlugin(fixture: FixturePlugin): PackageFiles {
  return {
    'package.json': {
      name: fixture.package,
      version: fixture.version,
      type: 'module',
      main: 'index.js',
      toolhost: { sdk: fixture.sdk ?? '^1.0.0' },
      peerDependencies: { '@toolhost/plugin-sdk': '^1.0.0' },
      ...(fixture.dependencies ? { dependencies: fixture.dependencies } : {}),
      ...fixture.fields,
    },
    'index.js': `${fixture.prelude ?? ''}
import { BaseTool, definePlugin, ok } from '@toolhost/plugin-sdk';
class Tool extends BaseTool {
  async version() {
    return ok({ version: ${JSON.stringify(fixture.version)} });
  }
}
export default definePlugin({
  name: ${JSON.stringify(fixture.plugin)},
  tools: { version: { description: 'Which version answers', inputSchema: { type: 'object' } } },
  create: (ctx) => new Tool(ctx),
});
`,
    ...fixture.files,
  };
}
