// Every ```ts snippet in the four package READMEs (the README is what ships to npm) and in the
// root README must compile against the real API: each is type-checked as its own module with the workspace's strict
// settings. Snippets continue one another, so a few handles (`red`, `memc`, `conn`, `col`, ...)
// are declared with their real types in PRELUDE, as are the names a snippet leaves to the
// reader (`host`, `pngBytes`, `handle`, ...): any other unknown name fails, as does any type
// error. A snippet that imports nothing from its own package gets all of that package's value
// exports imported (snippets later in a README leave out the import). A block of signatures rather
// than code is marked with `<!-- signatures -->` on the line
// before it and skipped.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['cosocket', 'resty-redis', 'resty-mongo', 'resty-memcached'];

/** The handles snippets share, with their real types. */
const PRELUDE = `
import type { TcpSocket } from 'cosocket';
import type { Redis } from 'resty-redis';
import type { Memcached } from 'resty-memcached';
import type { Collection, Database, Mongo, Document } from 'resty-mongo';
declare global {
  var sock: TcpSocket;
  var red: Redis;
  var memc: Memcached;
  var conn: Mongo;
  var db: Database;
  var col: Collection;
  var host: string;
  var port: number;
  var path: string;
  var caPem: string;
  var pngBytes: Buffer;
  var handle: (message: unknown) => boolean;
  var done: (doc: Document) => boolean;
  var docs: Document[];
  var doc: Document;
  var filter: Document;
  var update: Document;
  var keys: string[];
}
export {};
`;

interface Snippet {
  file: string;
  readme: string;
  line: number;
  code: string;
}

/** The snippet, with the README's own package imported when the snippet does not import from it. */
async function withOwnImports(pkg: string, code: string): Promise<string> {
  if (code.includes(`from '${pkg}'`)) return code;
  const names = Object.keys(await import(pkg)).filter((n) => n !== 'default');
  return `import { ${names.join(', ')} } from '${pkg}';\n${code}`;
}

/** The ```ts blocks of a package's README, or of the root README when `pkg` is null. */
async function snippets(pkg: string | null): Promise<Snippet[]> {
  const readme = pkg === null ? 'README.md' : `packages/${pkg}/README.md`;
  const lines = readFileSync(`${root}${readme}`, 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    const skipped = lines.slice(Math.max(0, i - 2), i).some((l) => l.trim() === '<!-- signatures -->');
    if (!skipped) {
      const original = `${lines.slice(start, end).join('\n')}\nexport {};\n`;
      // The root README's snippets import what they use themselves.
      const code = pkg === null ? original : await withOwnImports(pkg, original);
      // Line numbers in messages count from the snippet's first line; an added import shifts it.
      const shift = code === original ? 0 : 1;
      out.push({ file: `${root}.readme-snippets/${pkg ?? 'root'}-${start}.ts`, readme, line: start + 1 - shift, code });
    }
    i = end;
  }
  return out;
}

function compile(all: Snippet[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('cannot read tsconfig.json');
  const prelude = `${root}.readme-snippets/prelude.ts`;
  const virtual = new Map<string, string>([[prelude, PRELUDE], ...all.map((s) => [s.file, s.code] as [string, string])]);
  const options = { ...config.options, noEmit: true, noUnusedLocals: false };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const text = virtual.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const problems: string[] = [];
  for (const s of [{ file: prelude, readme: 'prelude', line: 1 }, ...all]) {
    const source = program.getSourceFile(s.file)!;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const at = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
      problems.push(`${s.readme}:${s.line + at}: TS${d.code} ${message}`);
    }
  }
  return problems;
}

describe('README snippets', () => {
  it('compile against the real API (strict TypeScript)', { timeout: 60_000 }, async () => {
    const all = (await Promise.all([...PACKAGES, null].map(snippets))).flat();
    expect(all.length).toBeGreaterThan(20);
    expect(compile(all)).toEqual([]);
  });
});

/** The backticked identifiers in the first column of a README's "API reference" table. */
function referenceTable(readme: string): string[] {
  const section = readme.slice(readme.indexOf('\n## API reference'));
  const end = section.indexOf('\n## ', 1);
  const rows = (end === -1 ? section : section.slice(0, end)).split('\n').filter((l) => l.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Za-z_][\w]*)/g)].map((m) => m[1]!));
}

describe('package README API reference', () => {
  it.each(PACKAGES)('%s: lists every value export, and nothing that is not one', async (pkg) => {
    const readme = readFileSync(`${root}packages/${pkg}/README.md`, 'utf8');
    expect(readme).toContain('\n## API reference');
    const listed = referenceTable(readme);
    const exported = Object.keys(await import(pkg)).filter((n) => n !== 'default');
    expect(exported.filter((n) => !listed.includes(n))).toEqual([]);
    expect(listed.filter((n) => !exported.includes(n))).toEqual([]);
  });
});
