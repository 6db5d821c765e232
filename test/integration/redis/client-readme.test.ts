// The client snippets of the resty-redis README (the quick start and the client sections), run
// as written against a private redis-server: only the address is changed.
import { fileURLToPath } from 'node:url';
import { readmeSnippets, runSnippet } from '@cosocket/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'resty-redis';
import { onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';

/** The ```ts blocks of the client part (before the layer underneath). */
const snippets = readmeSnippets(fileURLToPath(new URL('../../../packages/resty-redis/README.md', import.meta.url)), {
  until: '## The layer underneath',
}).map((s) => s.code);
const ADDRESS = 'redis://127.0.0.1:6379';

describe.skipIf(onDemandSkip('redis-server'))('README client snippets run as written', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });

  it('finds the snippets, each using the documented address', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(4);
    for (const code of snippets) expect(code).toContain(`'${ADDRESS}'`);
  });

  it.each(snippets.map((code, i) => [i, code] as const))('snippet %i', async (i, code) => {
    await runSnippet(code.replaceAll(`'${ADDRESS}'`, `'${server.url}'`), new URL(import.meta.url));
    if (i === 0) {
      // What the quick start's comments say it leaves behind.
      const red = new Redis();
      await red.connect(server.host, server.port);
      expect(await red.mget('greeting', 'visits', 'n', 'user:a', 'user:c')).toEqual(['hello', '1', '6', 'a', 'c']);
      expect(await red.pubsub('numsub', 'news')).toEqual(['news', 0]);
      await red.close();
    }
  });
});
