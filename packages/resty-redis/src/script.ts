import { createHash } from 'node:crypto';
import type { Redis } from './client.js';
import { RedisReplyError } from './errors.js';
import type { RedisArg, RedisReply } from './types.js';

/**
 * A Lua script run by its SHA1 (EVALSHA), falling back to EVAL — which also loads it into the
 * server's script cache — when the server answers NOSCRIPT (first use, restart, SCRIPT FLUSH).
 */
export class RedisScript {
  /** SHA1 of the source, as EVALSHA wants it. */
  readonly sha: string;

  /** @param source the Lua script */
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Runs the script with `keys` (KEYS[]) and `args` (ARGV[]). In pipeline mode it queues EVAL,
   * since a NOSCRIPT inside a pipeline could not be retried.
   */
  async run(client: Redis, keys: readonly RedisArg[] = [], args: readonly RedisArg[] = []): Promise<RedisReply> {
    if (client.pipelining) return client.eval(this.source, keys.length, ...keys, ...args);
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof RedisReplyError) || error.code !== 'NOSCRIPT') throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
