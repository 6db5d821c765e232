import { CosocketError, keepsConnection, OperationError, runDetached, startTls, tcp, type ClientPool, type TcpSocket } from 'cosocket';
import { handshakeRequest } from '../connect-options.js';
import { DEFAULT_MAX_REPLY_SIZE, ReplyDecoder } from '../decoder.js';
import { encodeCommand } from '../encoder.js';
import { closeReason, CONNECT, locateCommand, RedisProtocolError } from '../errors.js';
import { text } from '../pubsub.js';
import type { RedisReply } from '../types.js';
import type { Slot } from './leases.js';
import type { ResolvedClientOptions } from './options.js';

/** A message listener: `(message, channel)`, and the pattern that matched for `psubscribe`. */
export type MessageListener<S extends string | Buffer = string> = (message: S, channel: S, pattern?: S) => void;

/** What `subscribe` and `psubscribe` resolve: `unsubscribe()` removes this listener (idempotent). */
export interface RedisSubscription {
  unsubscribe(): Promise<void>;
}

type Kind = 'subscribe' | 'psubscribe';
type Command = Kind | 'unsubscribe' | 'punsubscribe' | 'ping';

/** How listeners are called inside: with the replies as decoded (strings, or Buffers with `returnBuffers`). */
type Listener = (message: RedisReply, channel: RedisReply, pattern?: RedisReply) => void;

/** A channel or pattern subscribed on the server for one or more listeners. */
class Topic {
  readonly listeners = new Set<{ listener: Listener }>();
  confirmed = false;
  private readonly waiters: { resolve(): void; reject(error: unknown): void }[] = [];

  constructor(readonly name: string) {}

  /** Resolves once the server confirmed the subscription. */
  ready(): Promise<void> {
    return this.confirmed ? Promise.resolve() : new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  confirm(): void {
    this.confirmed = true;
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  fail(error: unknown): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
  }
}

/** A command written on the subscriber connection, awaiting one frame per name (or one error). */
interface Sent {
  command: Command;
  topics: Topic[];
  remaining: number;
  done(error?: Error): void;
}

/** First reconnect delay after the connection dropped, doubled per failure up to the maximum (ms). */
const BACKOFF_FIRST = 50;
const BACKOFF_MAX = 5_000;
/** A read idle for this long sends a PING; no answer in as long again drops the connection (ms). */
const PING_INTERVAL = 30_000;

/**
 * The client's subscriber: one connection of its own (a slot of the client's pool, so counted
 * against `poolSize`), opened outside every request context, shared by every subscription. The
 * local listeners are the truth: after the connection drops it reconnects with backoff and
 * subscribes everything again; the last unsubscribe closes the connection and frees the slot.
 *
 * It speaks on a cosocket directly rather than through a `Redis`, because it must write
 * (SUBSCRIBE, UNSUBSCRIBE) while its reader waits for messages: one reader and one writer.
 */
export class Subscriber {
  private readonly topics: Record<Kind, Map<string, Topic>> = { subscribe: new Map(), psubscribe: new Map() };
  private sent: Sent[] = [];
  private slot: Slot | null = null;
  private sock: TcpSocket<Buffer> | null = null;
  private state: 'idle' | 'connecting' | 'up' | 'backoff' | 'closed' = 'idle';
  /** Bumped when a connection ends: its loops stop. */
  private epoch = 0;
  private writes: Promise<unknown> = Promise.resolve();
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  private pingOwed = false;

  constructor(
    private readonly settings: ResolvedClientOptions,
    private readonly pool: ClientPool<Slot>,
  ) {}

  /** Subscribes `listener` to `names` (channels or patterns); resolves once the server confirmed each. */
  async subscribe<S extends string | Buffer>(
    kind: Kind,
    names: string | readonly string[],
    listener: MessageListener<S>,
  ): Promise<RedisSubscription> {
    const label = kind.toUpperCase();
    const list: unknown = typeof names === 'string' ? [names] : names;
    if (!isNameList(list)) {
      throw new TypeError(`${kind}: a ${kind === 'subscribe' ? 'channel' : 'pattern'} name or a non-empty array of them expected`);
    }
    if (typeof listener !== 'function') throw new TypeError(`${kind}: a listener function expected, got ${typeof listener}`);
    if (this.state === 'closed') throw closedError(this.settings.address, label);
    const entry = { listener: listener as unknown as Listener };
    const fresh: Topic[] = [];
    const joined: Topic[] = [];
    for (const name of new Set(list)) {
      let topic = this.topics[kind].get(name);
      if (topic === undefined) {
        topic = new Topic(name);
        this.topics[kind].set(name, topic);
        fresh.push(topic);
      }
      topic.listeners.add(entry);
      joined.push(topic);
    }
    const subscription = { unsubscribe: once(() => this.unsubscribe(kind, joined, entry)) };
    if (fresh.length > 0 && this.state === 'up') void this.write(kind, fresh).catch(() => undefined);
    else if (this.state === 'idle') this.start();
    try {
      await Promise.all(joined.map((t) => t.ready()));
    } catch (error) {
      await subscription.unsubscribe().catch(() => undefined);
      // A connect failure keeps naming `connect`: the step that failed.
      throw error instanceof OperationError && error.command !== undefined ? error : locateCommand(error, this.settings.address, label);
    }
    return subscription;
  }

  /** Closes the connection and drops every subscription; pending subscribes reject with `closed`. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.shutdown(closedError(this.settings.address, 'SUBSCRIBE'));
  }

  private async unsubscribe(kind: Kind, topics: Topic[], entry: { listener: Listener }): Promise<void> {
    const gone: Topic[] = [];
    for (const topic of topics) {
      topic.listeners.delete(entry);
      if (topic.listeners.size === 0 && this.topics[kind].get(topic.name) === topic) {
        this.topics[kind].delete(topic.name);
        gone.push(topic);
      }
    }
    if (gone.length > 0 && this.state === 'up') {
      await this.write(kind === 'subscribe' ? 'unsubscribe' : 'punsubscribe', gone).catch(() => undefined);
    }
    if (this.idle && this.state !== 'closed' && this.state !== 'idle') await this.shutdown(null);
  }

  /** No listener left: the connection can go. */
  private get idle(): boolean {
    return this.topics.subscribe.size === 0 && this.topics.psubscribe.size === 0;
  }

  private start(): void {
    this.state = 'connecting';
    const epoch = this.epoch;
    void runDetached(() => this.connect(epoch)).then(
      () => undefined,
      (error: unknown) => {
        if (epoch !== this.epoch) return;
        // Never up since the last idle: every topic is one of this attempt's, and they fail with it.
        void this.shutdown(error);
      },
    );
  }

  /** Takes a slot (once), connects, authenticates, subscribes every topic, starts reading. */
  private async connect(epoch: number): Promise<void> {
    if (this.slot === null) {
      const slot = await this.pool.acquire('SUBSCRIBE');
      if (epoch !== this.epoch) {
        // Closed or given up meanwhile: the slot goes straight back.
        await this.pool.release(slot, new Error('subscriber not needed'));
        return;
      }
      this.slot = slot;
    }
    const s = this.settings;
    const sock = tcp();
    sock.setTimeouts(s.connectTimeout, s.commandTimeout, s.commandTimeout);
    this.sock = sock;
    const decoder = new ReplyDecoder(s.returnBuffers, s.maxReplySize ?? DEFAULT_MAX_REPLY_SIZE);
    const { host, port, options } = s.target;
    try {
      // Its own pool name, never put back: the subscriber connection is nobody else's.
      await sock.connect(host, port, { pool: `${this.pool.name}:subscriber` });
      await startTls(sock, options);
      const hello = handshakeRequest(options);
      if (hello.count > 0) {
        await sock.send(hello.finish());
        for (let i = 0; i < hello.count; i++) {
          while (decoder.available === 0) decoder.feed(await sock.receiveBuffered());
          const reply = decoder.shift();
          if (keepsConnection(reply)) throw reply;
        }
      }
    } catch (error) {
      sock.forceClose('connect failed');
      throw locateCommand(error, s.address, CONNECT);
    }
    if (epoch !== this.epoch) {
      sock.forceClose('closed');
      return;
    }
    this.state = 'up';
    this.failures = 0;
    sock.setTimeouts(s.connectTimeout, s.commandTimeout, PING_INTERVAL);
    void this.read(epoch, sock, decoder);
    for (const kind of ['subscribe', 'psubscribe'] as const) {
      const all = [...this.topics[kind].values()];
      if (all.length > 0) void this.write(kind, all).catch(() => undefined);
    }
  }

  /** Writes one command for `topics` (after the writes before it); resolves when every frame came. */
  private write(command: Command, topics: Topic[]): Promise<void> {
    const sock = this.sock!;
    const epoch = this.epoch;
    const request = encodeCommand(
      command,
      topics.map((t) => t.name),
    );
    return new Promise<void>((resolve, reject) => {
      this.sent.push({
        command,
        topics,
        remaining: Math.max(1, topics.length),
        done: (error) => (error === undefined ? resolve() : reject(error)),
      });
      this.writes = this.writes
        .then(() => (epoch === this.epoch ? runDetached(() => sock.send(request)) : undefined))
        .catch((error: unknown) => this.dropped(epoch, error));
    });
  }

  private async read(epoch: number, sock: TcpSocket<Buffer>, decoder: ReplyDecoder): Promise<void> {
    try {
      for (;;) {
        while (decoder.available > 0) {
          this.onFrame(decoder.shift());
          if (epoch !== this.epoch) return;
        }
        try {
          decoder.feed(await sock.receiveBuffered());
        } catch (error) {
          if (!(error instanceof CosocketError && error.code === 'timeout') || this.pingOwed) throw error;
          // Idle for a while: a PING tells a silent connection from a dead one.
          this.pingOwed = true;
          void this.write('ping', []).then(
            () => (this.pingOwed = false),
            () => undefined,
          );
        }
      }
    } catch (error) {
      this.dropped(epoch, error);
    }
  }

  private onFrame(frame: RedisReply): void {
    if (Array.isArray(frame)) {
      const kind = text(frame[0]);
      if (kind === 'message' && frame.length === 3) return this.deliver('subscribe', frame[1]!, frame[2]!, frame[1]!, undefined);
      if (kind === 'pmessage' && frame.length === 4) return this.deliver('psubscribe', frame[1]!, frame[3]!, frame[2]!, frame[1]);
      if (kind !== null && frame.length >= 2 && this.sent[0]?.command === kind) return this.acknowledge();
      if (kind === 'pong' && this.sent[0]?.command === 'ping') return this.acknowledge();
    } else if (keepsConnection(frame) && this.sent.length > 0) {
      // A command error (NOPERM, ...) is the one reply its command gets.
      const head = this.sent.shift()!;
      for (const topic of head.topics) this.forget(head.command, topic, frame);
      return head.done(frame);
    } else if (text(frame) === 'PONG' && this.sent[0]?.command === 'ping') {
      return this.acknowledge();
    }
    throw new RedisProtocolError(`unexpected reply on the subscriber connection: ${JSON.stringify(String(frame)).slice(0, 80)}`, {
      address: this.settings.address,
    });
  }

  /** One confirmation frame for the oldest command. */
  private acknowledge(): void {
    const head = this.sent[0]!;
    const topic = head.topics[head.topics.length - head.remaining];
    if (head.command === 'subscribe' || head.command === 'psubscribe') topic?.confirm();
    if (--head.remaining > 0) return;
    this.sent.shift();
    head.done();
  }

  /** A refused subscription: its topic is dropped, and the subscribe calls waiting for it reject. */
  private forget(command: Command, topic: Topic, error: unknown): void {
    if (command !== 'subscribe' && command !== 'psubscribe') return;
    if (this.topics[command].get(topic.name) === topic) this.topics[command].delete(topic.name);
    topic.fail(error);
  }

  private deliver(kind: Kind, name: RedisReply, message: RedisReply, channel: RedisReply, pattern: RedisReply | undefined): void {
    const topic = this.topics[kind].get(text(name) ?? '');
    if (topic === undefined) return;
    for (const { listener } of [...topic.listeners]) {
      try {
        listener(message, channel, pattern);
      } catch (error) {
        // A listener's bug surfaces as an uncaught exception, as from an EventEmitter listener,
        // without stopping the delivery to the others.
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }

  /** The connection failed or closed: reconnect with backoff and subscribe everything again. */
  private dropped(epoch: number, error: unknown): void {
    if (epoch !== this.epoch) return;
    this.endConnection(closeReason(error));
    if (this.state === 'closed') return;
    if (this.topics.subscribe.size + this.topics.psubscribe.size === 0) {
      void this.shutdown(null);
      return;
    }
    this.state = 'backoff';
    const delay = Math.min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** this.failures++) * (0.5 + Math.random() / 2);
    this.retry = setTimeout(() => {
      this.retry = null;
      const again = this.epoch;
      this.state = 'connecting';
      void runDetached(() => this.connect(again)).catch((failure: unknown) => this.dropped(again, failure));
    }, delay);
  }

  /** Closes the connection; what awaited a reply on it is settled (subscriptions are redone by the next connection). */
  private endConnection(reason: string): void {
    this.epoch++;
    this.sock?.forceClose(reason);
    this.sock = null;
    this.pingOwed = false;
    this.writes = Promise.resolve();
    for (const sent of this.sent.splice(0)) {
      // A subscription still wanted waits for the next connection; the rest is moot now.
      for (const topic of sent.topics)
        if (this.topics.subscribe.get(topic.name) !== topic && this.topics.psubscribe.get(topic.name) !== topic) topic.confirm();
      sent.done();
    }
  }

  /**
   * Back to idle (or closed): the connection closed, the slot given back, every topic dropped;
   * with `error`, the subscribe calls still waiting reject with it.
   */
  private async shutdown(error: unknown): Promise<void> {
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.endConnection('unsubscribed');
    for (const map of Object.values(this.topics)) {
      for (const topic of map.values()) topic.fail(error ?? closedError(this.settings.address, 'SUBSCRIBE'));
      map.clear();
    }
    if (this.state !== 'closed') this.state = 'idle';
    this.failures = 0;
    const slot = this.slot;
    this.slot = null;
    if (slot !== null) await this.pool.release(slot, new Error('subscriber connection closed'));
  }
}

function closedError(address: string, command: string): CosocketError {
  return new CosocketError('closed', { message: 'closed (the client was closed with close())', address, command });
}

/** A non-empty list of non-empty names. */
function isNameList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.length > 0 && value.every((n) => typeof n === 'string' && n !== '');
}

/** `fn` run at most once; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | null = null;
  return () => (result ??= fn());
}
