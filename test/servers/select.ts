// Choosing where each shared server comes from, in the documented order:
//   1. an explicit URL (REDIS_URL, MEMCACHED_URL, MONGO_URL),
//   2. testcontainers, when a container runtime answers,
//   3. a local binary on a free loopback port,
//   4. otherwise skip that server's tests -- or, under CI=true, fail the run.
import { MissingServerError, binaryVersion, installHints, isCI, which, type Binary } from './binaries.js';
import { containerRuntime, startContainer } from './containers.js';
import type { LocalServer } from './local-server.js';
import { localMemcached, probeMemcached } from './memcached.js';
import { localFerretDB, localMongod, probeMongo } from './mongo.js';
import { parseServerUrl } from './ports.js';
import { localRedis, probeRedis } from './redis.js';
import type { ServerInfo, ServerName, ServerProduct, ServerSlot, ServerSource } from './types.js';

export interface SelectOptions {
  /** Where PATH, CI and the *_URL variables are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Container runtime check; default: testcontainers with a timeout. */
  containerRuntime?: () => Promise<string | undefined>;
}

export interface SelectedServer {
  slot: ServerSlot;
  /** The startup log line, e.g. `redis: local redis-server 7.0.15 on 127.0.0.1:40123`. */
  logLine: string;
  /** Stops what the harness started (nothing for an explicit URL). */
  stop: () => Promise<void>;
}

const urlVars: Record<ServerName, string> = { redis: 'REDIS_URL', memcached: 'MEMCACHED_URL', mongo: 'MONGO_URL' };
const defaultPorts: Record<ServerName, number> = { redis: 6379, memcached: 11211, mongo: 27017 };
const schemes: Record<ServerName, string> = { redis: 'redis', memcached: 'memcached', mongo: 'mongodb' };
/** Local binaries per server, in order of preference. */
const binaries: Record<ServerName, Binary[]> = {
  redis: ['redis-server'],
  memcached: ['memcached'],
  mongo: ['ferretdb', 'mongod'],
};

function url(name: ServerName, host: string, port: number, user?: string, pass?: string): string {
  const cred = pass !== undefined ? `${encodeURIComponent(user ?? '')}:${encodeURIComponent(pass)}@` : '';
  return `${schemes[name]}://${cred}${host}:${port}`;
}

/** Ask the server what it is; also proves it is reachable. */
async function identify(
  name: ServerName,
  host: string,
  port: number,
  cred: { username?: string | undefined; password?: string | undefined } = {},
): Promise<{ product: ServerProduct; version: string }> {
  switch (name) {
    case 'redis':
      return { product: 'redis', version: (await probeRedis({ host, port, ...cred })).version };
    case 'memcached':
      return { product: 'memcached', version: (await probeMemcached(host, port)).version };
    case 'mongo':
      return probeMongo(host, port);
  }
}

function slotOf(name: ServerName, source: ServerSource, description: string, info: Omit<ServerInfo, 'name' | 'source' | 'description'>): ServerSlot {
  return { available: true, name, source, description, ...info };
}

async function fromEnv(name: ServerName, raw: string): Promise<SelectedServer> {
  const varName = urlVars[name];
  const { host, port, username, password } = parseServerUrl(raw, defaultPorts[name]);
  let found;
  try {
    found = await identify(name, host, port, { username, password });
  } catch (err) {
    // An explicit URL that does not work is a configuration error, never a skip.
    throw new Error(`${name}: ${varName}=${raw} is not usable: ${(err as Error).message}`, { cause: err });
  }
  const description = `${varName} ${host}:${port}`;
  return {
    slot: slotOf(name, 'env', description, {
      host,
      port,
      url: /:\/\//.test(raw) ? raw : url(name, host, port),
      username,
      password,
      ...found,
    }),
    logLine: `${name}: ${description}`,
    stop: async () => {},
  };
}

async function fromContainer(name: ServerName): Promise<SelectedServer> {
  const c = await startContainer(name);
  try {
    const found = await identify(name, c.host, c.port);
    const description = `testcontainers ${c.image}`;
    return {
      slot: slotOf(name, 'container', description, { host: c.host, port: c.port, url: url(name, c.host, c.port), ...found }),
      logLine: `${name}: ${description} on ${c.host}:${c.port}`,
      stop: c.stop,
    };
  } catch (err) {
    await c.stop();
    throw err;
  }
}

function localServer(binary: Binary, path: string): LocalServer {
  switch (binary) {
    case 'redis-server':
      return localRedis(path);
    case 'memcached':
      return localMemcached(path);
    case 'ferretdb':
      return localFerretDB(path);
    case 'mongod':
      return localMongod(path);
    default:
      throw new Error(`no local starter for ${binary}`);
  }
}

async function fromBinary(name: ServerName, binary: Binary, path: string): Promise<SelectedServer> {
  const server = localServer(binary, path);
  try {
    const [version] = await Promise.all([binaryVersion(binary, path), server.start()]);
    const { host, port } = server;
    const description = `local ${binary}${version ? ` ${version}` : ''}`;
    const products: Partial<Record<Binary, ServerProduct>> = {
      'redis-server': 'redis',
      memcached: 'memcached',
      ferretdb: 'ferretdb',
      mongod: 'mongod',
    };
    const product = products[binary] ?? 'unknown';
    const unixSocket = binary === 'redis-server' ? `${server.dir}/redis.sock` : undefined;
    return {
      slot: slotOf(name, 'local', description, { host, port, url: url(name, host, port), product, version, unixSocket }),
      logLine: `${name}: ${description} on ${host}:${port}`,
      stop: () => server.dispose(),
    };
  } catch (err) {
    await server.dispose();
    throw err;
  }
}

function missingMessage(name: ServerName, runtimeNote: string): string {
  const wanted = binaries[name];
  const how = wanted.map((b) => `${b} (${installHints[b]})`).join(' or ');
  return (
    `${name}: CI=true but no ${name} server is available: ${wanted.join(' / ')} not found on PATH, ` +
    `${urlVars[name]} is not set, and ${runtimeNote}. Install ${how}, or set ${urlVars[name]}.`
  );
}

/** Pick and, when needed, start one shared server. Throws under CI when none is available. */
export async function selectServer(name: ServerName, opts: SelectOptions = {}): Promise<SelectedServer> {
  const env = opts.env ?? process.env;
  const raw = env[urlVars[name]]?.trim();
  if (raw) return fromEnv(name, raw);

  const runtime = await (opts.containerRuntime ?? containerRuntime)();
  let containerError = '';
  if (runtime) {
    try {
      return await fromContainer(name);
    } catch (err) {
      // Image pulls fail offline; a local binary is still a fine server.
      containerError = `testcontainers failed (${(err as Error).message.split('\n')[0]}); `;
    }
  }

  for (const binary of binaries[name]) {
    const path = which(binary, env);
    if (path) {
      const chosen = await fromBinary(name, binary, path);
      if (containerError) chosen.logLine += ` (${containerError.replace(/; $/, '')})`;
      return chosen;
    }
  }

  const runtimeNote = runtime ? containerError.replace(/; $/, '') : 'no container runtime is reachable';
  if (isCI(env)) throw new MissingServerError(missingMessage(name, runtimeNote));
  const reason = `${name} tests skipped: no ${urlVars[name]}, ${runtimeNote}, no ${binaries[name].join('/')} on PATH`;
  return { slot: { available: false, name, reason }, logLine: `${name}: ${reason}`, stop: async () => {} };
}
