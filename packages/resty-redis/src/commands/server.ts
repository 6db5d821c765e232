/**
 * Typed replies of scripting and of the everyday server commands (RESP2). A script's reply is
 * whatever the script returns: `RedisReply`, to be narrowed by the caller.
 */
import type { RedisArg, RedisReply } from '../types.js';
import type { OneOrMore, RedisInteger, RedisToken, StatusReply } from './reply-types.js';

/** FLUSHDB / FLUSHALL / SCRIPT FLUSH mode. */
export type FlushMode = RedisToken<'ASYNC' | 'SYNC'>;

export interface ServerCommands<S extends string | Buffer = string> {
  /** EVAL script numkeys [key ...] [arg ...]: the script's reply. */
  eval(script: RedisArg, numkeys: RedisInteger, ...keysAndArgs: RedisArg[]): Promise<RedisReply>;
  /** EVALSHA sha1 numkeys [key ...] [arg ...]: the script's reply (NOSCRIPT error when not loaded). */
  evalsha(sha1: RedisArg, numkeys: RedisInteger, ...keysAndArgs: RedisArg[]): Promise<RedisReply>;
  /** EVAL_RO script numkeys [key ...] [arg ...]: a read-only script's reply. */
  eval_ro(script: RedisArg, numkeys: RedisInteger, ...keysAndArgs: RedisArg[]): Promise<RedisReply>;
  /** EVALSHA_RO sha1 numkeys [key ...] [arg ...]: a read-only script's reply. */
  evalsha_ro(sha1: RedisArg, numkeys: RedisInteger, ...keysAndArgs: RedisArg[]): Promise<RedisReply>;
  /** FCALL function numkeys [key ...] [arg ...]: the function's reply. */
  fcall(functionName: RedisArg, numkeys: RedisInteger, ...keysAndArgs: RedisArg[]): Promise<RedisReply>;
  /** FCALL_RO function numkeys [key ...] [arg ...]: a read-only function's reply. */
  fcall_ro(functionName: RedisArg, numkeys: RedisInteger, ...keysAndArgs: RedisArg[]): Promise<RedisReply>;
  /** SCRIPT LOAD script: the script's SHA1 digest, for EVALSHA. */
  script(subcommand: RedisToken<'LOAD'>, script: RedisArg): Promise<S>;
  /** SCRIPT EXISTS sha1 [sha1 ...]: 1 or 0 for each. */
  script(subcommand: RedisToken<'EXISTS'>, ...sha1s: OneOrMore<RedisArg>): Promise<number[]>;
  /** SCRIPT FLUSH [ASYNC | SYNC]: empties the script cache. */
  script(subcommand: RedisToken<'FLUSH'>, mode?: FlushMode): Promise<StatusReply<S, 'OK'>>;
  /** SCRIPT KILL: stops the running read-only script. */
  script(subcommand: RedisToken<'KILL'>): Promise<StatusReply<S, 'OK'>>;
  /** SCRIPT DEBUG YES | SYNC | NO. */
  script(subcommand: RedisToken<'DEBUG'>, mode: RedisToken<'YES' | 'SYNC' | 'NO'>): Promise<StatusReply<S, 'OK'>>;
  /** SCRIPT HELP: the help lines. */
  script(subcommand: RedisToken<'HELP'>): Promise<S[]>;
  /** INFO [section ...]: the report, `field:value` lines under `# Section` headings. */
  info(...sections: RedisArg[]): Promise<S>;
  /** PING: `'PONG'`. */
  ping(): Promise<StatusReply<S, 'PONG'>>;
  /** PING message: the message. */
  ping(message: RedisArg): Promise<S>;
  /** ECHO message: the message. */
  echo(message: RedisArg): Promise<S>;
  /** DBSIZE: the number of keys in the database. */
  dbsize(): Promise<number>;
  /** FLUSHDB [ASYNC | SYNC]: removes every key of the database. */
  flushdb(mode?: FlushMode): Promise<StatusReply<S, 'OK'>>;
  /** FLUSHALL [ASYNC | SYNC]: removes every key of every database. */
  flushall(mode?: FlushMode): Promise<StatusReply<S, 'OK'>>;
  /** PUBLISH channel message: the number of subscribers that received it. */
  publish(channel: RedisArg, message: RedisArg): Promise<number>;
  /** TIME: the server's clock, `[unixSeconds, microseconds]` as bulk strings. */
  time(): Promise<[seconds: S, microseconds: S]>;
}
