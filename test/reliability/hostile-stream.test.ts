// Each client on a hostile stream: a scripted server answers the first command with random
// bytes at random splits. The only outcomes allowed are a value or a clear error, and a
// protocol error closes the connection, so it is never pooled. One body, run per client.
import fc from 'fast-check';
import { configure, CosocketError } from 'cosocket';
import { beforeAll, describe, expect, it } from 'vitest';
import { Memcached, MemcachedProtocolError } from 'resty-memcached';
import { Redis, RedisProtocolError, RedisReplyError } from 'resty-redis';
import { cutAt, suiteFeeder, type Script } from '@cosocket/test-kit';
import { captureLogs } from './support/outcomes.js';
import { count } from './support/stats.js';
import type { Client } from './support/protocols.js';

interface HostileCase {
  name: string;
  /** How the script ends after the bytes. */
  end: Script['end'];
  /** A client with small limits and a short read timeout. */
  create(): Client;
  /** The command whose reply is the hostile bytes. */
  command(c: Client): Promise<unknown>;
  /** Whether an error is one of the clear outcomes (anything else fails the property). */
  clear(error: unknown): boolean;
  /** Whether the connection must be closed after this error. */
  closes(error: unknown): boolean;
}

const CASES: HostileCase[] = [
  {
    name: 'resty-redis',
    end: 'open',
    create: () => new Redis({ maxReplySize: 256 }),
    command: (c) => (c as Redis).get('k'),
    clear: (e) => e instanceof RedisProtocolError || e instanceof RedisReplyError || (e instanceof CosocketError && e.code === 'timeout'),
    closes: (e) => !(e instanceof RedisReplyError),
  },
  {
    name: 'resty-memcached',
    end: 'fin',
    create: () => new Memcached({ maxValueSize: 256, maxLineLength: 128 }),
    command: (c) => (c as Memcached).get('k1'),
    // Whatever else the bytes end in is checked by memcached-decoder.test.ts.
    clear: () => true,
    closes: (e) => e instanceof MemcachedProtocolError,
  },
];

const cuts = fc.array(fc.nat(400), { maxLength: 8 });

for (const h of CASES) {
  describe(`${h.name} client on a hostile stream`, () => {
    beforeAll(() => {
      captureLogs(configure);
    });
    const feeder = suiteFeeder();

    it('a protocol error closes the connection: it is never pooled', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), cuts, async (raw, at) => {
          count('hostileInputs');
          feeder.next({ chunks: cutAt(Buffer.from(raw), at), end: h.end });
          const c = h.create();
          c.setTimeouts(300, 300, 300);
          await c.connect(feeder.host, feeder.port, { pool: `hostile-${h.name}` });
          const outcome = await h.command(c).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          if ('error' in outcome) {
            expect(h.clear(outcome.error), String(outcome.error)).toBe(true);
            if (h.closes(outcome.error)) expect(() => c.getReusedTimes()).toThrow(CosocketError);
          }
          await c.close().catch(() => undefined);
        }),
        { numRuns: 100 },
      );
    });
  });
}
