// Compiles test/types/typed-replies.test-d.ts with the workspace's strict settings (the root
// tsconfig.json, as the README snippet test does) and fails on any diagnostic: a valid line
// that does not compile, or a `@ts-expect-error` line that does. Then compiles it again with
// the directives removed and checks that each of those lines fails for a type reason, not for
// a misspelt name (TS2304 / TS2339 / TS2551), unless the directive names the code it expects.
// Last, the generated typed table has exactly the methods of the runtime command table.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../src/commands.generated.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./types/typed-replies.test-d.ts', import.meta.url));
const generated = fileURLToPath(new URL('../src/commands/typed-commands.generated.ts', import.meta.url));
const DIRECTIVE = /\/\/ @ts-expect-error(?: (TS\d+))?.*$/;
/** Codes that mean a name is wrong rather than a type: refused on an expect-error line unless named. */
const NAME_ERRORS = new Set([2304, 2339, 2551]);

/** The program of the fixture, its text replaced by `text`. */
function compile(text: string): { program: ts.Program; source: ts.SourceFile } {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('cannot read tsconfig.json');
  const options = { ...config.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (name === fixture ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, ...rest));
  const program = ts.createProgram([fixture], options, host);
  return { program, source: program.getSourceFile(fixture)! };
}

/** Each diagnostic of the fixture as `line: TSnnnn message` (lines from 1). */
function diagnostics(program: ts.Program, source: ts.SourceFile): { line: number; code: number; text: string }[] {
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
    const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1;
    return { line, code: d.code, text: `${line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}` };
  });
}

describe('TypedRedisCommands', () => {
  const text = readFileSync(fixture, 'utf8');
  const lines = text.split('\n');
  const expected = lines.flatMap((l, i) => {
    const m = DIRECTIVE.exec(l.trim());
    return m ? [{ line: i + 2, code: m[1] ? Number(m[1].slice(2)) : undefined }] : [];
  });
  let first: ReturnType<typeof compile> | undefined;
  const compiled = (): ReturnType<typeof compile> => (first ??= compile(text));

  it('the typing test compiles under strict TypeScript, and each misuse line fails', { timeout: 120_000 }, () => {
    expect(expected.length).toBeGreaterThan(30);
    const { program, source } = compiled();
    expect(diagnostics(program, source).map((d) => d.text)).toEqual([]);

    const stripped = lines.map((l) => (DIRECTIVE.test(l.trim()) ? '' : l)).join('\n');
    const again = compile(stripped);
    const found = diagnostics(again.program, again.source);
    const problems: string[] = [];
    for (const { line, code } of expected) {
      const here = found.filter((d) => d.line === line);
      if (here.length === 0) problems.push(`${line}: compiles, but is marked @ts-expect-error`);
      else if (code !== undefined && !here.some((d) => d.code === code))
        problems.push(`${line}: expected TS${code}, got ${here.map((d) => d.text).join('; ')}`);
      else if (code === undefined && here.some((d) => NAME_ERRORS.has(d.code)))
        problems.push(`${line}: fails for a name, not a type: ${here.map((d) => d.text).join('; ')}`);
    }
    const stray = found.filter((d) => !expected.some((e) => e.line === d.line));
    expect([...problems, ...stray.map((d) => `unexpected ${d.text}`)]).toEqual([]);
  });

  it('the generated argument types cover exactly the runtime command table (HMSET aside)', { timeout: 60_000 }, () => {
    const { program } = compiled();
    const checker = program.getTypeChecker();
    const file = program.getSourceFile(generated)!;
    const declaration = file.statements.find(
      (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'GeneratedRedisCommands',
    )!;
    const names = checker.getPropertiesOfType(checker.getTypeAtLocation(declaration)).map((p) => p.name);
    expect(names.sort()).toEqual(COMMAND_NAMES.filter((n) => n !== 'hmset'));
  });
});
