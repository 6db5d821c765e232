/**
 * The options of the URI Options specification, in one table: each option's name as that
 * specification spells it, its value type, and the two departures from the general rules (an
 * invalid value is an error rather than a warning; a repetition is an error or makes a list).
 * The result type of `parseConnectionString` is derived from this table.
 */
import {
  anyString,
  appName,
  boolean,
  compressorList,
  integer,
  keyValuePairs,
  maxStaleness,
  nonEmptyString,
  oneOf,
  oneOfIgnoringCase,
  type Parse,
  srvServiceName,
  tagSet,
  writeConcernW,
} from './values.js';

interface OptionSpec<T> {
  readonly parse: Parse<T>;
  /** An invalid value throws `MongoParseError` instead of warning and being ignored. */
  readonly strict?: true;
  /** `list`: each occurrence adds a value; `error`: a second occurrence throws. Default: the last wins, with a warning. */
  readonly repeat?: 'list' | 'error';
  /** The value is a secret: never quoted in a warning or an error. */
  readonly secret?: true;
}

function option<T>(parse: Parse<T>, flags: Omit<OptionSpec<T>, 'parse' | 'repeat'> = {}): OptionSpec<T> {
  return { parse, ...flags };
}
function single<T>(parse: Parse<T>, flags: Omit<OptionSpec<T>, 'parse' | 'repeat'> = {}): OptionSpec<T> {
  return { parse, repeat: 'error', ...flags };
}
function list<T>(parse: Parse<T>): OptionSpec<T> & { readonly repeat: 'list' } {
  return { parse, repeat: 'list' };
}

/** The mechanisms of the authentication specification. */
export const AUTH_MECHANISMS = ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'PLAIN', 'GSSAPI', 'MONGODB-X509', 'MONGODB-AWS', 'MONGODB-OIDC'] as const;
export type AuthMechanism = (typeof AUTH_MECHANISMS)[number];

export const READ_PREFERENCE_MODES = ['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'] as const;
export type ReadPreferenceMode = (typeof READ_PREFERENCE_MODES)[number];

const timeMS = integer(0);
// Mechanism property names are case-insensitive (auth spec, "Naming"): kept in capitals.
const mechanismProperties = keyValuePairs((key) => key.toUpperCase());

/** Every option of the URI Options specification, by its canonical name. */
export const OPTION_TABLE = {
  appname: option(appName),
  authMechanism: option(oneOfIgnoringCase(AUTH_MECHANISMS), { strict: true }),
  // Secret: it may hold an AWS_SESSION_TOKEN.
  authMechanismProperties: option(mechanismProperties, { secret: true }),
  authSource: option(nonEmptyString, { strict: true }),
  compressors: option(compressorList),
  connectTimeoutMS: option(timeMS),
  directConnection: option(boolean),
  enableOverloadRetargeting: option(boolean),
  heartbeatFrequencyMS: option(integer(500)),
  journal: option(boolean),
  loadBalanced: option(boolean),
  localThresholdMS: option(timeMS),
  maxAdaptiveRetries: option(integer(0)),
  maxConnecting: option(integer(1)),
  maxIdleTimeMS: option(timeMS),
  maxPoolSize: option(integer(0)),
  maxStalenessSeconds: option(maxStaleness),
  minPoolSize: option(integer(0)),
  proxyHost: single(anyString),
  proxyPassword: single(anyString, { secret: true }),
  proxyPort: single(integer(0, 65535)),
  proxyUsername: single(anyString),
  readConcernLevel: option(anyString),
  readPreference: option(oneOf(READ_PREFERENCE_MODES)),
  readPreferenceTags: list(tagSet),
  replicaSet: option(anyString),
  retryReads: option(boolean),
  retryWrites: option(boolean),
  serverMonitoringMode: option(oneOf(['stream', 'poll', 'auto'] as const)),
  serverSelectionTimeoutMS: option(integer(1)),
  serverSelectionTryOnce: option(boolean),
  socketTimeoutMS: option(timeMS),
  srvMaxHosts: option(integer(0)),
  srvServiceName: option(srvServiceName),
  timeoutMS: option(timeMS),
  tls: option(boolean),
  tlsAllowInvalidCertificates: option(boolean),
  tlsAllowInvalidHostnames: option(boolean),
  tlsCAFile: option(anyString),
  tlsCertificateKeyFile: option(anyString),
  tlsCertificateKeyFilePassword: option(anyString, { secret: true }),
  tlsDisableCertificateRevocationCheck: option(boolean),
  tlsDisableOCSPEndpointCheck: option(boolean),
  tlsInsecure: option(boolean),
  w: option(writeConcernW, { strict: true }),
  waitQueueTimeoutMS: option(timeMS),
  // A 64-bit integer per the specification; JavaScript numbers hold it exactly to 2^53 - 1.
  wTimeoutMS: option(integer(0, Number.MAX_SAFE_INTEGER)),
  zlibCompressionLevel: option(integer(-1, 9)),
};

type Table = typeof OPTION_TABLE;
export type OptionName = keyof Table;

/** The parsed options, named as the URI Options specification spells them, values typed. */
export type ConnectionStringOptions = {
  -readonly [K in OptionName]?: Table[K] extends { repeat: 'list' } ? OptionValue<Table[K]>[] : OptionValue<Table[K]>;
};
type OptionValue<S> = S extends OptionSpec<infer T> ? T : never;

/**
 * Other spellings. `ssl` is `tls` (every `tls` and `ssl` must agree, checked with the other
 * combinations); the deprecated ones apply only when their replacement is absent.
 */
export const ALIASES: Record<string, { readonly target: OptionName; readonly deprecated?: true; readonly property?: string }> = {
  ssl: { target: 'tls' },
  wtimeout: { target: 'wTimeoutMS', deprecated: true },
  gssapiservicename: { target: 'authMechanismProperties', property: 'SERVICE_NAME', deprecated: true },
};

/** Lower-case key → canonical name (keys are matched after lower-casing ASCII A-Z only). */
export const CANONICAL = new Map<string, OptionName>(Object.keys(OPTION_TABLE).map((name) => [asciiLower(name), name as OptionName]));

export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export function specOf(name: OptionName): OptionSpec<unknown> {
  return OPTION_TABLE[name];
}
