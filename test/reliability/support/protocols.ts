// The three clients as the fault suite sees them: how to start a private server, connect a
// pooled client, write a key and read it back, bump a counter, and what a protocol error (a
// reply that cannot be parsed) is. One suite body (faults.test.ts) runs for each.
import { expect } from 'vitest';
import { Memcached, MemcachedProtocolError } from 'resty-memcached';
import { Mongo, MongoProtocolError } from 'resty-mongo';
import { Redis, RedisProtocolError } from 'resty-redis';
import { flipFirstByte, type Mutation } from '@cosocket/test-kit';
import { startFerretDB, startMemcached, startRedis, type Binary, type OnDemandServer } from '../../servers/index.js';

/** What the three clients share: OpenResty's connect / timeouts / keepalive surface. */
export interface Client {
  setTimeouts(connectMs: number, sendMs: number, readMs: number): void;
  connect(host: string, port: number, options?: { pool?: string; poolSize?: number; backlog?: number }): Promise<unknown>;
  setKeepalive(): Promise<unknown>;
  close(): Promise<unknown>;
  getReusedTimes(): number;
}

export interface Protocol<C extends Client = Client> {
  /** The package, for test titles. */
  name: string;
  /** The server binary its tests need. */
  binary: Binary;
  start(): Promise<OnDemandServer>;
  /** How long starting the server may take. */
  startMs: number;
  /** A new, unconnected client. */
  create(): C;
  /** Connect and send timeouts of the suite's clients (the read timeout is per test). */
  connectMs: number;
  sendMs: number;
  /** The read timeout the suite's clients use unless a test says otherwise. */
  readMs: number;
  /** A harmless command; asserts that the server answered it. */
  ping(c: C): Promise<void>;
  write(c: C, key: string, value: string): Promise<void>;
  /** The value `write` stored, or null. */
  read(c: C, key: string): Promise<string | null>;
  /** Adds 1 to the counter at `key` (created by `write(key, '0')`): a command that must never be resent. */
  incr(c: C, key: string): Promise<unknown>;
  /** The counter's value. */
  counter(c: C, key: string): Promise<number>;
  /** A command the server holds without answering (BLPOP), if the protocol has one. */
  hold?: (c: C, i: number) => Promise<unknown>;
  /** The error a reply that cannot be parsed must end in. */
  ProtocolError: new (...args: never[]) => Error;
  /** A mutation of the server's reply that makes it unparseable. */
  corruptReply: Mutation;
}

const redis: Protocol<Redis> = {
  name: 'resty-redis',
  binary: 'redis-server',
  start: () => startRedis(),
  startMs: 10_000,
  create: () => new Redis(),
  connectMs: 1000,
  sendMs: 1000,
  readMs: 800,
  ping: async (red) => expect(await red.ping()).toBe('PONG'),
  write: async (red, key, value) => expect(await red.set(key, value)).toBe('OK'),
  read: async (red, key) => (await red.get(key)) as string | null,
  incr: (red, key) => red.incr(key),
  counter: async (red, key) => Number(await red.get(key)),
  hold: (red, i) => red.blpop(`never:${i}`, 0),
  ProtocolError: RedisProtocolError,
  corruptReply: flipFirstByte,
};

const memcached: Protocol<Memcached> = {
  name: 'resty-memcached',
  binary: 'memcached',
  start: () => startMemcached(),
  startMs: 10_000,
  create: () => new Memcached(),
  connectMs: 1000,
  sendMs: 1000,
  readMs: 800,
  ping: async (mc) => expect(await mc.version()).toMatch(/^1\./),
  write: async (mc, key, value) => expect(await mc.set(key, value)).toBe(true),
  read: async (mc, key) => ((await mc.get(key)) as { value: string } | null)?.value ?? null,
  incr: (mc, key) => mc.incr(key, 1),
  counter: async (mc, key) => Number(((await mc.get(key)) as { value: string } | null)?.value),
  ProtocolError: MemcachedProtocolError,
  corruptReply: flipFirstByte,
};

const docs = (m: Mongo) => m.db('faults').collection('kv');

const mongo: Protocol<Mongo> = {
  name: 'resty-mongo',
  binary: 'ferretdb',
  start: () => startFerretDB(),
  startMs: 60_000,
  create: () => new Mongo(),
  connectMs: 2000,
  sendMs: 2000,
  readMs: 1000,
  ping: async (m) => expect((await m.db('admin').command({ ping: 1 })).ok).toBe(1),
  write: async (m, key, value) => {
    const result = await docs(m).updateOne({ _id: key }, { $set: { v: value } }, { upsert: true });
    expect(result.matchedCount + result.upsertedCount).toBe(1);
  },
  read: async (m, key) => ((await docs(m).findOne<{ v: string }>({ _id: key })) ?? { v: null }).v,
  incr: (m, key) => docs(m).updateOne({ _id: key }, { $inc: { n: 1 } }),
  counter: async (m, key) => Number((await docs(m).findOne<{ n?: number }>({ _id: key }))?.n ?? 0),
  ProtocolError: MongoProtocolError,
  // Byte 8 is inside responseTo: the reply no longer answers our request.
  corruptReply: (chunk) => {
    chunk[8] = chunk[8]! ^ 0x55;
    return chunk;
  },
};

export const PROTOCOLS: Protocol[] = [redis, memcached, mongo] as unknown as Protocol[];
