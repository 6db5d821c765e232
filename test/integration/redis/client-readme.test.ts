// The client snippets of the resty-redis README (the quick start and the client sections), run
// as written against a private redis-server: only the address is changed.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'resty-redis';
import { onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';

const readme = readFileSync(fileURLToPath(new URL('../../../packages/resty-redis/README.md', import.meta.url)), 'utf8');
/** The ```ts blocks from "## Quick start" to the layer underneath. */
const section = readme.slice(readme.indexOf('\n## Quick start'), readme.indexOf('\n## The layer underneath'));
const snippets = [...section.matchAll(/\n```ts\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
const ADDRESS = 'redis://127.0.0.1:6379';

describe.skipIf(onDemandSkip('redis-server'))('README client snippets run as written', () => {
  let server: RedisServer;
  const files: string[] = [];
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(() => files.forEach((f) => rmSync(f, { force: true })));

  it('finds the snippets, each using the documented address', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(4);
    for (const code of snippets) expect(code).toContain(`'${ADDRESS}'`);
  });

  it.each(snippets.map((code, i) => [i, code] as const))('snippet %i', async (i, code) => {
    const file = fileURLToPath(new URL(`./.readme-snippet-${process.pid}-${i}.ts`, import.meta.url));
    files.push(file);
    writeFileSync(file, `${code.replaceAll(`'${ADDRESS}'`, `'${server.url}'`)}\nexport {};\n`);
    await import(file);
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
