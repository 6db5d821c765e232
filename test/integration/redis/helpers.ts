// Shared helpers of the resty-redis integration tests.
import { randomUUID } from 'node:crypto';
import { Redis, type RedisConnectOptions, type RedisOptions } from 'resty-redis';

/** A key no other test (or parallel test file) uses. */
export function key(name: string): string {
  return `resty-redis-test:${name}:${randomUUID()}`;
}

/** A connected client with a short timeout. */
export async function client(
  server: { host: string; port: number },
  options: RedisConnectOptions = {},
  redisOptions: RedisOptions = {},
): Promise<Redis> {
  const red = new Redis(redisOptions);
  red.setTimeout(2000);
  await red.connect(server.host, server.port, options);
  return red;
}

/** The `db=` field of CLIENT INFO: the database the server thinks this connection is on. */
export async function serverDb(red: Redis): Promise<number> {
  const info = String(await red.client('info'));
  return Number(/ db=(\d+)/.exec(info)?.[1]);
}

/** CLIENT ID, to tell one server-side connection from another. */
export async function clientId(red: Redis): Promise<number> {
  return Number(await red.client('id'));
}

/** Calls of a command on the server so far (INFO commandstats). */
export async function calls(red: Redis, command: string): Promise<number> {
  const info = String(await red.info('commandstats'));
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}
