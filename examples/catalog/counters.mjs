// View counters and a fixed-window rate limiter in Redis.

/**
 * Counts one request for `client` in the current window and says whether it is allowed.
 * Three commands in one pipeline, so one round trip: SET ... NX EX starts the window (with its
 * expiry) only if there is none, INCR counts (keeping the expiry), TTL tells a refused client
 * when to come back.
 * @param {import('resty-redis').RedisClient} redis
 * @param {string} key
 * @param {{ limit: number, windowSeconds: number }} rule
 */
export async function rateLimit(redis, key, { limit, windowSeconds }) {
  const [, count, ttl] = await redis.pipeline().set(key, 0, 'EX', windowSeconds, 'NX').incr(key).ttl(key).exec();
  return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfter: Math.max(1, ttl) };
}

/** One more view of `sku`; resolves the new count. The counters are one sorted set. */
export async function countView(redis, key, sku) {
  return Number(await redis.zincrby(key, 1, sku));
}

/** The view counts of every product, as `{ sku: count }`. */
export async function viewCounts(redis, key) {
  const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
  const counts = {};
  for (let i = 0; i < flat.length; i += 2) counts[flat[i]] = Number(flat[i + 1]);
  return counts;
}
