// An in-process TCP proxy on loopback that sits between a client and a real server and
// injects network faults on command: delay, stall, RST, half-close, dropped and corrupted
// bytes, refused connects. It makes network faults repeatable without root (no tc/iptables)
// and counts the connections it carries, which doubles as a server-side connection count.
// Each fault it injects is reported to `onFault` (the reliability suite counts them).
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';

/** `up`: client to server; `down`: server to client. */
export type Direction = 'up' | 'down';

/** One proxied connection: the client-facing socket and the upstream one. */
interface Link {
  client: Socket;
  upstream: Socket;
  /** Serialises deliveries per direction so delays never reorder bytes. */
  chains: Record<Direction, Promise<void>>;
  /** Bytes forwarded per direction. */
  bytes: Record<Direction, number>;
}

/** A byte mutation: returns the bytes to forward (possibly shorter, empty to drop). */
export type Mutation = (chunk: Buffer) => Buffer;

export class FaultProxy {
  readonly host = '127.0.0.1';
  port = 0;
  /** Connections accepted so far. */
  accepted = 0;
  /** The most connections open at once. */
  peakOpen = 0;
  private readonly links = new Set<Link>();
  private server: Server | null = null;
  private delayMs = 0;
  private stalled: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private refusing = false;
  private readonly dropBytes: Record<Direction, number> = { up: 0, down: 0 };
  private readonly mutations: Record<Direction, Mutation[]> = { up: [], down: [] };

  constructor(
    readonly targetHost: string,
    readonly targetPort: number,
    private readonly onFault: (n: number) => void = () => undefined,
  ) {}

  /** Connections open right now. */
  get open(): number {
    return this.links.size;
  }

  /** Starts listening on a free loopback port. */
  async listen(): Promise<this> {
    const server = createServer({ allowHalfOpen: true }, (client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.host, resolve);
    });
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    return this;
  }

  /** Delays every chunk in both directions by `ms` (0 turns it off). Order is preserved. */
  delay(ms: number): void {
    this.delayMs = ms;
    if (ms > 0) this.onFault(1);
  }

  /** Holds every byte in both directions until `resume()`: a peer that stopped answering. */
  stall(): void {
    if (this.stalled !== null) return;
    this.stalled = new Promise<void>((resolve) => (this.release = resolve));
    this.onFault(1);
  }

  /** Ends a `stall()`: held bytes are delivered, in order. */
  resume(): void {
    this.release?.();
    this.stalled = this.release = null;
  }

  /** Resets (RST) every open connection on both sides. */
  cut(): number {
    const n = this.links.size;
    for (const link of [...this.links]) this.reset(link);
    if (n > 0) this.onFault(n);
    return n;
  }

  /** Sends FIN to every client (the proxy stops forwarding server bytes) but keeps reading. */
  halfClose(): number {
    const n = this.links.size;
    for (const link of this.links) {
      link.upstream.pause();
      link.client.end();
    }
    if (n > 0) this.onFault(n);
    return n;
  }

  /** Drops the next `n` bytes travelling in `direction`. */
  drop(direction: Direction, n: number): void {
    this.dropBytes[direction] += n;
    this.onFault(1);
  }

  /** Applies `mutation` to the next chunk travelling in `direction` (once). */
  corrupt(direction: Direction, mutation: Mutation = flipFirstByte): void {
    this.mutations[direction].push(mutation);
    this.onFault(1);
  }

  /** While on, new connections are accepted and reset at once (a crashing listener). */
  refuse(on: boolean): void {
    this.refusing = on;
    if (on) this.onFault(1);
  }

  /** Back to a transparent proxy: no delay, no stall, no pending drops or mutations. */
  heal(): void {
    this.delayMs = 0;
    this.refusing = false;
    this.dropBytes.up = this.dropBytes.down = 0;
    this.mutations.up.length = this.mutations.down.length = 0;
    this.resume();
  }

  /** Stops listening and resets every connection. */
  async close(): Promise<void> {
    this.resume();
    for (const link of [...this.links]) this.reset(link);
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    client.on('error', () => undefined);
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = netConnect({ host: this.targetHost, port: this.targetPort, allowHalfOpen: true, noDelay: true });
    upstream.on('error', () => undefined);
    client.setNoDelay(true);
    const link: Link = { client, upstream, chains: { up: Promise.resolve(), down: Promise.resolve() }, bytes: { up: 0, down: 0 } };
    this.links.add(link);
    this.peakOpen = Math.max(this.peakOpen, this.links.size);
    client.on('data', (chunk: Buffer) => this.forward(link, 'up', chunk));
    upstream.on('data', (chunk: Buffer) => this.forward(link, 'down', chunk));
    // A FIN travels on after the bytes before it; a reset or close on one side resets the other,
    // as a crashed server or client would look through a real middlebox.
    client.on('end', () => this.after(link, 'up', () => upstream.end()));
    upstream.on('end', () => this.after(link, 'down', () => client.end()));
    client.on('close', (hadError) => this.closeSide(link, upstream, hadError));
    upstream.on('close', (hadError) => this.closeSide(link, client, hadError));
  }

  private closeSide(link: Link, other: Socket, hadError: boolean): void {
    this.links.delete(link);
    if (other.destroyed) return;
    if (hadError) other.resetAndDestroy();
    else this.after(link, other === link.client ? 'down' : 'up', () => other.destroy());
  }

  private reset(link: Link): void {
    this.links.delete(link);
    if (!link.client.destroyed) link.client.resetAndDestroy();
    if (!link.upstream.destroyed) link.upstream.resetAndDestroy();
  }

  private forward(link: Link, direction: Direction, chunk: Buffer): void {
    this.after(link, direction, () => {
      const out = this.transform(direction, chunk);
      const target = direction === 'up' ? link.upstream : link.client;
      if (out.length > 0 && !target.destroyed && target.writable) {
        link.bytes[direction] += out.length;
        target.write(out);
      }
    });
  }

  /** Runs `step` after everything queued before it in `direction`, honouring stall and delay. */
  private after(link: Link, direction: Direction, step: () => void): void {
    link.chains[direction] = link.chains[direction].then(async () => {
      while (this.stalled !== null) await this.stalled;
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      step();
    });
  }

  private transform(direction: Direction, chunk: Buffer): Buffer {
    let out = chunk;
    const drop = Math.min(this.dropBytes[direction], out.length);
    if (drop > 0) {
      this.dropBytes[direction] -= drop;
      out = out.subarray(drop);
    }
    const mutation = out.length > 0 ? this.mutations[direction].shift() : undefined;
    return mutation === undefined ? out : mutation(Buffer.from(out));
  }
}

/** Flips every bit of the first byte: a type byte or length digit turns into garbage. */
export function flipFirstByte(chunk: Buffer): Buffer {
  chunk[0] = chunk[0]! ^ 0xff;
  return chunk;
}

export interface FaultProxyOptions {
  /** Called with the number of faults each injection adds (a cut counts each connection). */
  onFault?: (n: number) => void;
}

/** A proxy to `host:port`, listening. */
export function faultProxy(target: { host: string; port: number }, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  return new FaultProxy(target.host, target.port, options.onFault).listen();
}
