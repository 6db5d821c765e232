// Shared helpers of the resty-mongo integration tests.
import { afterAll, beforeAll } from 'vitest';
import { Mongo, type Database } from 'resty-mongo';

/**
 * A connection and a database of this file's own (`<name>_<pid>`, so parallel files never
 * share one), opened before the file's tests and dropped after them. `ready` receives both;
 * hooks the file registers afterwards run once they are there.
 */
export function ownDatabase(
  server: { host: string; port: number },
  name: string,
  timeoutMs: number,
  ready: (conn: Mongo, db: Database) => void,
): string {
  const dbName = `${name}_${process.pid}`;
  let conn: Mongo | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    conn = new Mongo();
    conn.setTimeout(timeoutMs);
    await conn.connect(server.host, server.port);
    db = conn.db(dbName);
    ready(conn, db);
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await conn?.close();
  });
  return dbName;
}
