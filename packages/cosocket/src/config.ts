/**
 * Process-wide defaults: the `lua_socket_*` directives of lua-nginx-module, with nginx's
 * defaults. A Node process plays the role of one nginx worker.
 */
export type Logger = (message: string, error?: unknown) => void;

/** The process-wide defaults `configure()` sets (nginx's `lua_socket_*` directives). */
export interface CosocketConfig {
  /** lua_socket_connect_timeout: connect, TLS handshake and backlog wait (ms). */
  connectTimeout: number;
  /** lua_socket_send_timeout: inactivity timeout of a send (ms). */
  sendTimeout: number;
  /** lua_socket_read_timeout: inactivity timeout of a read (ms). */
  readTimeout: number;
  /** lua_socket_buffer_size: the most bytes one receiveAny hands back. */
  bufferSize: number;
  /** lua_socket_pool_size: size of a pool created without an explicit size. */
  poolSize: number;
  /** lua_socket_keepalive_timeout: idle time before a pooled connection is closed (0 = none). */
  keepaliveTimeout: number;
  /**
   * lua_socket_log_errors: whether transport errors are passed to `logger`. Off by default
   * (nginx has it on): the error reaches the caller anyway, and a library should not print
   * what the application already handles.
   */
  logErrors: boolean;
  /** Where logged transport errors go (beyond OpenResty: replaceable). */
  logger: Logger;
  /** lua_ssl_trusted_certificate: extra CA certificates (PEM) trusted by sslHandshake. */
  sslTrustedCertificate: string | Buffer | undefined;
}

const defaultLogger: Logger = (message) => {
  process.emitWarning(message, { code: 'COSOCKET' });
};

export const DEFAULTS: Readonly<CosocketConfig> = Object.freeze({
  connectTimeout: 60_000,
  sendTimeout: 60_000,
  readTimeout: 60_000,
  bufferSize: 4096,
  poolSize: 30,
  keepaliveTimeout: 60_000,
  logErrors: false,
  logger: defaultLogger,
  sslTrustedCertificate: undefined,
});

export const config: CosocketConfig = { ...DEFAULTS };

/** Changes process-wide defaults; `configure()` with no argument restores nginx's defaults. */
export function configure(options?: Partial<CosocketConfig>): Readonly<CosocketConfig> {
  if (options === undefined) {
    Object.assign(config, DEFAULTS);
    return config;
  }
  for (const key of ['connectTimeout', 'sendTimeout', 'readTimeout', 'keepaliveTimeout'] as const) {
    const value = options[key];
    if (value !== undefined) {
      if (key === 'keepaliveTimeout') checkNonNegativeMs(value, key);
      else checkTimeout(value, key);
      config[key] = value;
    }
  }
  for (const key of ['bufferSize', 'poolSize'] as const) {
    const value = options[key];
    if (value !== undefined) {
      if (!Number.isInteger(value) || value <= 0) throw new RangeError(`bad "${key}" value: ${value}`);
      config[key] = value;
    }
  }
  if (options.logErrors !== undefined) config.logErrors = Boolean(options.logErrors);
  if (options.logger !== undefined) config.logger = options.logger;
  if ('sslTrustedCertificate' in options) config.sslTrustedCertificate = options.sslTrustedCertificate;
  return config;
}

const MAX_TIMEOUT = 2 ** 31;

/** A timeout must be a finite number in [0, 2^31); lua-nginx-module throws `bad timeout value`. */
export function checkTimeout(value: unknown, what = 'timeout'): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= MAX_TIMEOUT) {
    throw new RangeError(`bad ${what} value: ${String(value)}`);
  }
}

function checkNonNegativeMs(value: unknown, what: string): void {
  checkTimeout(value, what);
}

/** Sends a transport error to the configured logger when `logErrors` is on. */
export function logError(message: string, error?: unknown): void {
  if (config.logErrors) config.logger(message, error);
}
