// The client snippets of the resty-memcached README (before "The layer underneath") run as
// written against the shared memcached: only the address is changed, and a snippet that leaves
// its import to the one before it gets `createClient` imported.
// (test/pack/readme-snippets.test.ts compiles them; this runs them.)
import { fileURLToPath } from 'node:url';
import { readmeSnippets, runSnippet } from '@cosocket/test-kit';
import { createClient } from 'resty-memcached';
import { expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';

const snippets = readmeSnippets(fileURLToPath(new URL('../../../packages/resty-memcached/README.md', import.meta.url)), {
  until: '## The layer underneath',
});
const ADDRESSES = ["'127.0.0.1:11211'", "'memcached://cache.internal:11211'"];

describeServer('memcached', 'README client snippets, run', (server) => {
  it('there are snippets for the quick start, the options and withConnection, each with a documented address', () => {
    expect(snippets.map((s) => s.heading)).toEqual(['Quick start', 'The client', 'The client']);
    for (const { code } of snippets) expect(ADDRESSES.some((a) => code.includes(a))).toBe(true);
  });

  it.each(snippets.map((s, i) => [i, s.code] as const))('snippet %i runs as written', async (i, code) => {
    let runnable = code;
    for (const address of ADDRESSES) runnable = runnable.replaceAll(address, `'${server.host}:${server.port}'`);
    if (!runnable.includes("from 'resty-memcached'")) runnable = `import { createClient } from 'resty-memcached';\n${runnable}`;
    await runSnippet(runnable, new URL(import.meta.url));
    if (i === 0) {
      // What the quick start's comments say it leaves behind.
      const client = createClient(`${server.host}:${server.port}`);
      expect(await client.get('dog')).toEqual({ value: 'an animal', flags: 0 });
      await client.close();
    }
  });
});
