// The testcontainers path. Runs only when a container runtime answers; on a
// machine without one (this project's dev box) it is skipped.
import { expect, it } from 'vitest';
import { containerRuntime, startContainer } from '../servers/containers.js';
import { probeRedis } from '../servers/redis.js';

const runtime = await containerRuntime();

it('reports "no runtime" quickly when there is none', async () => {
  const started = Date.now();
  await containerRuntime();
  expect(Date.now() - started).toBeLessThan(6000);
});

it.skipIf(!runtime)(
  `starts redis:7 with testcontainers (${runtime ?? 'no container runtime'})`,
  async () => {
    const c = await startContainer('redis');
    try {
      const info = await probeRedis({ host: c.host, port: c.port });
      expect(info.version).toMatch(/^7\./);
    } finally {
      await c.stop();
    }
  },
  180_000,
);
