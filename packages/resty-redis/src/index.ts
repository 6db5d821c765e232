/**
 * resty-redis: a Redis client on cosockets, after lua-resty-redis, whose pooled connections go
 * back clean (database restored, no MULTI/WATCH, not subscribed, no unread replies). See the
 * package README.
 *
 * @module resty-redis
 */
export { Redis } from './client.js';
export { RedisError, RedisReplyError, RedisProtocolError, RedisClientError } from './errors.js';
export { arrayToHash } from './hash.js';
export { RedisScript } from './script.js';
export { encodeCommand, formatNumber } from './encoder.js';
export { ReplyDecoder, DEFAULT_MAX_REPLY_SIZE } from './decoder.js';
export { defaultPoolName } from './connect-options.js';
export { COMMAND_NAMES, BLOCKING_COMMANDS, COMMANDS_REDIS_VERSION, type RedisCommands } from './commands.generated.js';
export type { RedisCallMethods } from './command-methods.js';
export type { TypedRedisCommands } from './commands/typed-commands.js';
export type { RedisKey, RedisToken, StatusReply, ScanReply, MembersWithScores, StreamEntry, StreamsReply } from './commands/reply-types.js';
export type { RedisArg, RedisReply, RedisReplyArray, RedisOptions, RedisConnectOptions } from './types.js';
export { CosocketError } from 'cosocket';
export { RedisMultiplexed, DEFAULT_MAX_PENDING, type RedisMultiplexedOptions, type RedisMultiplexedConnectOptions } from './multiplex.js';
export { parseRedisUrl, DEFAULT_REDIS_PORT, type RedisUrl } from './url.js';
export { createClient, RedisClient, type RedisClientCommands } from './client/redis-client.js';
export { RedisPipeline, RedisMulti, type RedisBatchCommands } from './client/batch.js';
export type { RedisClientOptions, RedisClientTlsOptions } from './client/options.js';
export type { MessageListener, RedisSubscription } from './client/subscriber.js';
