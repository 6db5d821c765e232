// MongoDB-protocol servers: FerretDB (preferred: it is what CI builds) or mongod,
// plus a buildInfo probe over a hand-made OP_MSG.
// Wire format: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalServer } from './local-server.js';
import { probe } from './ports.js';

const OP_MSG = 2013;

/** One OP_MSG with a single kind-0 section holding `doc`. */
async function encodeOpMsg(doc: Record<string, unknown>, requestId = 1): Promise<Buffer> {
  // The driver is a root devDependency and re-exports the bson package; import
  // it lazily so runs without a Mongo server never load it.
  const { BSON } = await import('mongodb');
  const body = Buffer.from(BSON.serialize(doc));
  const header = Buffer.alloc(16 + 4 + 1);
  header.writeInt32LE(header.length + body.length, 0); // messageLength, header included
  header.writeInt32LE(requestId, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(OP_MSG, 12); // opCode
  header.writeUInt32LE(0, 16); // flagBits: no checksum, no moreToCome
  header.writeUInt8(0, 20); // section kind 0: the command body
  return Buffer.concat([header, body]);
}

async function decodeOpMsg(reply: Buffer): Promise<Record<string, unknown>> {
  const { BSON } = await import('mongodb');
  if (reply.length < 21 || reply.readInt32LE(12) !== OP_MSG || reply.readUInt8(20) !== 0) {
    throw new Error('not an OP_MSG reply');
  }
  return BSON.deserialize(reply.subarray(21, reply.length));
}

export interface MongoProbeResult {
  product: 'ferretdb' | 'mongod';
  /** FerretDB's own version (e.g. `v1.24.2`) or mongod's. */
  version: string;
}

/** `buildInfo` (allowed without authentication on both servers). */
export async function probeMongo(host: string, port: number): Promise<MongoProbeResult> {
  const reply = await probe({
    host,
    port,
    request: await encodeOpMsg({ buildInfo: 1, $db: 'admin' }),
    complete: (b) => b.length >= 4 && b.length >= b.readInt32LE(0),
  });
  const doc = await decodeOpMsg(reply);
  if (doc.ok !== 1) throw new Error(`buildInfo failed: ${JSON.stringify(doc)}`);
  if (typeof doc.ferretdbVersion === 'string') {
    return { product: 'ferretdb', version: doc.ferretdbVersion.replace(/^v/, '') };
  }
  return { product: 'mongod', version: String(doc.version) };
}

export interface FerretDBOptions {
  /** `--test-enable-new-auth` with a setup user; without it SQLite FerretDB checks no credentials. */
  auth?: { username: string; password: string; database?: string };
  /** Extra flags, e.g. `['--log-level=debug']`. */
  args?: string[];
}

/** FerretDB with the SQLite backend in its own dir; call `start()` next. */
export function localFerretDB(command: string, opts: FerretDBOptions = {}): LocalServer {
  return new LocalServer({
    label: 'ferretdb',
    command,
    prepare: (dir) => {
      mkdirSync(join(dir, 'data')); // --sqlite-url must name an existing directory
    },
    args: (port, dir) => [
      '--handler=sqlite',
      `--sqlite-url=file:${join(dir, 'data')}/`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--debug-addr=-', // no metrics listener: it would need (and fight over) port 8088
      '--state-dir=-',
      ...(opts.auth
        ? [
            '--test-enable-new-auth',
            `--setup-username=${opts.auth.username}`,
            `--setup-password=${opts.auth.password}`,
            `--setup-database=${opts.auth.database ?? 'admin'}`,
          ]
        : []),
      ...(opts.args ?? []),
    ],
    ready: async ({ host, port, log }) => {
      // FerretDB always answers connectionId 42 and no pid without auth, so
      // prove the listener is ours from its own log, then that it answers.
      if (!log().includes(`Listening on TCP ${host}:${port}`)) throw new Error('not listening yet');
      await probeMongo(host, port);
    },
  });
}

/** mongod with a private dbpath; call `start()` next. */
export function localMongod(command: string): LocalServer {
  return new LocalServer({
    label: 'mongod',
    command,
    prepare: (dir) => {
      mkdirSync(join(dir, 'db'));
    },
    args: (port, dir) => [
      '--port',
      String(port),
      '--bind_ip',
      '127.0.0.1',
      '--dbpath',
      join(dir, 'db'),
      '--nounixsocket',
      '--setParameter',
      'diagnosticDataCollectionEnabled=false',
    ],
    startTimeoutMs: 60_000,
    ready: async ({ host, port, log }) => {
      if (!new RegExp(`Waiting for connections.*"port":${port}\\b`).test(log())) throw new Error('not listening yet');
      await probeMongo(host, port);
    },
  });
}
