// Cache-aside over Memcached: read the cache, on a miss load from the source and fill the cache.
// The cache is never allowed to fail a request: any cache error (down, timeout, refused) is
// logged once per request and the value comes from the source. After the first failure the
// request stops talking to the cache (remembered in its `request` state), so a dead cache costs
// one attempt per request, not one per key.

/**
 * @template T
 * @param {import('resty-memcached').MemcachedClient} memcached
 * @param {{ cacheDown: boolean }} request this request's state
 * @param {string} key
 * @param {number} ttlSeconds
 * @param {() => Promise<T | null>} load reads the source of truth
 * @param {(message: string) => void} warn
 * @returns {Promise<{ value: T | null, cache: 'hit' | 'miss' | 'down' }>}
 */
export async function cacheAside(memcached, request, key, ttlSeconds, load, warn) {
  const cached = await tryCache(request, warn, () => memcached.get(key));
  if (cached) return { value: JSON.parse(cached.value), cache: 'hit' };
  const value = await load();
  if (value !== null) await tryCache(request, warn, () => memcached.set(key, JSON.stringify(value), ttlSeconds));
  return { value, cache: request.cacheDown ? 'down' : 'miss' };
}

async function tryCache(request, warn, op) {
  if (request.cacheDown) return null;
  try {
    return await op();
  } catch (err) {
    request.cacheDown = true;
    warn(`cache unavailable, serving from the database: ${err.message}`);
    return null;
  }
}
