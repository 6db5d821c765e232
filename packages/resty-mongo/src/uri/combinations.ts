/**
 * The combinations of options that the specifications forbid: each throws `MongoParseError`.
 * URI Options (conflicting TLS options, directConnection), Initial DNS Seedlist Discovery
 * (srvServiceName, srvMaxHosts), Load Balancers, SOCKS5, Max Staleness and Server Selection
 * (read preference), CMAP (pool sizes), Read and Write Concern (w=0 with journal).
 *
 * For `mongodb+srv://` the seedlist and load balancer specifications check after the SRV and TXT
 * lookups; here they run on what the string itself says, and the resolver runs them again with
 * the resolved hosts and the TXT options (`checkCombinations` is exported for that).
 */
import type { ConnectionStringOptions, OptionName } from './options.js';
import type { Fail } from './query.js';

/** What the checks need to know besides the options. */
export interface CombinationContext {
  srv: boolean;
  hostCount: number;
  options: ConnectionStringOptions;
  /** Options that appeared, valid values or not (`present` of parseQuery). */
  present: ReadonlySet<string>;
  tlsValues: readonly boolean[];
}

// URI Options specification, "Conflicting TLS options": each pair may not appear together,
// whatever the values.
const TLS_CONFLICTS: ReadonlyArray<readonly [OptionName, OptionName]> = [
  ['tlsInsecure', 'tlsAllowInvalidCertificates'],
  ['tlsInsecure', 'tlsAllowInvalidHostnames'],
  ['tlsInsecure', 'tlsDisableOCSPEndpointCheck'],
  ['tlsInsecure', 'tlsDisableCertificateRevocationCheck'],
  ['tlsAllowInvalidCertificates', 'tlsDisableOCSPEndpointCheck'],
  ['tlsAllowInvalidCertificates', 'tlsDisableCertificateRevocationCheck'],
  ['tlsDisableOCSPEndpointCheck', 'tlsDisableCertificateRevocationCheck'],
];

export function checkCombinations(context: CombinationContext, fail: Fail): void {
  checkTls(context, fail);
  checkTopology(context, fail);
  checkProxy(context, fail);
  checkReadPreference(context.options, fail);
  const { options } = context;
  if (
    options.minPoolSize !== undefined &&
    options.maxPoolSize !== undefined &&
    options.maxPoolSize > 0 &&
    options.minPoolSize > options.maxPoolSize
  ) {
    throw fail(`minPoolSize (${options.minPoolSize}) is above maxPoolSize (${options.maxPoolSize})`);
  }
  if (options.w === 0 && options.journal === true) throw fail('w=0 (unacknowledged) cannot be combined with journal=true');
}

function checkTls({ present, tlsValues }: CombinationContext, fail: Fail): void {
  for (const [a, b] of TLS_CONFLICTS) {
    if (present.has(a) && present.has(b))
      throw fail(`${a} and ${b} cannot both be given (${a === 'tlsInsecure' ? 'tlsInsecure implies both' : 'they overlap'})`);
  }
  if (new Set(tlsValues).size > 1) throw fail('the values given to tls (or its alias ssl) disagree');
}

function checkTopology({ srv, hostCount, options, present }: CombinationContext, fail: Fail): void {
  if (options.directConnection === true && hostCount > 1) throw fail('directConnection=true cannot be used with several hosts');
  if (options.directConnection === true && srv)
    throw fail('directConnection=true cannot be used with mongodb+srv:// (it may resolve to several hosts)');
  for (const name of ['srvServiceName', 'srvMaxHosts'] as const) {
    if (!srv && present.has(name)) throw fail(`${name} is only for mongodb+srv:// connection strings`);
  }
  const srvMaxHosts = options.srvMaxHosts ?? 0;
  if (srvMaxHosts > 0 && present.has('replicaSet')) throw fail('srvMaxHosts above 0 cannot be combined with replicaSet');
  if (srvMaxHosts > 0 && options.loadBalanced === true) throw fail('srvMaxHosts above 0 cannot be combined with loadBalanced=true');
  if (options.loadBalanced !== true) return;
  if (hostCount > 1) throw fail('loadBalanced=true takes exactly one host');
  if (present.has('replicaSet')) throw fail('loadBalanced=true cannot be combined with replicaSet');
  if (options.directConnection === true) throw fail('loadBalanced=true cannot be combined with directConnection=true');
}

/** SOCKS5 specification: the other proxy options need proxyHost; user name and password go together. */
function checkProxy({ options }: CombinationContext, fail: Fail): void {
  // A zero-length proxy user name or password is ignored (SOCKS5 spec).
  if (options.proxyUsername === '') delete options.proxyUsername;
  if (options.proxyPassword === '') delete options.proxyPassword;
  if (options.proxyHost === undefined) {
    for (const name of ['proxyPort', 'proxyUsername', 'proxyPassword'] as const) {
      if (options[name] !== undefined) throw fail(`${name} needs proxyHost`);
    }
  }
  if ((options.proxyUsername === undefined) !== (options.proxyPassword === undefined)) throw fail('proxyUsername and proxyPassword go together');
}

/** Max Staleness and Server Selection: neither a positive maxStalenessSeconds nor tags with mode primary. */
function checkReadPreference(options: ConnectionStringOptions, fail: Fail): void {
  const mode = options.readPreference ?? 'primary';
  if (mode !== 'primary') return;
  const primary = options.readPreference === undefined ? 'readPreference primary (the default)' : 'readPreference primary';
  if ((options.maxStalenessSeconds ?? -1) > 0) throw fail(`maxStalenessSeconds cannot be used with ${primary}`);
  if ((options.readPreferenceTags ?? []).some((tags) => Object.keys(tags).length > 0))
    throw fail(`readPreferenceTags cannot be used with ${primary}`);
}
