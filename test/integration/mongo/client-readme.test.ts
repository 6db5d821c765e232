// The README's MongoClient snippets run as written against FerretDB: each ```ts block of the
// client sections (everything before "The layer underneath") is written to a module and
// imported, with the README's `mongodb://[user:pass@]127.0.0.1:27017` pointed at the test server.
// (test/pack/readme-snippets.test.ts compiles them; this runs them.)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'resty-mongo';
import { afterAll, expect, it, vi } from 'vitest';
import { describeServer } from '../../servers/index.js';

const readme = readFileSync(fileURLToPath(new URL('../../../packages/resty-mongo/README.md', import.meta.url)), 'utf8');
const clientPart = readme.slice(0, readme.indexOf('\n## The layer underneath'));

/** The runnable ```ts blocks of the client sections, with the heading each is under. */
function snippets(): { heading: string; code: string }[] {
  const out: { heading: string; code: string }[] = [];
  let heading = '';
  const lines = clientPart.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('## ')) heading = lines[i]!.slice(3);
    if (lines[i] !== '```ts') continue;
    let end = i + 1;
    while (lines[end] !== '```') end++;
    const code = lines.slice(i + 1, end).join('\n');
    if (code.includes('new MongoClient(')) out.push({ heading, code });
    i = end;
  }
  return out;
}

describeServer('mongo', 'MongoClient README snippets, run', (server) => {
  const databases = new Set<string>();
  afterAll(async () => {
    const client = new MongoClient(server.url);
    for (const name of databases) await client.db(name).dropDatabase();
    await client.close();
  });

  it('there are snippets for the quick start, CRUD, cursors, bulkWrite and errors', () => {
    expect(snippets().map((s) => s.heading)).toEqual(['Quick start', 'CRUD', 'Cursors', 'bulkWrite', 'Errors']);
  });

  it.each(snippets().map((s, i) => [s.heading, i, s.code] as const))('%s runs as written', async (_heading, i, code) => {
    for (const m of code.matchAll(/mongodb:\/\/[^'`]*?\/(\w+)/g)) databases.add(m[1]!);
    for (const m of code.matchAll(/\.db\('(\w+)'\)/g)) databases.add(m[1]!);
    // The shared server has no users: the URL's credentials go, its path and options stay.
    const runnable = code.replace(/mongodb:\/\/(?:[^@/'`]*@)?127\.0\.0\.1:27017/g, server.url);
    const file = fileURLToPath(new URL(`./.readme-snippet-${process.pid}-${i}.ts`, import.meta.url));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    writeFileSync(file, `${runnable}\nexport {};\n`);
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      rmSync(file, { force: true });
      log.mockRestore();
    }
  });
});
