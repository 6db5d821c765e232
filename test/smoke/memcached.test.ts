// Smoke test: the shared memcached is real and reachable through the cosocket.
import { tcp } from 'cosocket';
import { expect, it } from 'vitest';
import { describeServer } from '../servers/index.js';

describeServer('memcached', 'memcached smoke', (memcached) => {
  it(`answers version over a raw cosocket (${memcached.description})`, async () => {
    const s = tcp();
    s.setTimeout(2000);
    await s.connect(memcached.host, memcached.port);
    try {
      await s.send('version\r\n');
      expect((await s.receive()).toString()).toMatch(/^VERSION \d+\.\d+\.\d+/);
    } finally {
      await s.close();
    }
  });
});
