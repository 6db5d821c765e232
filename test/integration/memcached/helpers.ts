// Shared helpers for the memcached integration tests.
import { randomBytes } from 'node:crypto';
import { Memcached, type MemcachedOptions } from 'resty-memcached';

/** A key prefix unique to this test, so files running in parallel never collide. */
export function prefix(name: string): string {
  return `${name}-${randomBytes(4).toString('hex')}-`;
}

/** A connected client with a 5 s timeout. */
export async function connected<B extends boolean = false>(
  server: { host: string; port: number },
  options?: MemcachedOptions<B>,
  pool?: string,
): Promise<Memcached<B>> {
  const memc = new Memcached<B>(options);
  memc.setTimeout(5000);
  await memc.connect(server.host, server.port, pool === undefined ? undefined : { pool });
  return memc;
}
