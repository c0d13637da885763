import { loadSettings } from '../config/loadSettings.js';
import { DISTRIBUTION_USAGE } from './distributionCommands.js';
import { pluginsCommand } from './pluginsCommand.js';

const USAGE = `usage: toolhost <command>

  start                         start the host (runs pending migrations first)
  migrate [--status | --down]   apply pending migrations, list them, or revert the last one
  plugins list                  list manifests: enabled, source; registry installs with their
                                integrity and whether their files still match the install
  plugins enable <name>         set "enabled": true in manifests/<name>.json
  plugins disable <name>        set "enabled": false in manifests/<name>.json
${DISTRIBUTION_USAGE}

A running host applies manifest changes by itself; settings come from the environment (see README).`;

/** Runs one CLI command; resolves to the exit code, or null when the process should keep running. */
export async function runCli(args: readonly string[]): Promise<number | null> {
  const [command, ...rest] = args;
  switch (command) {
    // Imported on demand: `toolhost plugins …` need not load the host, its ORM and telemetry.
    case 'start':
      return (await import('./startCommand.js')).startCommand(loadSettings());
    case 'migrate':
      return (await import('./migrateCommand.js')).migrateCommand(loadSettings(), rest);
    case 'plugins':
      return pluginsCommand(loadSettings(), rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`toolhost: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}
