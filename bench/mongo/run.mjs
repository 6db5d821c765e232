// resty-mongo vs the official `mongodb` driver on the same FerretDB, same run.
// Scenarios: findOne by _id (sequential), insertMany of 10,000 small documents, full cursor
// iteration of 10,000 documents. FerretDB dominates wall time, so client CPU µs per operation
// (per document for the bulk scenarios) is printed too: it is the fairer figure.
// Run: pnpm bench:mongo   (builds first; or `npx tsc -b packages/resty-mongo && node bench/mongo/run.mjs`)
import { execFileSync } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { Mongo } from 'resty-mongo';
import { check, measure, printTable } from '../lib/measure.mjs';
import { hasTaskset, startServer } from '../lib/servers.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const MS = Number(process.env.BENCH_MS ?? 2000);
const DOCS = 10_000;

// Server on CPU 1, this process on CPU 0 (when the machine has two cores and taskset).
if (hasTaskset()) {
  try {
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    // Single core: leave scheduling to the kernel.
  }
}
const server = await startServer('mongo', { cpu: 1 });

const ours = new Mongo();
ours.setTimeout(60_000);
await ours.connect(server.host, server.port);
const oursDb = ours.db('bench');

const official = new MongoClient(`mongodb://${server.host}:${server.port}/?directConnection=true&maxPoolSize=1`);
await official.connect();
const officialDb = official.db('bench');

const small = (i) => ({ i, name: `doc-${i}`, tags: ['a', 'b'], n: i * 1.5 });

// Shared fixture: 10,000 documents with integer ids.
await oursDb.collection('fixture').drop();
await oursDb.collection('fixture').insertMany(Array.from({ length: DOCS }, (_, i) => ({ _id: `id-${i}`, ...small(i) })));

const clients = {
  'resty-mongo': {
    findOne: (id) => oursDb.collection('fixture').findOne({ _id: id }),
    insertMany: (docs) => oursDb.collection('inserts').insertMany(docs),
    iterate: async () => {
      let n = 0;
      for await (const _ of oursDb.collection('fixture').find({})) n++;
      return n;
    },
    drop: (name) => oursDb.collection(name).drop(),
  },
  mongodb: {
    findOne: (id) => officialDb.collection('fixture').findOne({ _id: id }),
    insertMany: (docs) => officialDb.collection('inserts').insertMany(docs),
    iterate: async () => {
      let n = 0;
      for await (const _ of officialDb.collection('fixture').find({})) n++;
      return n;
    },
    drop: (name) => officialDb.collection(name).drop().catch(() => false),
  },
};

const scenarios = {
  [`findOne by _id (sequential, over ${DOCS.toLocaleString('en-US')} ids)`]: (c) => {
    let k = 0;
    return {
      op: async () => {
        const id = k++ % DOCS;
        const doc = await c.findOne(`id-${id}`);
        check(doc?.name, `doc-${id}`, 'findOne');
      },
      batch: 1,
    };
  },
  [`insertMany ${DOCS.toLocaleString('en-US')} small docs (per doc)`]: (c) => ({
    op: async () => {
      // Fresh documents each time: both drivers add an _id to what they are given.
      const docs = Array.from({ length: DOCS }, (_, i) => small(i));
      const r = await c.insertMany(docs);
      check(String(r.insertedCount), String(DOCS), 'insertMany');
    },
    batch: DOCS,
    before: () => c.drop('inserts'),
  }),
  [`cursor over ${DOCS.toLocaleString('en-US')} docs (per doc)`]: (c) => ({
    op: async () => check(String(await c.iterate()), String(DOCS), 'cursor'),
    batch: DOCS,
  }),
};

const results = {};
for (const [scenario, make] of Object.entries(scenarios)) {
  results[scenario] = {};
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate who goes first so neither benefits from a warmer server every round.
    const order = round % 2 === 0 ? Object.keys(clients) : Object.keys(clients).reverse();
    for (const name of order) {
      const { op, batch, before } = make(clients[name]);
      if (before) await before();
      const r = await measure(op, { ms: MS, warmupMs: 200, batch });
      const best = results[scenario][name];
      if (!best || r.opsPerSec > best.opsPerSec) results[scenario][name] = r;
    }
  }
}

printTable(`resty-mongo vs mongodb (official driver) on FerretDB — best of ${ROUNDS} rounds, ${MS} ms each`, results, 'resty-mongo');

await oursDb.dropDatabase();
await ours.close();
await official.close();
await server.stop();
