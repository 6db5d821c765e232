// Smoke test: the shared Redis is real and reachable through the cosocket.
import { tcp } from 'cosocket';
import { expect, it } from 'vitest';
import { describeServer } from '../servers/index.js';

describeServer('redis', 'redis smoke', (redis) => {
  it(`answers PING over a raw cosocket (${redis.description})`, async () => {
    const s = tcp();
    s.setTimeout(2000);
    await s.connect(redis.host, redis.port);
    try {
      await s.send(['PING', '\r\n']);
      expect((await s.receive()).toString()).toBe('+PONG');
    } finally {
      await s.close();
    }
  });
});
