// Cache-aside over Memcached: read the cache, on a miss load from the source and fill the cache.
// The cache is never allowed to fail a request: any cache error (down, timeout, refused) is
// logged once per request and the value comes from the source. After the first failure the
// request stops talking to the cache (remembered in its context, `ctx()`), so a dead cache
// costs one connect attempt per request, not one per key.
import { ctx } from 'cosocket';

/**
 * @template T
 * @param {() => Promise<import('resty-memcached').Memcached>} memcached the request's connection
 * @param {string} key
 * @param {number} ttlSeconds
 * @param {() => Promise<T | null>} load reads the source of truth
 * @param {(message: string) => void} warn
 * @returns {Promise<{ value: T | null, cache: 'hit' | 'miss' | 'down' }>}
 */
export async function cacheAside(memcached, key, ttlSeconds, load, warn) {
  const cached = await tryCache(memcached, warn, (memc) => memc.get(key));
  if (cached) return { value: JSON.parse(cached.value), cache: 'hit' };
  const value = await load();
  if (value !== null && !ctx().cacheDown) {
    await tryCache(memcached, warn, (memc) => memc.set(key, JSON.stringify(value), ttlSeconds));
  }
  return { value, cache: ctx().cacheDown ? 'down' : 'miss' };
}

/** Deletes a cached key (after a write); a down cache is ignored like everywhere else. */
export async function invalidate(memcached, key, warn) {
  await tryCache(memcached, warn, (memc) => memc.delete(key));
}

async function tryCache(memcached, warn, op) {
  if (ctx().cacheDown) return null;
  try {
    return await op(await memcached());
  } catch (err) {
    ctx().cacheDown = true;
    warn(`cache unavailable, serving from the database: ${err.code ?? err.message}`);
    return null;
  }
}
