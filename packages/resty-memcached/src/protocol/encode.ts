/**
 * Request bytes of the text protocol (pure). Keys reaching here are wire keys that passed
 * `wireKey`, and numbers passed the checks in args.ts, so every line is well formed.
 *
 * Note the wire order: `<cmd> <key> <flags> <exptime> <bytes>`, flags before exptime, while
 * the method signatures take exptime first (as lua-resty-memcached does).
 */
import type { SendData } from 'cosocket';

/** The storage commands that share one request and reply shape. */
export type StorageCommand = 'set' | 'add' | 'replace' | 'append' | 'prepend';

const CRLF = '\r\n';

/**
 * `<cmd> <key> <flags> <exptime> <bytes>[ <cas>]\r\n<data>\r\n`. The byte count is
 * `Buffer.byteLength`, never `.length`: a UTF-8 string counted in UTF-16 units would desync
 * the stream. A string value goes out as one string; a Buffer as header, data, CRLF in one
 * writev, without copying the data.
 */
export function storageRequest(
  command: StorageCommand | 'cas',
  key: string,
  value: string | Buffer,
  flags: number,
  exptime: number,
  cas?: string,
): SendData {
  const casPart = cas === undefined ? '' : ` ${cas}`;
  if (typeof value === 'string') {
    return `${command} ${key} ${flags} ${exptime} ${Buffer.byteLength(value)}${casPart}\r\n${value}\r\n`;
  }
  return [`${command} ${key} ${flags} ${exptime} ${value.length}${casPart}\r\n`, value, CRLF];
}

/** `get k1 k2 ...\r\n` / `gets ...`: one request for any number of keys. */
export function retrievalRequest(command: 'get' | 'gets', keys: readonly string[]): string {
  return keys.length === 1 ? `${command} ${keys[0]}\r\n` : `${command} ${keys.join(' ')}\r\n`;
}

export function deleteRequest(key: string): string {
  return `delete ${key}\r\n`;
}

export function arithmeticRequest(command: 'incr' | 'decr', key: string, delta: string): string {
  return `${command} ${key} ${delta}\r\n`;
}

export function touchRequest(key: string, exptime: number): string {
  return `touch ${key} ${exptime}\r\n`;
}

export function flushAllRequest(delay?: number): string {
  return delay === undefined ? 'flush_all\r\n' : `flush_all ${delay}\r\n`;
}

export function statsRequest(arg?: string): string {
  return arg === undefined ? 'stats\r\n' : `stats ${arg}\r\n`;
}

export function verbosityRequest(level: number): string {
  return `verbosity ${level}\r\n`;
}

export const VERSION_REQUEST = 'version\r\n';
export const QUIT_REQUEST = 'quit\r\n';
