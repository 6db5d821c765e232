// MongoDB scenarios (FerretDB), one client variant per process (forked by bench/run.mjs).
// FerretDB dominates wall time; client CPU µs per op is the fairer figure and is reported too.
import { MongoClient } from 'mongodb';
import { Mongo, MongoClient as RestyMongoClient } from 'resty-mongo';
import { check } from '../lib/measure.mjs';
import { runChild, versionOf } from '../lib/child.mjs';

export const DOCS = 10_000;
const CALLERS = 16;
const small = (i) => ({ i, name: `doc-${i}`, tags: ['a', 'b'], n: i * 1.5 });

/** Adapter: collection(name) -> { findOne, insertOne, insertMany, iterate, drop }; pooled(fn). */
const variants = {
  'resty-mongo': {
    options: { timeouts: 'cosocket defaults (60 s)', connections: '1 (pooled: one per concurrent caller)' },
    version: await versionOf('resty-mongo'),
    async setup({ host, port }) {
      const m = new Mongo();
      await m.connect(host, port);
      const coll = (db, name) => db.collection(name);
      const api = (db) => ({
        findOne: (name, id) => coll(db, name).findOne({ _id: id }),
        insertOne: (name, doc) => coll(db, name).insertOne(doc),
        insertMany: (name, docs) => coll(db, name).insertMany(docs),
        iterate: async (name) => {
          let n = 0;
          for await (const _ of coll(db, name).find({})) n++;
          return n;
        },
        drop: (name) =>
          coll(db, name)
            .drop()
            .catch(() => false),
      });
      return {
        ...api(m.db('bench')),
        // The pooled model: each caller takes a connection and gives it back.
        concurrentFindOne: async (name, id) => {
          const c = new Mongo();
          await c.connect(host, port, { pool: 'bench', poolSize: CALLERS });
          const doc = await c.db('bench').collection(name).findOne({ _id: id });
          await c.setKeepalive();
          return doc;
        },
        close: () => m.close(),
      };
    },
    teardown: (c) => c.close(),
  },
  // The client layer: the same code as the official driver's variants, only the class differs.
  ...driverShaped('resty-mongo client', '', 'resty-mongo MongoClient, defaults (maxPoolSize 100)', RestyMongoClient, 'resty-mongo'),
  ...driverShaped('mongodb', '', 'library defaults (maxPoolSize 100)', MongoClient, 'mongodb'),
  ...driverShaped('mongodb eq', '&maxPoolSize=1', 'equalized: one connection, no operation timeout', MongoClient, 'mongodb'),
};

/** A variant on a client of the official driver's shape (the driver, or resty-mongo's MongoClient). */
function driverShaped(name, extra, description, Client, pkg) {
  return {
    [name]: {
      options: { uri: `mongodb://host:port/?directConnection=true${extra}`, description },
      version: null,
      async setup({ host, port }) {
        this.version = await versionOf(pkg);
        const client = new Client(`mongodb://${host}:${port}/?directConnection=true${extra}`);
        await client.connect();
        const db = client.db('bench');
        return {
          findOne: (n, id) => db.collection(n).findOne({ _id: id }),
          insertOne: (n, doc) => db.collection(n).insertOne(doc),
          insertMany: (n, docs) => db.collection(n).insertMany(docs),
          iterate: async (n) => {
            let k = 0;
            for await (const _ of db.collection(n).find({})) k++;
            return k;
          },
          drop: (n) =>
            db
              .collection(n)
              .drop()
              .catch(() => false),
          concurrentFindOne: (n, id) => db.collection(n).findOne({ _id: id }),
          close: () => client.close(),
        };
      },
      teardown: (c) => c.close(),
    },
  };
}

const unique = () => `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

export const SCENARIOS = {
  'findOne by _id': {
    make: (c) => {
      let k = 0;
      return {
        batch: 1,
        op: async () => {
          const id = k++ % DOCS;
          check((await c.findOne('fixture', `id-${id}`))?.name, `doc-${id}`, 'findOne');
        },
      };
    },
  },
  insertOne: {
    make: (c) => {
      const coll = `ins1-${unique()}`;
      let k = 0;
      return {
        batch: 1,
        op: async () => {
          const r = await c.insertOne(coll, small(k++));
          if (r.insertedId === undefined) throw new Error('benchmark reply mismatch in insertOne: no insertedId');
        },
        after: () => c.drop(coll),
      };
    },
  },
  'insertMany 10,000 (per doc)': {
    make: (c) => {
      const coll = `insN-${unique()}`;
      return {
        batch: DOCS,
        op: async () => {
          const r = await c.insertMany(
            coll,
            Array.from({ length: DOCS }, (_, i) => small(i)),
          );
          check(String(r.insertedCount), String(DOCS), 'insertMany');
        },
        after: () => c.drop(coll),
      };
    },
  },
  'cursor of 10,000 (per doc)': {
    make: (c) => ({ batch: DOCS, op: async () => check(String(await c.iterate('fixture')), String(DOCS), 'cursor') }),
  },
  [`${CALLERS} callers findOne`]: {
    make: (c) => {
      let k = 0;
      return {
        batch: CALLERS,
        op: () =>
          Promise.all(
            Array.from({ length: CALLERS }, async () => {
              const id = k++ % DOCS;
              check((await c.concurrentFindOne('fixture', `id-${id}`))?.name, `doc-${id}`, 'concurrent findOne');
            }),
          ),
      };
    },
  },
};

export async function seed({ host, port }) {
  const m = new Mongo();
  m.setTimeout(120_000);
  await m.connect(host, port);
  const db = m.db('bench');
  await db
    .collection('fixture')
    .drop()
    .catch(() => false);
  await db.collection('fixture').insertMany(Array.from({ length: DOCS }, (_, i) => ({ _id: `id-${i}`, ...small(i) })));
  await m.close();
}

export const VARIANTS = Object.keys(variants);

if (process.argv[1] === new URL(import.meta.url).pathname) {
  await runChild(variants, Object.fromEntries(Object.entries(SCENARIOS).map(([k, v]) => [k, v.make])));
}
