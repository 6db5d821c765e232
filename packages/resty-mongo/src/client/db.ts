import type { Document } from 'bson';
import type { WriteConcernSettings } from '../collection-commands.js';
import { copyOptions, writeConcernDocument } from '../collection-commands.js';
import type { CursorHost } from '../cursor.js';
import type { Database } from '../database.js';
import { Collection } from './collection.js';
import { ListCollectionsCursor, type CollectionInfo } from './cursors.js';
import type { MongoClient } from './mongo-client.js';
import type { CreateCollectionOptions, DropOptions, ListCollectionsOptions, RunCommandOptions } from './options.js';

/** Options of `client.db()` and `db.collection()`: defaults for their operations. */
export interface DbOptions {
  /** The write concern of their writes, unless an operation gives its own. */
  writeConcern?: WriteConcernSettings | undefined;
}

/** A database of a `MongoClient` (the driver's `Db`). Cheap: make one wherever it reads well. */
export class Db {
  private host: CursorHost | undefined;

  constructor(
    /** The client whose connections this database's operations lease. */
    readonly client: MongoClient,
    /** The database name. */
    readonly databaseName: string,
    /** Defaults of this database's operations. */
    readonly options: DbOptions = {},
  ) {}

  /** The database name (the driver's `namespace`). */
  get namespace(): string {
    return this.databaseName;
  }

  /** A collection handle; `TSchema` types its filters, updates and results. */
  collection<TSchema extends Document = Document>(name: string, options: DbOptions = {}): Collection<TSchema> {
    return new Collection<TSchema>(this, name, { writeConcern: options.writeConcern ?? this.options.writeConcern });
  }

  /** Runs any command on this database; `ok: 0` rejects with `MongoServerError`. */
  async command(command: Document, options: RunCommandOptions = {}): Promise<Document> {
    void options;
    const name = Object.keys(command)[0] ?? 'command';
    return this.run(name, (db) => db.command(command));
  }

  /** The collections of this database, as a cursor (`toArray()`, `for await`). */
  listCollections<T extends Document = CollectionInfo>(filter: Document = {}, options: ListCollectionsOptions = {}): ListCollectionsCursor<T> {
    const cmd = copyOptions({ listCollections: 1, filter, cursor: {} }, options, ['nameOnly', 'authorizedCollections', 'comment', 'maxTimeMS']);
    const cursor = new ListCollectionsCursor<T>(this, 'listCollections', cmd);
    return options.batchSize !== undefined ? cursor.batchSize(options.batchSize) : cursor;
  }

  /** Handles of every collection of this database. */
  async collections(): Promise<Collection[]> {
    const infos = await this.listCollections({}, { nameOnly: true }).toArray();
    return infos.filter((info) => !info.name.startsWith('system.')).map((info) => this.collection(info.name));
  }

  /** Creates a collection (the `create` command's options: `capped`, `size`, `validator`, ...) and resolves its handle. */
  async createCollection<TSchema extends Document = Document>(name: string, options: CreateCollectionOptions = {}): Promise<Collection<TSchema>> {
    const { writeConcern, ...rest } = options;
    const cmd: Document = { create: name };
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) cmd[key] = value;
    const wc = writeConcernDocument(writeConcern ?? this.options.writeConcern);
    if (wc !== undefined) cmd.writeConcern = wc;
    await this.run('create', (db) => db.command(cmd));
    return this.collection<TSchema>(name);
  }

  /** Drops a collection; resolves false when it did not exist (servers before 7.0). */
  async dropCollection(name: string, options: DropOptions = {}): Promise<boolean> {
    return this.collection(name).drop(options);
  }

  /** Drops this database; resolves true. */
  async dropDatabase(options: DropOptions = {}): Promise<boolean> {
    const cmd = copyOptions({ dropDatabase: 1 }, options, ['comment']);
    const wc = writeConcernDocument(options.writeConcern ?? this.options.writeConcern);
    if (wc !== undefined) cmd.writeConcern = wc;
    await this.run('dropDatabase', (db) => db.command(cmd));
    return true;
  }

  /** Runs `fn` on this database over a leased connection (see `MongoClient.run`). */
  run<R>(operation: string, fn: (db: Database) => Promise<R>): Promise<R> {
    return this.client.run(operation, (conn) => fn(conn.db(this.databaseName)));
  }

  /** Where this database's cursors send their commands: a leased connection per command. */
  cursorHost(): CursorHost {
    if (this.host !== undefined) return this.host;
    const client = this.client;
    const dbName = this.databaseName;
    this.host = {
      address: client.address,
      command: (cmd: Document) => client.run(Object.keys(cmd)[0] ?? 'getMore', (conn) => conn.command(dbName, cmd)),
      get reachable() {
        return !client.closed;
      },
      // Nothing to track: no connection is held between commands.
      track: () => undefined,
    };
    return this.host;
  }
}
