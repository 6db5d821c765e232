// The README's MongoClient snippets run as written against FerretDB: each ```ts block of the
// client sections (everything before "The layer underneath") is written to a module and
// imported, with the README's `mongodb://[user:pass@]127.0.0.1:27017` pointed at the test server.
// (test/pack/readme-snippets.test.ts compiles them; this runs them.)
import { fileURLToPath } from 'node:url';
import { readmeSnippets, runSnippet } from '@cosocket/test-kit';
import { MongoClient } from 'resty-mongo';
import { afterAll, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';

/** The runnable ```ts blocks of the client sections, with the heading each is under. */
function snippets(): { heading: string; code: string }[] {
  const readme = fileURLToPath(new URL('../../../packages/resty-mongo/README.md', import.meta.url));
  return readmeSnippets(readme, { until: '## The layer underneath' }).filter((s) => s.code.includes('new MongoClient('));
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

  it.each(snippets().map((s) => [s.heading, s.code] as const))('%s runs as written', async (_heading, code) => {
    for (const m of code.matchAll(/mongodb:\/\/[^'`]*?\/(\w+)/g)) databases.add(m[1]!);
    for (const m of code.matchAll(/\.db\('(\w+)'\)/g)) databases.add(m[1]!);
    // The shared server has no users: the URL's credentials go, its path and options stay.
    const runnable = code.replace(/mongodb:\/\/(?:[^@/'`]*@)?127\.0\.0\.1:27017/g, server.url);
    await runSnippet(runnable, new URL(import.meta.url));
  });
});
