import type { PooledConnection, PoolConnectOptions } from 'cosocket';
import { Redis } from '../client.js';
import type { RedisArg, RedisReply } from '../types.js';
import type { ResolvedClientOptions } from './options.js';

/** Commands after which a connection speaks for another identity (or protocol) than the pool's. */
const IDENTITY_COMMANDS = new Set(['auth', 'hello', 'reset']);

/**
 * The `Redis` a client leases. The client's pool has a name of its own, which to `Redis` means
 * "the caller vouches for what the connections share"; the client cannot vouch for an AUTH,
 * HELLO or RESET sent by hand in `withConnection`, so it notes them and closes that connection
 * instead of pooling it.
 */
export class LeasedRedis extends Redis {
  /** An AUTH, HELLO or RESET was sent: the connection no longer matches the client's options. */
  identityTouched = false;

  override call(name: string, ...args: RedisArg[]): Promise<RedisReply> {
    if (typeof name === 'string' && IDENTITY_COMMANDS.has(name.toLowerCase())) this.identityTouched = true;
    return super.call(name, ...args);
  }

  override auth(...args: RedisArg[]): Promise<RedisReply> {
    this.identityTouched = true;
    return super.auth(...args);
  }

  override hello(...args: RedisArg[]): Promise<RedisReply> {
    this.identityTouched = true;
    return super.hello(...args);
  }

  override reset(...args: RedisArg[]): Promise<RedisReply> {
    this.identityTouched = true;
    return super.reset(...args);
  }
}

/**
 * One lease of the client's `ClientPool`: the right to one connection, which `redis()` connects
 * (taking an idle pooled connection when there is one). Connecting on demand lets the
 * subscriber hold a slot for a connection of its own.
 */
export class Slot implements PooledConnection {
  private red: LeasedRedis | null = null;

  constructor(
    private readonly settings: ResolvedClientOptions,
    private readonly pool: PoolConnectOptions,
  ) {}

  /** A connected `Redis` on this slot, with the client's timeouts (`readMs` for a blocking command). */
  async redis(readMs = this.settings.commandTimeout): Promise<Redis> {
    const s = this.settings;
    const red = new LeasedRedis({ returnBuffers: s.returnBuffers, maxReplySize: s.maxReplySize });
    red.setTimeouts(s.connectTimeout, s.commandTimeout, readMs);
    this.red = red;
    const { host, port, options } = s.target;
    await red.connect(host, port, { ...options, pool: this.pool.pool, poolSize: this.pool.poolSize });
    return red;
  }

  /** Back to the pool by `Redis`'s clean-state rules, or closed when the identity was touched. */
  setKeepalive(): Promise<void> {
    const red = this.red;
    if (red === null) return Promise.resolve();
    return red.identityTouched ? red.close() : red.setKeepalive();
  }

  close(): Promise<void> {
    return this.red === null ? Promise.resolve() : this.red.close();
  }
}
