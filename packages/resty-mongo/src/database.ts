import type { Document } from 'bson';
import type { ScramMechanism } from './auth/scram.js';
import type { ConnectionResource, Mongo } from './client.js';
import { Collection } from './collection.js';
import { Cursor, type CursorHost } from './cursor.js';

/** A database handle (lua-resty-mongol's db object); its cursors are pinned to its connection. */
export class Database implements CursorHost {
  constructor(
    /** The connection every command of this handle goes through. */
    readonly conn: Mongo,
    /** The database name. */
    readonly name: string,
  ) {}

  /** The connection's `host:port` or `unix:/path` (CursorHost). */
  get address(): string | undefined {
    return this.conn.address;
  }

  /** Whether the connection is open (CursorHost: a closed one cannot kill a cursor). */
  get reachable(): boolean {
    return this.conn.connected;
  }

  /** CursorHost: open cursors are killed before the connection returns to the pool. */
  track(cursor: ConnectionResource, open: boolean): void {
    if (open) this.conn.resources.add(cursor);
    else this.conn.resources.delete(cursor);
  }

  /** A collection handle (`db:get_col(name)`). */
  collection(name: string): Collection {
    return new Collection(this, name);
  }

  /** Runs any command on this database; `ok: 0` rejects with `MongoServerError`. */
  command(doc: Document): Promise<Document> {
    // Not async, to spare a promise per command: `conn.command` is, so this never throws.
    return this.conn.command(this.name, doc);
  }

  /**
   * Authenticates the connection with SCRAM against this database (the user's authSource).
   * The mechanism is negotiated with the server when omitted.
   */
  async auth(username: string, password: string, options: { mechanism?: ScramMechanism } = {}): Promise<void> {
    return this.conn.authenticate(username, password, this.name, options.mechanism);
  }

  /** The collections of this database (`listCollections`, every batch). */
  async listCollections(filter: Document = {}, options: { nameOnly?: boolean } = {}): Promise<Document[]> {
    const cmd: Document = { listCollections: 1, filter, cursor: {} };
    if (options.nameOnly === true) cmd.nameOnly = true;
    const reply = await this.command(cmd);
    return Cursor.fromReply<Document>(this, '', reply, {}, 'listCollections').toArray();
  }

  /** Drops this database. */
  async dropDatabase(): Promise<void> {
    await this.command({ dropDatabase: 1 });
  }
}
