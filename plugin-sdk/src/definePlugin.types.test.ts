import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as fixture from './definePlugin.types.test-d.js';

const FIXTURE = fileURLToPath(new URL('./definePlugin.types.test-d.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const DIRECTIVE = /\/\/ @ts-expect-error .*; expects "([^"]+)"/;

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(TSCONFIG, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(
    config.config,
    ts.sys,
    fileURLToPath(new URL('..', import.meta.url)),
  );
  return {
    ...parsed.options,
    noEmit: true,
    composite: false,
    declaration: false,
    incremental: false,
  };
}

const options = compilerOptions();
let previous: ts.Program | undefined;

/** The fixture's diagnostics (1-based line and message) when compiled with `text` as its source. */
function diagnosticsOf(text: string): { line: number; message: string }[] {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === FIXTURE
      ? ts.createSourceFile(name, text, language)
      : getSourceFile(name, language, ...rest);
  // Reusing the previous program spares re-parsing the lib and node typings every time.
  const program = ts.createProgram([FIXTURE], options, host, previous);
  previous = program;
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === FIXTURE)
    .map((d) => ({
      line: d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
}

const source = readFileSync(FIXTURE, 'utf8');
const lines = source.split('\n');
const directives = lines.flatMap((line, i) => {
  const expects = DIRECTIVE.exec(line)?.[1];
  return expects === undefined ? [] : [{ line: i + 1, expects }];
});

describe('the type-level promises of definePlugin', () => {
  it('the fixture compiles: every @ts-expect-error meets an error', () => {
    expect(directives.length).toBe(4);
    expect(diagnosticsOf(source)).toEqual([]);
  });

  it.each(directives)(
    'without the directive on line $line, TypeScript reports the error it expects ($expects)',
    ({ line, expects }) => {
      const without = lines.map((text, i) => (i === line - 1 ? '' : text)).join('\n');
      const reported = diagnosticsOf(without);
      expect(reported.map((d) => d.line)).toEqual([line + 1]);
      expect(reported[0]?.message).toContain(expects);
    },
  );

  it('a valid definition is a plugin at run time too', () => {
    expect(fixture.good.name).toBe('crm');
    expect(fixture.asyncCreate.configSchema).toEqual({ type: 'object' });
    expect(
      [fixture.missing, fixture.notATool, fixture.missingSchema, fixture.wrongResult].every(
        (f) => typeof f === 'function',
      ),
    ).toBe(true);
  });
});
