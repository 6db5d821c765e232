/**
 * resty-memcached: a memcached text-protocol client on cosockets, after lua-resty-memcached,
 * with binary-safe values and keys that cannot inject commands. `createClient` is the client
 * that owns its connections; `Memcached` and `MemcachedMultiplexed` are the layer underneath.
 * See the package README.
 *
 * @module resty-memcached
 */
export { Memcached, DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_VALUE_SIZE, type MemcachedOptions, type ValueOf } from './client.js';
export { MemcachedMultiplexed, DEFAULT_MAX_PENDING, type MemcachedMultiplexedOptions, type MemcachedMultiplexedConnectOptions } from './multiplex.js';
export { MemcachedPipeline, type PipelineResult } from './pipeline.js';
export { createClient, MemcachedClient } from './client/memcached-client.js';
export type { MemcachedClientOptions, MemcachedRingOptions } from './client/options.js';
export type { MemcachedServer } from './url.js';
export type { MemcachedCommands, MemcachedPipelineCommands } from './commands/methods.js';
export {
  MemcachedError,
  MemcachedServerError,
  MemcachedProtocolError,
  MemcachedClientError,
  type MemcachedErrorCode,
  type MemcachedProtocolErrorCode,
} from './errors.js';
export { identityKeyTransform, uriKeyTransform, MAX_KEY_BYTES, type KeyTransform } from './keys.js';
export type { CasUnique, MemcachedValue } from './args.js';
export type { MemcachedCasEntry, MemcachedEntry } from './protocol/read-reply.js';
export { CosocketError } from 'cosocket';
