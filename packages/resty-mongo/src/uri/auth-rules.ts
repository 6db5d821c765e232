/**
 * The authentication specification's rules for a credential given by a connection string: one
 * table row per mechanism (user name, password, source, mechanism properties).
 *
 * A credential exists when the string has user info (an `@`, even with empty names) or an
 * `authMechanism`; a database or an `authSource` alone asks for no authentication.
 * `parseConnectionString` throws for every contradiction the string holds by itself; what code
 * may still supply (a password for SCRAM or PLAIN, an OIDC callback instead of `ENVIRONMENT`) is
 * required only by `credentialFromUri`, which builds the credential from the string alone.
 */
import type { ConnectionStringAuth, ConnectionStringOptions } from './connection-string.js';
import type { AuthMechanism } from './options.js';
import type { Fail } from './query.js';

/** The credential the connection string configures (auth spec, "MongoCredential"). */
export interface MongoCredential {
  username: string | null;
  password: string | null;
  /** The database the authentication commands go to. */
  source: string;
  /** `null`: negotiated with the server (SCRAM-SHA-256, else SCRAM-SHA-1). */
  mechanism: AuthMechanism | null;
  mechanismProperties: Record<string, string> | null;
}

type Need = 'required' | 'optional' | 'forbidden';

interface MechanismRule {
  username: Need;
  password: Need;
  /** The source when no authSource is given: the URI database else this; `$external` only for `external`. */
  source: 'admin' | '$external' | 'external';
  /** The properties the string may set; `[]`: none. */
  properties: readonly string[];
  defaultProperties?: Readonly<Record<string, string>>;
  /** Mechanism-specific rules; `strict` when code can no longer add anything. */
  check?: (properties: Record<string, string>, username: string | null, strict: boolean) => string | undefined;
}

const SCRAM: MechanismRule = { username: 'required', password: 'required', source: 'admin', properties: [] };

const CANONICALIZE_HOST_NAME = ['true', 'false', 'none', 'forward', 'forwardAndReverse'];
const OIDC_ENVIRONMENTS = ['test', 'azure', 'gcp', 'k8s'];

const RULES: Record<AuthMechanism | 'DEFAULT', MechanismRule> = {
  DEFAULT: SCRAM,
  'SCRAM-SHA-1': SCRAM,
  'SCRAM-SHA-256': SCRAM,
  PLAIN: { username: 'required', password: 'required', source: '$external', properties: [] },
  GSSAPI: {
    username: 'required',
    password: 'optional',
    source: 'external',
    properties: ['SERVICE_NAME', 'CANONICALIZE_HOST_NAME', 'SERVICE_REALM', 'SERVICE_HOST'],
    defaultProperties: { SERVICE_NAME: 'mongodb' },
    check: (properties) => {
      const value = properties.CANONICALIZE_HOST_NAME;
      if (value !== undefined && !CANONICALIZE_HOST_NAME.includes(value))
        return `CANONICALIZE_HOST_NAME must be one of ${CANONICALIZE_HOST_NAME.join(', ')}`;
      return undefined;
    },
  },
  'MONGODB-X509': { username: 'optional', password: 'forbidden', source: 'external', properties: [] },
  // Since 2025 the AWS credentials come from the environment or the AWS SDK only, never from the string.
  'MONGODB-AWS': { username: 'forbidden', password: 'forbidden', source: 'external', properties: [] },
  'MONGODB-OIDC': {
    username: 'optional',
    password: 'forbidden',
    source: 'external',
    properties: ['ENVIRONMENT', 'TOKEN_RESOURCE'],
    check: ({ ENVIRONMENT: environment, TOKEN_RESOURCE: resource }, username, strict) => {
      if (environment === undefined)
        return strict ? 'MONGODB-OIDC needs authMechanismProperties ENVIRONMENT (or an OIDC callback in code)' : undefined;
      if (!OIDC_ENVIRONMENTS.includes(environment)) return `ENVIRONMENT must be one of ${OIDC_ENVIRONMENTS.join(', ')}`;
      if (environment === 'test' && username !== null) return 'ENVIRONMENT:test takes no user name';
      const needsResource = environment === 'azure' || environment === 'gcp';
      if (needsResource && resource === undefined) return `ENVIRONMENT:${environment} needs TOKEN_RESOURCE`;
      if (!needsResource && resource !== undefined) return `TOKEN_RESOURCE is only for ENVIRONMENT azure or gcp`;
      return undefined;
    },
  },
};

/** The checks `parseConnectionString` runs (`strict` false) and `credentialFromUri` runs (`strict` true). */
export function checkCredential(
  auth: ConnectionStringAuth | null,
  options: ConnectionStringOptions,
  hasUserInfo: boolean,
  strict: boolean,
  fail: Fail,
): MongoCredential | null {
  if (!hasUserInfo && options.authMechanism === undefined) return null;
  const mechanism = options.authMechanism ?? null;
  const rule = RULES[mechanism ?? 'DEFAULT'];
  const named = mechanism ?? 'the default mechanism (SCRAM)';
  const username = auth?.username ?? null;
  const password = auth?.password ?? null;
  if (hasUserInfo && !username) throw fail('the user info has an empty user name');
  if (rule.username === 'required' && username === null) throw fail(`${named} needs a user name`);
  if (rule.username === 'forbidden' && username !== null) throw fail(`${named} takes no user name in the connection string`);
  if (rule.password === 'forbidden' && password !== null) throw fail(`${named} takes no password`);
  if (strict && rule.password === 'required' && password === null) throw fail(`${named} needs a password`);
  const source = sourceOf(rule, options.authSource, auth?.db ?? null);
  if (source === undefined) throw fail(`${named} authenticates against $external: authSource must be $external`);
  const given = options.authMechanismProperties;
  for (const property of Object.keys(given ?? {})) {
    if (!rule.properties.includes(property)) throw fail(`${named} takes no authMechanismProperties ${property}`);
  }
  const properties = given === undefined && rule.defaultProperties === undefined ? null : { ...rule.defaultProperties, ...given };
  const problem = rule.check?.(properties ?? {}, username, strict);
  if (problem !== undefined) throw fail(`${named}: ${problem}`);
  return { username, password, source, mechanism, mechanismProperties: properties };
}

function sourceOf(rule: MechanismRule, authSource: string | undefined, database: string | null): string | undefined {
  if (rule.source === 'external') return authSource === undefined || authSource === '$external' ? '$external' : undefined;
  return authSource ?? database ?? rule.source;
}
