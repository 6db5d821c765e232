// parseConnectionString, the options: names, typed values, warnings for what is ignored, the
// combinations the specifications forbid; and the credential rules (credentialFromUri).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type ConnectionStringOptions, MongoParseError, parseConnectionString } from '../../src/index.js';
import { credentialFromUri } from '../../src/uri/index.js';

const on = (query: string) => parseConnectionString(`mongodb://db.internal/?${query}`);
const optionsOf = (query: string) => on(query).options;

function problemOf(query: string, parse: (uri: string) => unknown = parseConnectionString): string {
  try {
    parse(query.startsWith('mongodb') ? query : `mongodb://db.internal/?${query}`);
  } catch (error) {
    if (error instanceof MongoParseError) return error.problem;
    throw error;
  }
  throw new Error(`${query} parsed, but should not have`);
}

describe('option names and values', () => {
  it('names match without letter case and come out as the URI Options specification spells them', () => {
    expect(optionsOf('REPLICASET=rs-eu&ConnectTimeoutMs=2500&TLSCAFILE=/etc/ca.pem')).toEqual({
      replicaSet: 'rs-eu',
      connectTimeoutMS: 2500,
      tlsCAFile: '/etc/ca.pem',
    });
  });

  it('every value is typed: numbers, booleans, strings, lists, tag sets and property maps', () => {
    const query = [
      'appname=billing%20worker',
      'authSource=users',
      'compressors=zstd,zlib',
      'zlibCompressionLevel=-1',
      'heartbeatFrequencyMS=500',
      'localThresholdMS=0',
      'maxPoolSize=50',
      'minPoolSize=5',
      'maxConnecting=4',
      'maxIdleTimeMS=60000',
      'waitQueueTimeoutMS=2000',
      'serverSelectionTimeoutMS=7000',
      'socketTimeoutMS=0',
      'timeoutMS=900',
      'retryReads=false',
      'retryWrites=true',
      'readConcernLevel=snapshot',
      'serverMonitoringMode=poll',
      'serverSelectionTryOnce=true',
      'wTimeoutMS=8000',
      'journal=true',
      'maxAdaptiveRetries=0',
      'enableOverloadRetargeting=true',
    ].join('&');
    expect(optionsOf(query)).toEqual({
      appname: 'billing worker',
      authSource: 'users',
      compressors: ['zstd', 'zlib'],
      zlibCompressionLevel: -1,
      heartbeatFrequencyMS: 500,
      localThresholdMS: 0,
      maxPoolSize: 50,
      minPoolSize: 5,
      maxConnecting: 4,
      maxIdleTimeMS: 60000,
      waitQueueTimeoutMS: 2000,
      serverSelectionTimeoutMS: 7000,
      socketTimeoutMS: 0,
      timeoutMS: 900,
      retryReads: false,
      retryWrites: true,
      readConcernLevel: 'snapshot',
      serverMonitoringMode: 'poll',
      serverSelectionTryOnce: true,
      wTimeoutMS: 8000,
      journal: true,
      maxAdaptiveRetries: 0,
      enableOverloadRetargeting: true,
    });
  });

  it('w is a number when it is one, else a string (majority, a tag set name)', () => {
    expect(optionsOf('w=2').w).toBe(2);
    expect(optionsOf('w=majority').w).toBe('majority');
    expect(optionsOf('w=eastCoast').w).toBe('eastCoast');
  });

  it('readPreference with several tag sets in order, the empty one last; tags keep their case', () => {
    expect(
      optionsOf('readPreference=nearest&readPreferenceTags=region:EU,zone:b&readPreferenceTags=region:EU&readPreferenceTags=&maxStalenessSeconds=95'),
    ).toEqual({
      readPreference: 'nearest',
      readPreferenceTags: [{ region: 'EU', zone: 'b' }, { region: 'EU' }, {}],
      maxStalenessSeconds: 95,
    });
  });

  it('authMechanismProperties: keys in capitals, a value may hold colons (split at the first)', () => {
    expect(
      optionsOf('authMechanism=mongodb-oidc&authMechanismProperties=environment:azure,Token_Resource:api://orders:443').authMechanismProperties,
    ).toEqual({
      ENVIRONMENT: 'azure',
      TOKEN_RESOURCE: 'api://orders:443',
    });
  });

  it('authMechanism matches without letter case and comes out in capitals', () => {
    expect(parseConnectionString('mongodb://ops:pw@db.internal/?authMechanism=scram-sha-256').options.authMechanism).toBe('SCRAM-SHA-256');
  });

  it('ssl is tls; giving both with the same value is fine and warns of nothing', () => {
    expect(on('ssl=true')).toMatchObject({ options: { tls: true }, warnings: [] });
    expect(on('tls=false&ssl=false')).toMatchObject({ options: { tls: false }, warnings: [] });
  });

  it('the options type follows the table (checked by tsc)', () => {
    expectTypeOf<ConnectionStringOptions['w']>().toEqualTypeOf<number | string | undefined>();
    expectTypeOf<ConnectionStringOptions['readPreferenceTags']>().toEqualTypeOf<Record<string, string>[] | undefined>();
    expectTypeOf<ConnectionStringOptions['compressors']>().toEqualTypeOf<('snappy' | 'zlib' | 'zstd')[] | undefined>();
    expectTypeOf<ConnectionStringOptions['readPreference']>().toEqualTypeOf<
      'primary' | 'primaryPreferred' | 'secondary' | 'secondaryPreferred' | 'nearest' | undefined
    >();
    expectTypeOf<ConnectionStringOptions['tls']>().toEqualTypeOf<boolean | undefined>();
  });

  it('empty option segments are skipped ("?", "&&", a trailing "&")', () => {
    expect(parseConnectionString('mongodb://db.internal/?').options).toEqual({});
    expect(on('&w=1&&journal=false&')).toMatchObject({ options: { w: 1, journal: false }, warnings: [] });
  });
});

describe('warnings: what the specifications say to ignore', () => {
  it.each([
    ['unknown option', 'connectMS=100', 'unknown option "connectMS"'],
    ['non-numeric integer', 'connectTimeoutMS=fast', 'not an integer'],
    ['negative time', 'socketTimeoutMS=-1', 'not an integer from 0'],
    ['fraction', 'maxPoolSize=2.5', 'not an integer'],
    ['empty integer', 'maxIdleTimeMS=', 'an empty value'],
    ['empty boolean', 'retryWrites=', 'an empty value'],
    ['bad boolean', 'directConnection=maybe', 'neither true nor false'],
    ['heartbeat below 500', 'heartbeatFrequencyMS=499', 'not an integer from 500'],
    ['serverSelectionTimeoutMS 0', 'serverSelectionTimeoutMS=0', 'not an integer from 1'],
    ['maxConnecting 0', 'maxConnecting=0', 'not an integer from 1'],
    ['zlib level 10', 'zlibCompressionLevel=10', 'from -1 to 9'],
    ['staleness below 90', 'readPreference=secondary&maxStalenessSeconds=30', 'at least 90'],
    ['read preference spelled wrong', 'readPreference=Secondary', 'not one of primary'],
    ['monitoring mode', 'serverMonitoringMode=push', 'not one of stream'],
    ['tag set without colon', 'readPreference=secondary&readPreferenceTags=eu', 'key:value'],
    ['SRV service name', 'srvServiceName=my_service', 'RFC 6335'],
    ['long appname', `appname=${'x'.repeat(129)}`, '128 bytes'],
    ['no known compressor', 'compressors=lz4', 'no known compressor'],
  ])('%s: warned and ignored', (_, query, warning) => {
    const uri = query.startsWith('srv') ? `mongodb+srv://c.example/?${query}` : `mongodb://db.internal/?${query}`;
    const parsed = parseConnectionString(uri);
    expect(parsed.warnings.join('\n')).toContain(warning);
    const name = query.split('&').pop()?.split('=')[0] ?? '';
    expect(Object.keys(parsed.options).map((k) => k.toLowerCase())).not.toContain(name.toLowerCase());
  });

  it('an unknown compressor is left out of the list, with a warning', () => {
    expect(on('compressors=lz4,snappy,snappy')).toMatchObject({ options: { compressors: ['snappy'] }, warnings: [expect.stringContaining('"lz4"')] });
  });

  it('a legacy boolean spelling is accepted, with a deprecation warning', () => {
    expect(on('retryReads=no')).toMatchObject({
      options: { retryReads: false },
      warnings: [expect.stringContaining('deprecated boolean value "no"')],
    });
  });

  it('a repeated option warns and the last valid value is used', () => {
    expect(on('appname=a&APPNAME=b')).toMatchObject({ options: { appname: 'b' }, warnings: [expect.stringContaining('more than once')] });
    expect(optionsOf('localThresholdMS=20&localThresholdMS=oops').localThresholdMS).toBe(20);
  });

  it('wtimeout is a deprecated wTimeoutMS, ignored when wTimeoutMS is given too', () => {
    expect(on('wtimeout=300')).toMatchObject({ options: { wTimeoutMS: 300 }, warnings: [expect.stringContaining('deprecated')] });
    expect(on('wTimeoutMS=100&wtimeout=300')).toMatchObject({ options: { wTimeoutMS: 100 }, warnings: [expect.stringContaining('ignored')] });
  });

  it('gssapiServiceName is a deprecated SERVICE_NAME property', () => {
    const parsed = parseConnectionString('mongodb://ops%40REALM@db.internal/?authMechanism=GSSAPI&gssapiServiceName=mongo-kdc');
    expect(parsed.options.authMechanismProperties).toEqual({ SERVICE_NAME: 'mongo-kdc' });
    expect(parsed.warnings).toEqual([expect.stringContaining('deprecated')]);
  });

  it('a comma inside a property value breaks the pairs: the whole option is ignored, its value not quoted', () => {
    const parsed = on('authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:gcp,TOKEN_RESOURCE:api://a%2Cb');
    expect(parsed.options).toEqual({ authMechanism: 'MONGODB-OIDC' });
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).not.toContain('api://');
  });
});

describe('invalid options and forbidden combinations throw MongoParseError', () => {
  it.each([
    ['a key without "="', 'appname', 'no value'],
    ['a bad escape in a value', 'appname=50%', 'two hex digits'],
    ['an unknown auth mechanism', 'authMechanism=MONGODB-CR', 'authMechanism has an invalid value'],
    ['an empty authSource, even without credentials', 'authSource=', 'authSource has an invalid value'],
    ['a negative w', 'w=-1', 'a negative number'],
    ['w=0 with journal=true', 'w=0&journal=true', 'unacknowledged'],
    ['tls and ssl disagreeing', 'ssl=true&tls=false', 'disagree'],
    ['tls given twice, differently', 'tls=true&tls=false', 'disagree'],
    ['directConnection=true with two hosts', 'mongodb://a.internal,b.internal/?directConnection=true', 'several hosts'],
    ['loadBalanced=true with two hosts', 'mongodb://a.internal,b.internal/?loadBalanced=true', 'exactly one host'],
    ['loadBalanced=true with replicaSet', 'loadBalanced=true&replicaSet=rs0', 'replicaSet'],
    ['loadBalanced=true with directConnection=true', 'directConnection=true&loadBalanced=true', 'directConnection=true'],
    ['srvMaxHosts with replicaSet', 'mongodb+srv://c.example/?srvMaxHosts=1&replicaSet=rs0', 'replicaSet'],
    ['srvMaxHosts with loadBalanced=true', 'mongodb+srv://c.example/?loadBalanced=true&srvMaxHosts=4', 'loadBalanced=true'],
    ['maxStalenessSeconds with the default primary', 'maxStalenessSeconds=120', 'primary (the default)'],
    ['maxStalenessSeconds with primary', 'readPreference=primary&maxStalenessSeconds=90', 'readPreference primary'],
    ['tags with primary', 'readPreferenceTags=region:EU', 'readPreferenceTags'],
    ['minPoolSize above maxPoolSize', 'maxPoolSize=4&minPoolSize=8', 'above maxPoolSize'],
    ['proxyPort without proxyHost', 'proxyPort=1080', 'needs proxyHost'],
    ['proxyUsername without proxyPassword', 'proxyHost=socks.internal&proxyUsername=me', 'go together'],
    ['proxyHost twice', 'proxyHost=a.internal&proxyHost=b.internal', 'more than once'],
  ])('%s', (_, query, problem) => {
    expect(problemOf(query)).toContain(problem);
  });

  it.each([
    ['tlsInsecure', 'tlsAllowInvalidCertificates'],
    ['tlsInsecure', 'tlsAllowInvalidHostnames'],
    ['tlsInsecure', 'tlsDisableOCSPEndpointCheck'],
    ['tlsInsecure', 'tlsDisableCertificateRevocationCheck'],
    ['tlsAllowInvalidCertificates', 'tlsDisableOCSPEndpointCheck'],
    ['tlsAllowInvalidCertificates', 'tlsDisableCertificateRevocationCheck'],
    ['tlsDisableOCSPEndpointCheck', 'tlsDisableCertificateRevocationCheck'],
  ])('%s with %s, in either order and whatever the values', (a, b) => {
    expect(problemOf(`${a}=false&${b}=true`)).toContain('cannot both be given');
    expect(problemOf(`${b}=false&${a}=false`)).toContain('cannot both be given');
  });

  it('the allowed neighbours of those rules parse', () => {
    expect(optionsOf('loadBalanced=true&directConnection=false')).toEqual({ loadBalanced: true, directConnection: false });
    expect(parseConnectionString('mongodb://a.internal,b.internal/?directConnection=false').options.directConnection).toBe(false);
    expect(parseConnectionString('mongodb+srv://c.example/?srvMaxHosts=0&replicaSet=rs0&loadBalanced=false').options.srvMaxHosts).toBe(0);
    expect(optionsOf('maxPoolSize=0&minPoolSize=8')).toEqual({ maxPoolSize: 0, minPoolSize: 8 });
    expect(optionsOf('maxStalenessSeconds=-1&readPreferenceTags=')).toEqual({ maxStalenessSeconds: -1, readPreferenceTags: [{}] });
    expect(optionsOf('proxyHost=socks.internal&proxyPort=1081&proxyUsername=&proxyPassword=')).toEqual({
      proxyHost: 'socks.internal',
      proxyPort: 1081,
    });
    expect(optionsOf('w=0&journal=false')).toEqual({ w: 0, journal: false });
  });
});

describe('credentials (auth specification)', () => {
  const credential = (uri: string) => credentialFromUri(uri);

  it('none without user info or a mechanism: a database or an authSource alone asks for no login', () => {
    expect(credential('mongodb://db.internal/app')).toBeNull();
    expect(credential('mongodb://db.internal/?authSource=users')).toBeNull();
  });

  it('default mechanism: source is authSource, else the database, else admin', () => {
    const base = { username: 'ops', password: 'pw', mechanism: null, mechanismProperties: null };
    expect(credential('mongodb://ops:pw@db.internal')).toEqual({ ...base, source: 'admin' });
    expect(credential('mongodb://ops:pw@db.internal/app')).toEqual({ ...base, source: 'app' });
    expect(credential('mongodb://ops:pw@db.internal/app?authSource=users')).toEqual({ ...base, source: 'users' });
  });

  it('PLAIN: source is authSource, else the database, else $external', () => {
    expect(credential('mongodb://ops:pw@db.internal/?authMechanism=PLAIN')?.source).toBe('$external');
    expect(credential('mongodb://ops:pw@db.internal/ldap?authMechanism=PLAIN')?.source).toBe('ldap');
  });

  it('GSSAPI: $external whatever the database, SERVICE_NAME mongodb by default, password optional', () => {
    expect(credential('mongodb://ops%40CORP.EXAMPLE@db.internal/app?authMechanism=GSSAPI')).toEqual({
      username: 'ops@CORP.EXAMPLE',
      password: null,
      source: '$external',
      mechanism: 'GSSAPI',
      mechanismProperties: { SERVICE_NAME: 'mongodb' },
    });
    const props = credential(
      'mongodb://ops@db.internal/?authMechanism=GSSAPI&authMechanismProperties=CANONICALIZE_HOST_NAME:forwardAndReverse,SERVICE_REALM:EU',
    );
    expect(props?.mechanismProperties).toEqual({ SERVICE_NAME: 'mongodb', CANONICALIZE_HOST_NAME: 'forwardAndReverse', SERVICE_REALM: 'EU' });
  });

  it('MONGODB-X509 needs no user name; MONGODB-OIDC with ENVIRONMENT k8s needs nothing else', () => {
    expect(credential('mongodb://db.internal/?authMechanism=MONGODB-X509')).toMatchObject({
      username: null,
      source: '$external',
      mechanismProperties: null,
    });
    expect(credential('mongodb://db.internal/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:k8s')).toMatchObject({
      source: '$external',
      mechanismProperties: { ENVIRONMENT: 'k8s' },
    });
  });

  it('what code may still supply parses, but the credential from the string alone needs it', () => {
    expect(parseConnectionString('mongodb://ops@db.internal/?authMechanism=SCRAM-SHA-1').auth?.username).toBe('ops');
    expect(problemOf('mongodb://ops@db.internal/?authMechanism=SCRAM-SHA-1', credentialFromUri)).toContain('needs a password');
    expect(parseConnectionString('mongodb://db.internal/?authMechanism=MONGODB-OIDC').options.authMechanism).toBe('MONGODB-OIDC');
    expect(problemOf('mongodb://db.internal/?authMechanism=MONGODB-OIDC', credentialFromUri)).toContain('ENVIRONMENT');
  });

  it.each([
    ['SCRAM without a user name', 'mongodb://db.internal/?authMechanism=SCRAM-SHA-256', 'needs a user name'],
    ['PLAIN without a user name', 'mongodb://db.internal/?authMechanism=PLAIN', 'needs a user name'],
    ['GSSAPI without a user name', 'mongodb://db.internal/?authMechanism=GSSAPI', 'needs a user name'],
    ['GSSAPI with another authSource', 'mongodb://ops@db.internal/?authMechanism=GSSAPI&authSource=app', 'must be $external'],
    [
      'GSSAPI with a bad CANONICALIZE_HOST_NAME',
      'mongodb://ops@db.internal/?authMechanism=GSSAPI&authMechanismProperties=CANONICALIZE_HOST_NAME:reverse',
      'CANONICALIZE_HOST_NAME',
    ],
    [
      'GSSAPI with an unknown property',
      'mongodb://ops@db.internal/?authMechanism=GSSAPI&authMechanismProperties=REALM:EU',
      'no authMechanismProperties REALM',
    ],
    ['X509 with a password', 'mongodb://cn%3Dops:pw@db.internal/?authMechanism=MONGODB-X509', 'takes no password'],
    ['X509 with another authSource', 'mongodb://db.internal/?authMechanism=MONGODB-X509&authSource=app', 'must be $external'],
    ['AWS with a user name', 'mongodb://AKIA@db.internal/?authMechanism=MONGODB-AWS', 'takes no user name'],
    ['AWS with a session token', 'mongodb://db.internal/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:x', 'AWS_SESSION_TOKEN'],
    [
      'OIDC with a password',
      'mongodb://ops:pw@db.internal/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:r',
      'takes no password',
    ],
    ['OIDC test with a user name', 'mongodb://ops@db.internal/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test', 'no user name'],
    [
      'OIDC azure without TOKEN_RESOURCE',
      'mongodb://db.internal/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure',
      'needs TOKEN_RESOURCE',
    ],
    [
      'OIDC k8s with TOKEN_RESOURCE',
      'mongodb://db.internal/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:k8s,TOKEN_RESOURCE:r',
      'only for ENVIRONMENT',
    ],
    [
      'OIDC with an unknown environment',
      'mongodb://db.internal/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:aws',
      'ENVIRONMENT must be one of',
    ],
    ['SCRAM with a mechanism property', 'mongodb://ops:pw@db.internal/?authMechanismProperties=SERVICE_NAME:x', 'no authMechanismProperties'],
  ])('%s is invalid', (_, uri, problem) => {
    expect(problemOf(uri)).toContain(problem);
  });
});
