// Where every request gets its connections: `named` (from cosocket) hands each light thread of
// the current request its own connection per name, opened on first use, and returns it to the
// keepalive pool (setKeepalive) when the request's context ends. Nothing here is shared between
// requests or between concurrent tasks, so no two tasks ever read from one socket.
import { named } from 'cosocket';
import { Memcached } from 'resty-memcached';
import { Mongo } from 'resty-mongo';
import { Redis } from 'resty-redis';

/** Pool sizing shared by the three clients: 30 open connections per server, 200 waiting connects at most. */
const POOL = { poolSize: 30, backlog: 200 };

/**
 * @param {import('./app.mjs').CatalogConfig} config
 */
export function connections(config) {
  return {
    /** @returns {Promise<Redis>} */
    redis: () =>
      named('redis', async () => {
        const red = new Redis();
        red.setTimeouts(1000, 1000, 2000);
        const { host, port, username, password } = config.redis;
        await red.connect(host, port, { ...POOL, username, password });
        return red;
      }),
    /** @returns {Promise<Memcached>} */
    memcached: () =>
      named('memcached', async () => {
        const memc = new Memcached();
        // A cache is an optimisation: give up quickly and serve from the database instead.
        memc.setTimeouts(200, 200, 300);
        await memc.connect(config.memcached.host, config.memcached.port, POOL);
        return memc;
      }),
    /** @returns {Promise<Mongo>} */
    mongo: () =>
      named('mongo', async () => {
        const conn = new Mongo();
        conn.setTimeouts(2000, 2000, 5000);
        const { host, port, username, password } = config.mongo;
        await conn.connect(host, port, username ? { ...POOL, username, password } : POOL);
        return conn;
      }),
  };
}
