import { createHash } from 'node:crypto';
import { BSON, type Document } from 'bson';
import {
  checkTlsOptions,
  ConnectionSlot,
  CosocketError,
  keepsConnection,
  locateError,
  OperationError,
  startTls,
  tcp,
  tlsPoolTag,
  type ClientTlsOptions,
  type TcpSocket,
} from 'cosocket';
import { authenticateScram, MECHANISMS, type ScramMechanism } from './auth/scram.js';
import { Database } from './database.js';
import { MongoAuthError, MongoSizeError, serverErrorFromReply } from './errors.js';
import { clientMetadata, DEFAULT_LIMITS, helloCommand, limitsFromHello, type ServerLimits } from './handshake.js';
import { nextRequestId } from './wire/header.js';
import { encodeOpMsg, type DecodeOptions, type DocumentSequence } from './wire/op-msg.js';
import { readReply } from './wire/read-message.js';

/** Options of `new Mongo()`. */
export interface MongoOptions {
  /** How reply documents are decoded (bson `deserialize` options; the Node driver's defaults). */
  decode?: DecodeOptions;
  /** Send a CRC-32C checksum with every request (replies with one are always verified). */
  checksum?: boolean;
  /** `client.application.name` in the handshake. */
  appName?: string;
}

/** Options of `connect()`: the cosocket pool, TLS and authentication. */
export interface MongoConnectOptions extends ClientTlsOptions {
  /** Pool name. Default: host:port, plus authSource, user and a password digest when authenticating, plus TLS. */
  pool?: string;
  /** Pool size (see cosocket `connect`). */
  poolSize?: number;
  /** Connects allowed to wait for a free slot once `poolSize` connections are open. */
  backlog?: number;
  /** SNI name and name checked against the certificate (default: the host). */
  serverName?: string;
  /** SCRAM user; authenticates fresh connections in `connect`. */
  username?: string;
  /** The user's password (only a digest of it ends up in the pool name). */
  password?: string;
  /** The database holding the user (default `admin`). */
  authSource?: string;
  /** `SCRAM-SHA-256` or `SCRAM-SHA-1`; negotiated through the handshake when omitted. */
  mechanism?: ScramMechanism;
}

/**
 * The server limits a connection's hello reported. A pooled connection comes back to a new
 * `Mongo` object without its handshake, so they live with the connection itself and go away
 * when it closes. A reused connection without them (pooled by someone else) runs a plain hello.
 */
const limitsOfConnection = new ConnectionSlot<ServerLimits>('resty-mongo server limits');

const SERIALIZE_OPTIONS: BSON.SerializeOptions = { checkKeys: false, serializeFunctions: false, ignoreUndefined: false };
const DEFAULT_DECODE: DecodeOptions = { promoteLongs: true, promoteValues: true, promoteBuffers: false, bsonRegExp: false };
/** The server allows a command document this much above maxBsonObjectSize. */
const COMMAND_OVERHEAD = 16 * 1024;

/** Anything that can keep the connection from going back to the pool cleanly (open cursors). */
export interface ConnectionResource {
  /** Releases server-side state (kills the cursor); must not throw. */
  release(): Promise<void>;
}

/**
 * A MongoDB connection on a cosocket (lua-resty-mongol's connection object, OP_MSG era).
 * One request at a time: a second concurrent call rejects with `CosocketError` `socket busy ...`
 * without touching the socket. Use `named()` to give each light thread its own.
 */
export class Mongo {
  private sock: TcpSocket<Buffer> = tcp();
  private phase: 'writing' | 'reading' | null = null;
  private explicitPool = false;
  /** Set by `db.auth` after connect: the default pool name does not describe that identity. */
  private authenticatedLater = false;
  private serverLimits: ServerLimits = DEFAULT_LIMITS;
  private readonly decodeOptions: DecodeOptions;
  /** `host:port` or `unix:/path` of the last `connect`, named in every error. */
  private peer: string | undefined;
  /** Open cursors, killed before the connection returns to the pool. */
  readonly resources = new Set<ConnectionResource>();
  /** The hello reply of this connection's handshake (undefined for a reused connection). */
  helloReply: Document | undefined;

  constructor(private readonly options: MongoOptions = {}) {
    this.decodeOptions = { ...DEFAULT_DECODE, ...options.decode };
  }

  /** `host:port` or `unix:/path` of the last `connect` (undefined before): every error's `address`. */
  get address(): string | undefined {
    return this.peer;
  }

  /** Whether the connection is open: connected, and not closed (or pooled) since. */
  get connected(): boolean {
    return this.sock.idleEvent() !== 'closed';
  }

  /** The limits of the server behind this connection (defaults before the handshake). */
  get limits(): Readonly<ServerLimits> {
    return this.serverLimits;
  }

  /** Sets connect, send and read timeouts at once (ms; 0 = the configured default). */
  setTimeout(ms: number): void {
    this.sock.setTimeout(ms);
  }

  /** Sets the connect, send and read timeouts apart (ms; 0 = the configured default). */
  setTimeouts(connectMs: number, sendMs: number, readMs: number): void {
    this.sock.setTimeouts(connectMs, sendMs, readMs);
  }

  /**
   * Connects (or takes a pooled connection). A fresh connection runs TLS, the `hello`
   * handshake and SCRAM authentication; a reused one skips all three. Errors name the step:
   * `connect` for the socket and anything without a command of its own, else the command
   * (`hello`, `saslStart`, `saslContinue`).
   */
  async connect(host: string, port?: number | MongoConnectOptions, options?: MongoConnectOptions): Promise<void> {
    try {
      await this.open(host, port, options);
    } catch (error) {
      throw locateStep(error, this.peer, 'connect');
    }
  }

  private async open(host: string, port?: number | MongoConnectOptions, options?: MongoConnectOptions): Promise<void> {
    if (typeof port === 'object') {
      options = port;
      port = undefined;
    }
    const opts = options ?? {};
    checkTlsOptions(opts);
    const creds = credentialsOf(opts);
    const isUnix = /^unix:/i.test(host);
    const address = isUnix ? host : `${host}:${String(port)}`;
    this.peer = address;
    this.explicitPool = opts.pool !== undefined;
    const poolName = opts.pool ?? defaultPoolName(address, creds, opts);
    this.authenticatedLater = false;
    this.helloReply = undefined;
    this.resources.clear();
    const poolOptions = { pool: poolName, poolSize: opts.poolSize, backlog: opts.backlog };
    if (isUnix) await this.sock.connect(host, poolOptions);
    else await this.sock.connect(host, port, poolOptions);
    try {
      if (this.sock.getReusedTimes() === 0) {
        await startTls(this.sock, opts, host);
        await this.handshake(creds);
      } else {
        this.serverLimits = limitsOfConnection.get(this.sock) ?? (await this.learnLimits());
      }
    } catch (error) {
      // A connection that failed its handshake or authentication must never be pooled.
      this.sock.forceClose('after a failed handshake');
      throw error;
    }
  }

  private async handshake(creds: Credentials | undefined): Promise<void> {
    this.serverLimits = DEFAULT_LIMITS;
    const saslUser = creds !== undefined && creds.mechanism === undefined ? `${creds.source}.${creds.username}` : undefined;
    const reply = await this.command('admin', helloCommand({ metadata: clientMetadata(this.options.appName), saslUser }));
    this.serverLimits = limitsFromHello(reply);
    this.helloReply = reply;
    limitsOfConnection.set(this.sock, this.serverLimits);
    if (creds !== undefined) {
      const mechanism = creds.mechanism ?? chooseMechanism(reply.saslSupportedMechs);
      await authenticateScram((db, cmd) => this.command(db, cmd), { ...creds, mechanism });
    }
  }

  /** A plain hello on a reused connection that does not know its server's limits. */
  private async learnLimits(): Promise<ServerLimits> {
    const limits = limitsFromHello(await this.command('admin', helloCommand({})));
    limitsOfConnection.set(this.sock, limits);
    return limits;
  }

  /** Authenticates this connection (used by `db.auth`). */
  async authenticate(username: string, password: string, source: string, mechanism?: ScramMechanism): Promise<void> {
    try {
      await this.scram(username, password, source, mechanism);
    } catch (error) {
      throw locateStep(error, this.peer, 'saslStart');
    }
  }

  private async scram(username: string, password: string, source: string, mechanism: ScramMechanism | undefined): Promise<void> {
    if (mechanism !== undefined && !MECHANISMS.includes(mechanism)) throw new TypeError(`unsupported mechanism: ${String(mechanism)}`);
    let chosen = mechanism;
    if (chosen === undefined) {
      const reply = await this.command('admin', helloCommand({ saslUser: `${source}.${username}` }));
      chosen = chooseMechanism(reply.saslSupportedMechs);
    }
    this.authenticatedLater = true;
    try {
      await authenticateScram((db, cmd) => this.command(db, cmd), { username, password, source, mechanism: chosen });
    } catch (error) {
      // The server's answers could not be trusted: do not keep talking to it on this socket.
      if (error instanceof MongoAuthError) this.sock.forceClose('after a SCRAM answer that could not be trusted');
      throw error;
    }
  }

  /**
   * Returns the connection to its pool. Open cursors are killed first. A connection that
   * `db.auth` authenticated under the default pool name is closed instead (that name does not
   * carry the identity, so another user could get it); pass `pool` to opt out.
   */
  async setKeepalive(maxIdleMs?: number, poolSize?: number): Promise<void> {
    await this.releaseResources();
    if (this.authenticatedLater && !this.explicitPool) {
      this.sock.forceClose('authenticated by db.auth after connect, so not pooled');
      return;
    }
    await this.sock.setKeepalive(maxIdleMs, poolSize);
  }

  /** 0 for a fresh connection, n for one taken from the pool for the n-th time. */
  getReusedTimes(): number {
    return this.sock.getReusedTimes();
  }

  /**
   * Closes the connection (it does not go to the pool); the object may `connect` again.
   * Resolves when it is already closed or was never connected, so `finally { await
   * conn.close() }` never hides the error that closed it.
   */
  async close(): Promise<void> {
    this.resources.clear();
    try {
      await this.sock.close();
    } catch (error) {
      if (error instanceof CosocketError && error.code === 'closed') return;
      throw error;
    }
  }

  /** A database handle (`conn:new_db_handle(name)`). */
  db(name: string): Database {
    return new Database(this, name);
  }

  /**
   * Runs one command on database `db` and returns the reply; `ok: 0` throws `MongoServerError`.
   * `sequences` become kind-1 sections. `cmd` is copied, never mutated (its first key must be
   * the command name, which every error names as its `command`).
   */
  async command(db: string, cmd: Document, sequences: readonly DocumentSequence[] = []): Promise<Document> {
    try {
      return await this.exchange(db, cmd, sequences);
    } catch (error) {
      throw locateError(error, this.peer, commandName(cmd));
    }
  }

  /**
   * One request and its reply. What can refuse the request is checked before the first byte is
   * written, and such an error never touched the connection: a request already in flight, a
   * command or message above the server's limits, and the socket's own refusals (`peek()` runs
   * the read checks at once: not connected, closed, `bad request` from another context,
   * `socket busy connecting`). From the first byte on, one rule decides (`keepsConnection`):
   * a server's error reply, read whole, leaves the connection in sync; any other failure
   * closes it, since a reply may still be in flight or half read.
   */
  private async exchange(db: string, cmd: Document, sequences: readonly DocumentSequence[]): Promise<Document> {
    if (this.phase !== null) throw new CosocketError(`socket busy ${this.phase}`);
    const body = BSON.serialize(withDb(cmd, db), SERIALIZE_OPTIONS);
    const limits = this.serverLimits;
    if (body.byteLength > limits.maxBsonObjectSize + COMMAND_OVERHEAD) {
      throw new MongoSizeError(
        `command document of ${body.byteLength} bytes exceeds the server's limit`,
        body.byteLength,
        limits.maxBsonObjectSize + COMMAND_OVERHEAD,
      );
    }
    const requestId = nextRequestId();
    const message = encodeOpMsg(requestId, body, sequences, { checksum: this.options.checksum === true });
    if (message.length > limits.maxMessageSizeBytes) {
      throw new MongoSizeError(`message of ${message.length} bytes exceeds maxMessageSizeBytes`, message.length, limits.maxMessageSizeBytes);
    }
    this.sock.peek();
    this.phase = 'writing';
    try {
      await this.sock.send(message.pieces);
      this.phase = 'reading';
      const reply = await readReply(this.sock, requestId, limits.maxMessageSizeBytes, this.decodeOptions);
      if (reply.ok !== 1 && reply.ok !== true) throw serverErrorFromReply(reply);
      return reply;
    } catch (error) {
      if (!keepsConnection(error)) this.sock.forceClose(closeReason(error, this.phase));
      throw error;
    } finally {
      this.phase = null;
    }
  }

  private async releaseResources(): Promise<void> {
    const open = [...this.resources];
    this.resources.clear();
    for (const resource of open) await resource.release();
  }
}

/** Why a failed exchange closed the connection, as a later operation's `closed (...)` says. */
function closeReason(error: unknown, phase: 'writing' | 'reading' | null): string {
  if (error instanceof CosocketError && error.code === 'timeout') return phase === 'reading' ? 'after a read timeout' : 'after a send timeout';
  return 'after a failed request';
}

/** The command name: the first key of the command document. */
function commandName(cmd: Document): string | undefined {
  const first: unknown = cmd instanceof Map ? (cmd as Map<string, unknown>).keys().next().value : Object.keys(cmd)[0];
  return typeof first === 'string' ? first : undefined;
}

/**
 * Adds `address` to an error of a step made of several commands (`connect`, `db.auth`), and
 * names the step as its `command` unless a command inside already named itself.
 */
function locateStep(error: unknown, address: string | undefined, step: string): unknown {
  const named = error instanceof OperationError && error.command !== undefined;
  return locateError(error, address, named ? undefined : step);
}

function withDb(cmd: Document, db: string): Document {
  if (cmd instanceof Map) return new Map([...(cmd as Map<string, unknown>), ['$db', db]]);
  return { ...cmd, $db: db };
}

interface Credentials {
  username: string;
  password: string;
  source: string;
  mechanism: ScramMechanism | undefined;
}

function credentialsOf(opts: MongoConnectOptions): Credentials | undefined {
  if (opts.username === undefined) {
    if (opts.password !== undefined) throw new TypeError('a password was given without a username');
    return undefined;
  }
  if (typeof opts.password !== 'string') throw new TypeError('a username was given without a password');
  if (opts.mechanism !== undefined && !MECHANISMS.includes(opts.mechanism)) {
    throw new TypeError(`unsupported mechanism: ${String(opts.mechanism)} (SCRAM-SHA-256 or SCRAM-SHA-1)`);
  }
  return { username: opts.username, password: opts.password, source: opts.authSource ?? 'admin', mechanism: opts.mechanism };
}

/**
 * host:port[:tls(serverName,verify|noverify[,ca:digest])][:authSource:user:sha256(password) prefix]:
 * an authenticated socket never reaches another user, a verified one never one made without
 * verification. `tls` may be the connect options or just whether TLS is on.
 */
export function defaultPoolName(address: string, creds: Credentials | undefined, tls: boolean | ClientTlsOptions): string {
  const o = typeof tls === 'boolean' ? { ssl: tls } : tls;
  let name = o.ssl === true ? `${address}:${tlsPoolTag(o)}` : address;
  if (creds !== undefined) {
    const digest = createHash('sha256').update(creds.password, 'utf8').digest('hex').slice(0, 16);
    name += `:${creds.source}:${creds.username}:${digest}`;
  }
  return name;
}

function chooseMechanism(supported: unknown): ScramMechanism {
  if (Array.isArray(supported)) {
    if (supported.includes('SCRAM-SHA-256')) return 'SCRAM-SHA-256';
    if (supported.includes('SCRAM-SHA-1')) return 'SCRAM-SHA-1';
  }
  return 'SCRAM-SHA-256';
}
