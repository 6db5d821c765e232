// The root README's client quick starts ("## The clients"), run as written against the shared
// servers: only each server's default local address is changed. (readme-snippets.test.ts
// compiles them; the package READMEs' own snippets run in test/integration/*/client-readme.)
import { fileURLToPath } from 'node:url';
import { readmeSnippets, runSnippet } from '@cosocket/test-kit';
import { expect, it } from 'vitest';
import { requireServer } from '../servers/index.js';

const snippets = readmeSnippets(fileURLToPath(new URL('../../README.md', import.meta.url)), { until: '### The layer underneath' }).filter(
  (s) => s.heading === 'The clients',
);
const redis = requireServer('redis');
const memcached = requireServer('memcached');
const mongo = requireServer('mongo');

/** `scheme://[user@]host:port`: the README snippet adds its own path (database). */
const withoutPath = (url: string) => url.replace(/^(\w+:\/\/[^/?]+).*$/, '$1');

/** The default address each quick start uses, and the test server's. */
const ADDRESSES: [string, () => string][] = [
  ['redis://127.0.0.1:6379', () => withoutPath(redis.url)],
  ["'127.0.0.1:11211'", () => `'${memcached.host}:${memcached.port}'`],
  ['mongodb://127.0.0.1:27017', () => withoutPath(mongo.url)],
];

it('the root README has a quick start per client', () => {
  expect(snippets.map((s) => /from '([\w-]+)'/.exec(s.code)?.[1])).toEqual(['resty-redis', 'resty-memcached', 'resty-mongo']);
});

it.each(snippets.map((s) => [/from '([\w-]+)'/.exec(s.code)?.[1], s.code] as const))('%s quick start runs as written', async (_pkg, code) => {
  for (const server of [redis, memcached, mongo]) if (server.skip) expect.fail(`no ${server.name} server: ${server.reason}`);
  let runnable = code;
  for (const [address, replacement] of ADDRESSES) runnable = runnable.replaceAll(address, replacement());
  expect(runnable).not.toEqual(code);
  await runSnippet(runnable, new URL(import.meta.url));
});
