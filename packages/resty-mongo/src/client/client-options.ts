import { DEFAULT_CLIENT_CONNECT_TIMEOUT } from 'cosocket';
import type { MongoConnectOptions, MongoOptions } from '../client.js';
import type { WriteConcernSettings } from '../collection-commands.js';
import { MongoParseError } from '../errors.js';
import { parseConnectionString } from '../uri/index.js';

/**
 * The options of `new MongoClient(url, options)`, with the official driver's names. They
 * override the same options of the URL. Options of the driver that one server and no sessions
 * make moot are accepted and ignored (listed in the README's migration table).
 */
export interface MongoClientOptions {
  /** `client.application.name` in the handshake. */
  appName?: string;
  /** Credentials; override the URL's user info. */
  auth?: { username?: string | undefined; password?: string | undefined };
  /** The database holding the user (default: the URL's database, else `admin`). */
  authSource?: string;
  /** `SCRAM-SHA-256` or `SCRAM-SHA-1` (or `DEFAULT`: negotiated); other mechanisms are refused. */
  authMechanism?: 'DEFAULT' | 'SCRAM-SHA-256' | 'SCRAM-SHA-1' | (string & {});
  /** Hard cap on open connections to the server (default 100). */
  maxPoolSize?: number;
  /** How long an operation waits for a free connection (ms; default: `serverSelectionTimeoutMS`). */
  waitQueueTimeoutMS?: number;
  /** Callers allowed to wait for a connection at once (default 1000); one more is refused. */
  maxWaitQueueSize?: number;
  /** Connect timeout of each new connection (ms; default 10,000). */
  connectTimeoutMS?: number;
  /** Send and read timeout of every operation (ms; default 0: cosocket's configured default, 60 s). */
  socketTimeoutMS?: number;
  /** How long an operation keeps trying to reach the server before `MongoServerSelectionError` (ms; default 30,000). */
  serverSelectionTimeoutMS?: number;
  /** TLS (also `ssl`). */
  tls?: boolean;
  ssl?: boolean;
  /** A PEM file of CA certificates to trust. */
  tlsCAFile?: string;
  /** CA certificates to trust (PEM). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Do not verify the server certificate (cosocket verifies the chain and the name together: any of these three turns both off). */
  tlsAllowInvalidCertificates?: boolean;
  tlsAllowInvalidHostnames?: boolean;
  tlsInsecure?: boolean;
  /** SNI name and the name the certificate must carry (default: the host). */
  servername?: string;
  /** The default write concern (also `w`, `journal`, `wtimeoutMS`). */
  writeConcern?: WriteConcernSettings;
  w?: number | string;
  journal?: boolean;
  wtimeoutMS?: number;
  /** How reply documents are decoded (the bson options; the driver's defaults). */
  promoteLongs?: boolean;
  promoteValues?: boolean;
  promoteBuffers?: boolean;
  bsonRegExp?: boolean;
  useBigInt64?: boolean;
  /** Send a CRC-32C checksum with every request. */
  checksum?: boolean;
  /** Accepted and ignored (one server, no sessions, no monitoring yet). */
  directConnection?: boolean;
  replicaSet?: string;
  readPreference?: unknown;
  retryWrites?: boolean;
  retryReads?: boolean;
  minPoolSize?: number;
  maxIdleTimeMS?: number;
  maxConnecting?: number;
  heartbeatFrequencyMS?: number;
  localThresholdMS?: number;
  loadBalanced?: boolean;
  compressors?: unknown;
  monitorCommands?: boolean;
  family?: number;
}

/** What the client runs on, resolved from the URL and the options. */
export interface ClientSettings {
  /** The host (or `unix:/path`) and port connected to: the URL's first host. */
  host: string;
  port: number | undefined;
  /** `host:port` or `unix:/path`, named by every error. */
  address: string;
  /** Credentials and TLS for each new connection (the pool options are added per pool). */
  connect: MongoConnectOptions;
  /** Read at the first connect into `connect.ca`. */
  tlsCAFile: string | undefined;
  mongo: MongoOptions;
  maxPoolSize: number;
  maxWaitQueueSize: number | undefined;
  waitQueueTimeoutMS: number;
  connectTimeoutMS: number;
  socketTimeoutMS: number;
  serverSelectionTimeoutMS: number;
  /** `client.db()` without a name: the URL's database, else `test`. */
  dbName: string;
  writeConcern: WriteConcernSettings | undefined;
}

const DEFAULT_PORT = 27017;

/** Resolves the URL and the options; a bad URL throws `MongoParseError` (a `TypeError`), a bad option a `TypeError`/`RangeError`. */
export function resolveSettings(url: string, options: MongoClientOptions): ClientSettings {
  if (typeof url !== 'string') throw new TypeError('MongoClient needs a connection string (mongodb://...)');
  if (/^mongodb\+srv:/i.test(url))
    throw new MongoParseError(url, 'mongodb+srv:// is not supported yet (SRV resolution comes with the topology issue)');
  const parsed = parseConnectionString(url);
  const fromUrl = lowerKeys(parsed.options);
  const pick = <T>(name: string, check: (v: unknown) => v is T): T | undefined => {
    const value = (options as Record<string, unknown>)[name] ?? fromUrl.get(name.toLowerCase());
    if (value === undefined) return undefined;
    if (!check(value)) throw new TypeError(`bad option ${name}: ${JSON.stringify(value)}`);
    return value;
  };
  const first = parsed.hosts[0];
  if (first === undefined) throw new MongoParseError(url, 'missing the host');
  const unix = first.type === 'unix';
  const host = unix ? `unix:${first.host}` : first.host;
  const port = unix ? undefined : (first.port ?? DEFAULT_PORT);
  const address = unix ? host : `${host}:${String(port)}`;

  const connect: MongoConnectOptions = {};
  const mechanism = pick('authMechanism', isString);
  if (mechanism !== undefined && mechanism !== 'DEFAULT' && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'SCRAM-SHA-1') {
    throw new TypeError(`authMechanism ${mechanism} is not supported (SCRAM-SHA-256 and SCRAM-SHA-1 are)`);
  }
  const username = options.auth?.username ?? parsed.auth?.username ?? undefined;
  if (username !== undefined && username !== null) {
    connect.username = username;
    const password = options.auth?.password ?? parsed.auth?.password ?? undefined;
    if (password === undefined || password === null) throw new TypeError(`user ${username} has no password (SCRAM needs one)`);
    connect.password = password;
    connect.authSource = pick('authSource', isString) ?? parsed.auth?.db ?? 'admin';
    if (mechanism === 'SCRAM-SHA-256' || mechanism === 'SCRAM-SHA-1') connect.mechanism = mechanism;
  }
  const tls = pick('tls', isBoolean) ?? pick('ssl', isBoolean) ?? false;
  if (pick('tlsCertificateKeyFile', isString) !== undefined)
    throw new TypeError('tlsCertificateKeyFile is not supported (no client certificates yet)');
  const tlsCAFile = pick('tlsCAFile', isString);
  if (tls) {
    connect.ssl = true;
    const insecure = pick('tlsInsecure', isBoolean) ?? pick('tlsAllowInvalidCertificates', isBoolean) ?? pick('tlsAllowInvalidHostnames', isBoolean);
    if (insecure === true) connect.sslVerify = false;
    if (options.servername !== undefined) connect.serverName = options.servername;
    if (options.ca !== undefined) connect.ca = options.ca;
  } else if (tlsCAFile !== undefined || options.ca !== undefined) {
    throw new TypeError('tlsCAFile and ca need tls=true');
  }

  const mongo: MongoOptions = { decode: decodeOptions(options) };
  const appName = pick('appName', isString);
  if (appName !== undefined) mongo.appName = appName;
  if (options.checksum === true) mongo.checksum = true;

  const maxPoolSize = pick('maxPoolSize', isNumber) ?? 100;
  if (!Number.isSafeInteger(maxPoolSize) || maxPoolSize < 1)
    throw new RangeError(`bad option maxPoolSize: ${maxPoolSize} (an integer >= 1: it is a hard cap)`);
  const serverSelectionTimeoutMS = timeout('serverSelectionTimeoutMS', pick('serverSelectionTimeoutMS', isNumber) ?? 30_000);
  const waitQueueTimeoutMS = timeout('waitQueueTimeoutMS', pick('waitQueueTimeoutMS', isNumber) ?? 0);
  return {
    host,
    port,
    address,
    connect,
    tlsCAFile: tls ? tlsCAFile : undefined,
    mongo,
    maxPoolSize,
    maxWaitQueueSize: options.maxWaitQueueSize,
    waitQueueTimeoutMS: waitQueueTimeoutMS > 0 ? waitQueueTimeoutMS : serverSelectionTimeoutMS,
    connectTimeoutMS: timeout('connectTimeoutMS', pick('connectTimeoutMS', isNumber) ?? DEFAULT_CLIENT_CONNECT_TIMEOUT),
    socketTimeoutMS: timeout('socketTimeoutMS', pick('socketTimeoutMS', isNumber) ?? 0),
    serverSelectionTimeoutMS,
    dbName: parsed.auth?.db ?? 'test',
    writeConcern: writeConcernOf(options, pick),
  };
}

function writeConcernOf(
  options: MongoClientOptions,
  pick: <T>(name: string, check: (v: unknown) => v is T) => T | undefined,
): WriteConcernSettings | undefined {
  const wc: WriteConcernSettings = { ...options.writeConcern };
  const w = options.writeConcern?.w ?? pick('w', (v): v is number | string => isNumber(v) || isString(v));
  const journal = options.writeConcern?.journal ?? options.writeConcern?.j ?? pick('journal', isBoolean);
  const wtimeoutMS = options.writeConcern?.wtimeoutMS ?? options.writeConcern?.wtimeout ?? pick('wtimeoutMS', isNumber);
  if (w !== undefined) wc.w = w;
  if (journal !== undefined) wc.journal = journal;
  if (wtimeoutMS !== undefined) wc.wtimeoutMS = wtimeoutMS;
  return Object.keys(wc).length === 0 ? undefined : wc;
}

function decodeOptions(options: MongoClientOptions): NonNullable<MongoOptions['decode']> {
  const decode: NonNullable<MongoOptions['decode']> = {};
  for (const key of ['promoteLongs', 'promoteValues', 'promoteBuffers', 'bsonRegExp', 'useBigInt64'] as const) {
    const value = options[key];
    if (value !== undefined) decode[key] = value;
  }
  return decode;
}

function timeout(name: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0 || ms >= 2 ** 31) throw new RangeError(`bad option ${name}: ${ms} (ms, 0 <= value < 2^31)`);
  return ms;
}

/** The URL's options by lower-cased name: the client reads them under the URI options specification's names, any case. */
function lowerKeys(options: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isNumber = (v: unknown): v is number => typeof v === 'number';
