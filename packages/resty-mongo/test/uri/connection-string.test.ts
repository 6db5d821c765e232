// parseConnectionString, the structure of the string: scheme, user info, hosts, database,
// mongodb+srv://, and how a bad string is reported (MongoParseError, passwords masked).
// Options and credentials: options.test.ts.
import { describe, expect, it } from 'vitest';
import { MongoParseError, parseConnectionString } from '../../src/index.js';

function parseError(uri: string): MongoParseError {
  try {
    parseConnectionString(uri);
  } catch (error) {
    if (error instanceof MongoParseError) return error;
    throw error;
  }
  throw new Error(`${uri} parsed, but should not have`);
}

describe('hosts', () => {
  it('a single host name: no port given is port null, no user info or database is auth null', () => {
    expect(parseConnectionString('mongodb://db.internal')).toEqual({
      hosts: [{ type: 'hostname', host: 'db.internal', port: null }],
      auth: null,
      options: {},
      warnings: [],
    });
  });

  it('several hosts of every network type, in order, each with or without a port', () => {
    expect(parseConnectionString('mongodb://db1.internal:27018,10.1.2.3,[fe80::2]:27020,[::1]').hosts).toEqual([
      { type: 'hostname', host: 'db1.internal', port: 27018 },
      { type: 'ipv4', host: '10.1.2.3', port: null },
      { type: 'ip_literal', host: 'fe80::2', port: 27020 },
      { type: 'ip_literal', host: '::1', port: null },
    ]);
  });

  it('an IPv6 literal with a percent-encoded zone id', () => {
    expect(parseConnectionString('mongodb://[fe80::1%25eth0]:27017').hosts).toEqual([{ type: 'ip_literal', host: 'fe80::1%eth0', port: 27017 }]);
  });

  it('a dotted quad out of range is a host name, not an IPv4 address', () => {
    expect(parseConnectionString('mongodb://300.20.10.1').hosts[0]?.type).toBe('hostname');
  });

  it('international host names, raw or percent-encoded', () => {
    expect(parseConnectionString('mongodb://café.example,m%C3%BCnchen.example/').hosts.map((h) => h.host)).toEqual([
      'café.example',
      'münchen.example',
    ]);
  });

  it('unix sockets: URL-encoded paths ending in .sock, absolute or relative, mixed with TCP hosts', () => {
    expect(parseConnectionString('mongodb://%2Fvar%2Frun%2Fmongod.sock,run%2Fm2.sock,10.0.0.9:27019').hosts).toEqual([
      { type: 'unix', host: '/var/run/mongod.sock', port: null },
      { type: 'unix', host: 'run/m2.sock', port: null },
      { type: 'ipv4', host: '10.0.0.9', port: 27019 },
    ]);
  });

  it('a socket path may hold spaces and directories named like sockets; the database follows it', () => {
    const parsed = parseConnectionString('mongodb://%2Fsrv%2Fold.sock%2Fmy dir%2Fdb.sock/inventory');
    expect(parsed.hosts).toEqual([{ type: 'unix', host: '/srv/old.sock/my dir/db.sock', port: null }]);
    expect(parsed.auth).toEqual({ username: null, password: null, db: 'inventory' });
  });

  it('a name ending in .sock without an encoded slash is a host name', () => {
    expect(parseConnectionString('mongodb://cache.sock').hosts).toEqual([{ type: 'hostname', host: 'cache.sock', port: null }]);
  });

  it('options may follow the hosts without a slash', () => {
    const parsed = parseConnectionString('mongodb://db.internal:27099?appname=billing');
    expect(parsed.hosts).toEqual([{ type: 'hostname', host: 'db.internal', port: 27099 }]);
    expect(parsed.options).toEqual({ appname: 'billing' });
  });

  it.each([
    ['', 'the scheme'],
    ['mysql://db.internal', 'the scheme'],
    ['MONGODB://db.internal', 'the scheme'],
    ['mongodb://', 'missing the host'],
    ['mongodb://app:pw@', 'missing the host'],
    ['mongodb://db.internal::27017', 'more than one ":"'],
    ['mongodb://fe80::1', 'in brackets'],
    ['mongodb://db.internal:', 'missing'],
    ['mongodb://db.internal:0', 'not from 1 to 65535'],
    ['mongodb://db.internal:70000/', 'not from 1 to 65535'],
    ['mongodb://db.internal:-5', 'not a number'],
    ['mongodb://db.internal:27o17', 'not a number'],
    ['mongodb://[::1]:99999', 'not from 1 to 65535'],
    ['mongodb://[::1]:port', 'not a number'],
    ['mongodb://[::1', 'closing "]"'],
    ['mongodb://[not:an:address]', 'not an IPv6 address'],
    ['mongodb://[::1]27017', 'only ":port"'],
    ['mongodb://db1,,db2', 'an empty host'],
    ['mongodb://db1,db2,', 'an empty host'],
    ['mongodb://:27017', 'no host'],
    ['mongodb://db internal', 'which no host name may hold'],
    ['mongodb://%2Fvar%2Frun%2Fmongod.socket', 'must end in ".sock"'],
    ['mongodb://%2Fvar%2Frun%2Fmongod.sock:27017', 'must end in ".sock"'],
    ['mongodb:///var/run/mongod.sock', 'must be URL encoded'],
    ['mongodb:///var/run/mongod.sock/admin', 'must be URL encoded'],
  ])('%j is invalid: %s', (uri, problem) => {
    expect(parseError(uri).message).toContain(problem);
  });
});

describe('user info', () => {
  it('user name and password, percent-decoded; a "+" stays a "+"', () => {
    expect(parseConnectionString('mongodb://ops%40corp:p%3As%2Fw%25rd+1@db.internal').auth).toEqual({
      username: 'ops@corp',
      password: 'p:s/w%rd+1',
      db: null,
    });
  });

  it('a user name alone has password null; a colon with nothing after it is the empty password', () => {
    expect(parseConnectionString('mongodb://reader@db.internal').auth).toEqual({ username: 'reader', password: null, db: null });
    expect(parseConnectionString('mongodb://reader:@db.internal').auth).toEqual({ username: 'reader', password: '', db: null });
  });

  it("RFC 3986 sub-delimiters need no escaping: !$&'()*+,;=", () => {
    expect(parseConnectionString("mongodb://a!$&'()*+,;=b:c!$&'()*+,;=d@db.internal").auth).toEqual({
      username: "a!$&'()*+,;=b",
      password: "c!$&'()*+,;=d",
      db: null,
    });
  });

  it('an "@" in an option value is not user info', () => {
    const parsed = parseConnectionString('mongodb://db.internal/?replicaSet=rs@eu');
    expect(parsed.auth).toBeNull();
    expect(parsed.options.replicaSet).toBe('rs@eu');
  });

  it.each([
    ['mongodb://ops:pa:ss@db.internal', 'an unescaped ":"'],
    ['mongodb://ops@corp@db.internal', 'an unescaped "@"'],
    ['mongodb://ops@corp:pw@db.internal', 'an unescaped "@"'],
    ['mongodb://ops/corp@db.internal/app', 'must be URL encoded'],
    ['mongodb://ops:pass/word@db.internal/app', 'must be URL encoded'],
    ['mongodb://ops/@db.internal', 'must be URL encoded'],
    ['mongodb://ops%zz:pw@db.internal', 'two hex digits'],
    ['mongodb://ops:pw%4@db.internal', 'two hex digits'],
    ['mongodb://ops:pw%@db.internal', 'two hex digits'],
    ['mongodb://o ps:pw@db.internal', 'an unescaped " "'],
    ['mongodb://ops:p[w]@db.internal', 'an unescaped "["'],
    ['mongodb://@db.internal', 'empty user name'],
    ['mongodb://:pw@db.internal', 'empty user name'],
  ])('%j is invalid: %s', (uri, problem) => {
    expect(parseError(uri).message).toContain(problem);
  });
});

describe('the database', () => {
  it('is percent-decoded; a database alone gives auth with null user info', () => {
    expect(parseConnectionString('mongodb://db.internal/sales%3F2024?w=1').auth).toEqual({ username: null, password: null, db: 'sales?2024' });
  });

  it('may be a dotted namespace; a lone slash is no database', () => {
    expect(parseConnectionString('mongodb://db.internal/shop.orders').auth?.db).toBe('shop.orders');
    expect(parseConnectionString('mongodb://db.internal/').auth).toBeNull();
  });

  it.each([
    'mongodb://db.internal/sa%2Fles',
    'mongodb://db.internal/sa%5Cles',
    'mongodb://db.internal/sa%20les',
    'mongodb://db.internal/sa"les',
    'mongodb://db.internal/$sales',
  ])('%s: a / \\ space " or $ in the decoded name is invalid', (uri) => {
    expect(parseError(uri).message).toContain('the database name');
  });
});

describe('mongodb+srv://', () => {
  it('is parsed, not resolved: one host name without a port, SRV options allowed', () => {
    const parsed = parseConnectionString('mongodb+srv://orders.cluster.example/?srvServiceName=mdb-edge&srvMaxHosts=3&directConnection=false');
    expect(parsed.hosts).toEqual([{ type: 'hostname', host: 'orders.cluster.example', port: null }]);
    expect(parsed.options).toEqual({ srvServiceName: 'mdb-edge', srvMaxHosts: 3, directConnection: false });
  });

  it.each([
    ['mongodb+srv://a.cluster.example,b.cluster.example', 'exactly one host name'],
    ['mongodb+srv://orders.cluster.example:27017', 'no port'],
    ['mongodb+srv://10.0.0.1', 'not an IP address'],
    ['mongodb+srv://%2Ftmp%2Fm.sock', 'not a unix socket'],
    ['mongodb+srv://orders.cluster.example/?directConnection=true', 'directConnection=true'],
    ['mongodb://orders.cluster.example/?srvServiceName=mdb', 'only for mongodb+srv://'],
    ['mongodb://orders.cluster.example/?srvMaxHosts=2', 'only for mongodb+srv://'],
  ])('%s is invalid: %s', (uri, problem) => {
    expect(parseError(uri).message).toContain(problem);
  });
});

describe('a bad connection string', () => {
  it('throws MongoParseError, a TypeError quoting the string with the password masked', () => {
    const error = parseError('mongodb://ops:hunter2@db.internal:0/app');
    expect(error).toBeInstanceOf(TypeError);
    expect(error.name).toBe('MongoParseError');
    expect(error.message).toBe('bad URL "mongodb://ops:****@db.internal:0/app": host "db.internal:0": the port 0 is not from 1 to 65535');
    expect(error.uri).toBe('mongodb://ops:****@db.internal:0/app');
    expect(error.problem).toBe('host "db.internal:0": the port 0 is not from 1 to 65535');
  });

  it('masks a password even when it is malformed (an unescaped "@" or "/")', () => {
    expect(parseError('mongodb://ops:hun@ter2@db.internal').message).not.toContain('hun');
    expect(parseError('mongodb://ops:hun/ter2@db.internal/app').message).not.toContain('ter2');
  });

  it('masks the secret options: proxyPassword, tlsCertificateKeyFilePassword, an AWS session token', () => {
    const proxy = parseError('mongodb://db.internal/?proxyPassword=s3cret&tlsCertificateKeyFilePassword=k3y');
    expect(proxy.message).toContain('proxyPassword=****&tlsCertificateKeyFilePassword=****');
    expect(proxy.message).not.toMatch(/s3cret|k3y/);
    const aws = parseError('mongodb://db.internal/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:t0ken');
    expect(aws.message).toContain('AWS_SESSION_TOKEN:****');
    expect(aws.message).not.toContain('t0ken');
  });

  it('a non-string argument is a MongoParseError too', () => {
    expect(() => parseConnectionString(42 as unknown as string)).toThrow(MongoParseError);
  });
});
