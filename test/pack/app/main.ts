// The program scripts/pack-test.mjs compiles and runs in a temporary project OUTSIDE the
// workspace, against the four packages installed from their tarballs with npm. It is what a
// user writes after `npm install resty-redis`: strict TypeScript, NodeNext resolution, the
// packages' own .d.ts files. Server addresses come as one JSON argument; the last line it
// prints is a JSON report the script checks.
import { CosocketError, named, poolStats, tcp, withContext } from 'cosocket';
import { Memcached } from 'resty-memcached';
import { Mongo, ObjectId } from 'resty-mongo';
import { Redis, RedisReplyError } from 'resty-redis';
// @ts-expect-error deep imports are blocked by the exports map (TS2307 if it works)
import type {} from 'resty-redis/dist/client.js';

interface Address {
  host: string;
  port: number;
  username?: string;
  password?: string;
}
interface Servers {
  redis: Address;
  memcached: Address;
  mongo: Address;
}

const servers = JSON.parse(process.argv[2] ?? '{}') as Servers;
const tag = `pack-test:${process.pid}:${Date.now()}`;
const report: Record<string, unknown> = {};

async function rawCosocket(): Promise<void> {
  // cosocket on its own: one Redis PING in the inline protocol, then back to the pool.
  const sock = tcp();
  sock.setTimeouts(2000, 2000, 5000);
  await sock.connect(servers.redis.host, servers.redis.port);
  await sock.send(['PING', '\r\n']);
  report.cosocket = (await sock.receive()).toString();
  await sock.setKeepalive(10_000);
}

async function redis(): Promise<void> {
  const red = new Redis();
  red.setTimeout(5000);
  const { host, port, username, password } = servers.redis;
  await red.connect(host, port, { username, password });
  await red.set(tag, 'an animal');
  report.redis = await red.get(tag);
  try {
    await red.incr(tag);
  } catch (e) {
    report.redisError = e instanceof RedisReplyError ? e.code : String(e);
  }
  await red.del(tag);
  await red.setKeepalive(10_000, 10);
  // The next connect to the same pool takes that connection back.
  const again = new Redis();
  await again.connect(host, port, { username, password });
  report.redisReused = again.getReusedTimes();
  await again.setKeepalive(10_000, 10);
}

async function memcached(): Promise<void> {
  const memc = new Memcached();
  memc.setTimeout(5000);
  await memc.connect(servers.memcached.host, servers.memcached.port);
  await memc.set(tag, 'an animal', 60);
  report.memcached = (await memc.get(tag))?.value ?? null;
  await memc.delete(tag);
  await memc.setKeepalive(10_000, 10);
}

async function mongo(): Promise<void> {
  const conn = new Mongo();
  conn.setTimeout(10_000);
  const { host, port, username, password } = servers.mongo;
  await conn.connect(host, port, username ? { username, password } : {});
  const dogs = conn.db('pack_test').collection(`dogs_${process.pid}`);
  const { insertedId } = await dogs.insertOne({ name: 'rex' });
  const rex = await dogs.findOne({ _id: insertedId });
  report.mongo = rex?.name ?? null;
  report.mongoObjectId = insertedId instanceof ObjectId;
  await dogs.drop();
  await conn.setKeepalive(10_000, 10);
}

async function requestScope(): Promise<void> {
  // The request-scope pattern: `named` hands out the connection, the context returns it.
  report.scoped = await withContext(async () => {
    const red = await named('redis', async () => {
      const r = new Redis();
      const { host, port, username, password } = servers.redis;
      await r.connect(host, port, { username, password });
      return r;
    });
    return red.ping();
  });
}

async function closedPort(): Promise<void> {
  const sock = tcp();
  try {
    await sock.connect('127.0.0.1', 1);
  } catch (e) {
    report.refused = e instanceof CosocketError ? e.code : String(e);
  }
}

await rawCosocket();
await redis();
await memcached();
await mongo();
await requestScope();
await closedPort();
report.inUse = Object.values(poolStats()).reduce((n, s) => n + s.inUse, 0);
report.resolved = ['cosocket', 'resty-redis', 'resty-memcached', 'resty-mongo'].map((name) => import.meta.resolve(name));
console.log(JSON.stringify(report));
