// View counters and a fixed-window rate limiter in Redis.

/**
 * Counts one request for `client` in the current window and says whether it is allowed.
 * Three commands in one pipeline, so one round trip: SET ... NX EX starts the window (with its
 * expiry) only if there is none, INCR counts (keeping the expiry), TTL tells a refused client
 * when to come back.
 * @param {import('resty-redis').Redis} red
 * @param {string} key
 * @param {{ limit: number, windowSeconds: number }} rule
 */
export async function rateLimit(red, key, { limit, windowSeconds }) {
  red.initPipeline();
  void red.set(key, 0, 'EX', windowSeconds, 'NX');
  void red.incr(key);
  void red.ttl(key);
  const [, count, ttl] = await red.commitPipeline();
  return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfter: Math.max(1, ttl) };
}

/** One more view of `sku`; resolves the new count. The counters are one sorted set. */
export async function countView(red, key, sku) {
  return Number(await red.zincrby(key, 1, sku));
}

/** The view counts of every product, as `{ sku: count }`. */
export async function viewCounts(red, key) {
  const flat = await red.zrange(key, 0, -1, 'WITHSCORES');
  const counts = {};
  for (let i = 0; i < flat.length; i += 2) counts[flat[i]] = Number(flat[i + 1]);
  return counts;
}
