// The typing of MongoClient's collections: client-types.fixture.ts compiles under the workspace's
// strict settings, and each misuse in it (marked `@ts-expect-error`) is a compile error.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./client-types.fixture.ts', import.meta.url));

it('Collection<TSchema> types filters, updates, results and insertedId; misuse does not compile', { timeout: 60_000 }, () => {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('cannot read tsconfig.json');
  const program = ts.createProgram([fixture], { ...config.options, noEmit: true });
  const source = program.getSourceFile(fixture)!;
  const problems = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
    const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1;
    return `client-types.fixture.ts:${line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(problems).toEqual([]);
  // The misuse lines are really there (an unused @ts-expect-error would be TS2578 above).
  expect(source.text.match(/@ts-expect-error/g)?.length).toBeGreaterThanOrEqual(9);
});
