import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { expect, it } from 'vitest';
import * as sdk from './index.js';

/** Every name `index.ts` exports, values and types. */
function exportedNames(): string[] {
  const file = new URL('./index.ts', import.meta.url);
  const source = ts.createSourceFile(
    'index.ts',
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
  );
  return source.statements.flatMap((statement) =>
    ts.isExportDeclaration(statement) &&
    statement.exportClause &&
    ts.isNamedExports(statement.exportClause)
      ? statement.exportClause.elements.map((element) => element.name.text)
      : [],
  );
}

it('the root export is the plugin author surface the SDK README lists, and no more', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const row = readme.split('\n').find((line) => line.startsWith('| `@toolhost/plugin-sdk` '));
  const listed = [...(row ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]);
  expect(exportedNames().sort()).toEqual(listed.sort());
  expect(exportedNames().length).toBeLessThanOrEqual(22);
  expect(Object.keys(sdk).sort()).toEqual([
    'BaseTool',
    'KeyedMutex',
    'ToolError',
    'definePlugin',
    'ensureToolAsync',
    'fail',
    'isToolError',
    'isToolhostError',
    'ok',
    'syncToAsyncAdapter',
  ]);
});
